// The words of the failure clusters view (src/shared/clusters.ts, src/extension/commands/clusterView.ts):
// count and share, the title, a cluster as a selection, and the one message about naming by endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namingFromSettings, namingNotice } from '../../../src/extension/commands/clusterView';
import {
  clusterPickOf,
  clusterShare,
  clusterSpecOf,
  clustersTitle,
  type ClusterReport,
  type FailureCluster,
} from '../../../src/shared/clusters';

const example = (n: number) => ({
  run: 'r',
  split: 'train' as const,
  step: n,
  group: `g${n}`,
  index: n,
  sample_id: 100 + n,
  preview: `<b>response ${n}</b>`,
});
const units: FailureCluster = {
  id: 1,
  size: 30,
  terms: ['inches', '# inches'],
  name: 'inches, # inches',
  named_by: 'terms',
  examples: [example(1), example(2), example(3)],
};
const rambles: FailureCluster = { id: 2, size: 10, terms: ['let me'], name: 'Rambles', named_by: 'endpoint', examples: [example(4)] };
const report: ClusterReport = {
  run: 'r',
  split: 'train',
  from: 100,
  to: null,
  selection: { kind: 'wrong' },
  selection_label: 'wrong (solved = the logged verdict)',
  selected: 4000,
  clustered: 40,
  capped: true,
  cap: 40,
  seed: 1,
  k: 2,
  k_rule: 'silhouette',
  vocabulary: 50,
  clusters: [units, rambles],
  naming: null,
};

describe('Failure clusters: the words around the clusters', () => {
  it("a cluster's count and share; the title says what was selected, from which steps, and whether a sample was clustered", () => {
    assert.deepEqual(
      report.clusters.map((c) => clusterShare(report, c)),
      ['30 (75.0%)', '10 (25.0%)'],
    );
    assert.equal(clustersTitle(report), 'r steps 100–…: 4000 wrong (solved = the logged verdict), a seeded sample of 40 → 2 clusters');
    assert.equal(
      clustersTitle({ ...report, from: null, capped: false, clustered: 4000 }),
      'r all steps: 4000 wrong (solved = the logged verdict) → 2 clusters',
    );
  });

  it('a cluster as a selection: the request that made the report, and what the user saw', () => {
    assert.deepEqual(clusterPickOf(report, units), {
      spec: { split: 'train', from: 100, selection: { kind: 'wrong' }, seed: 1, cap: 40 },
      cluster: 1,
      expect: { size: 30, terms: ['inches', '# inches'] },
    });
    assert.deepEqual(clusterSpecOf({ ...report, k_rule: 'given', k: 5, to: 200 }), {
      split: 'train',
      from: 100,
      to: 200,
      selection: { kind: 'wrong' },
      k: 5,
      seed: 1,
      cap: 40,
    });
  });

  it('naming by endpoint only when the setting is on and the verifier is set', () => {
    assert.deepEqual(namingFromSettings({ clustersNameByEndpoint: false, verifierUrl: 'http://h/v1', verifierModel: 'm' }), {});
    assert.deepEqual(namingFromSettings({ clustersNameByEndpoint: true, verifierUrl: 'http://h/v1', verifierModel: 'm' }), {
      naming: { url: 'http://h/v1', model: 'm' },
    });
    assert.match(
      namingFromSettings({ clustersNameByEndpoint: true, verifierUrl: '', verifierModel: 'm' }).warning!,
      /named by their terms/,
    );
  });

  it('one message: what was sent, or why the terms were kept', () => {
    const naming = { endpoint: 'http://h/v1/chat/completions', model: 'm', sent: '2 clusters…', characters: 900, ok: true, message: null };
    assert.equal(namingNotice(report), null);
    assert.deepEqual(namingNotice({ ...report, naming }), {
      level: 'info',
      text: 'Cluster names by http://h/v1/chat/completions (model m): sent 2 clusters….',
    });
    assert.deepEqual(
      namingNotice({ ...report, naming: { ...naming, ok: false, message: 'cluster names by endpoint failed, kept the terms: x' } }),
      {
        level: 'warning',
        text: 'cluster names by endpoint failed, kept the terms: x (asked http://h/v1/chat/completions with 2 clusters…)',
      },
    );
  });
});
