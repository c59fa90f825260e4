// What Failure Clusters… shows (src/extension/commands/clusterView.ts): the quick pick's items and
// title, the examples that open samples, and the one message about naming by endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterItems, clustersTitle, exampleItems, namingFromSettings, namingNotice } from '../../../src/extension/commands/clusterView';
import type { ClusterReport, FailureCluster } from '../../../src/shared/clusters';

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

describe('Failure Clusters… quick pick', () => {
  it('lists each cluster with its count and share; the preview as plain text, or the terms when an endpoint named it', () => {
    assert.deepEqual(
      clusterItems(report).map(({ label, description, detail }) => [label, description, detail]),
      [
        ['#1 inches, # inches', '30 (75.0%)', '<b>response 1</b>'],
        ['#2 Rambles', '10 (25.0%)', 'terms: let me'],
      ],
    );
    assert.equal(clustersTitle(report), 'r steps 100–…: 4000 wrong (solved = the logged verdict), a seeded sample of 40 → 2 clusters');
    assert.equal(
      clustersTitle({ ...report, from: null, capped: false, clustered: 4000 }),
      'r all steps: 4000 wrong (solved = the logged verdict) → 2 clusters',
    );
  });

  it("a cluster's examples carry the address that opens the sample", () => {
    assert.deepEqual(
      exampleItems(units).map((e) => [e.label, e.detail, e.ref.sample_id]),
      [
        ['step 1 · g1 · #1', '<b>response 1</b>', 101],
        ['step 2 · g2 · #2', '<b>response 2</b>', 102],
        ['step 3 · g3 · #3', '<b>response 3</b>', 103],
      ],
    );
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
