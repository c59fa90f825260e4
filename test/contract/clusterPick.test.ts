// A failure cluster taken on through the engine (EngineServer behind its JSON-RPC endpoint, a real
// SQLite store): what the clusters view's Export…, Share as HTML… and Label all… ask for. Each
// request names the cluster by its clustering's spec and what the view showed; the engine clusters again.
// Needs dist/webview (node scripts/build.mjs): the report inlines the bundles.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import { EngineServer } from '../../src/engine/server';
import { clusterPickOf, type ClusterReport } from '../../src/shared/clusters';
import type { DatasetExportReport } from '../../src/shared/datasetExport';
import type { ReportSummary } from '../../src/shared/report';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../helpers';
import { blankAnswerRun } from '../unit/alerts/fixtures';
import { failureRun } from '../unit/analysis/failureTexts';

let dir: string;
let client: RpcEndpoint;
let server: EngineServer | undefined;
let report: ClusterReport;

before(async () => {
  dir = tempDir('rl-cluster-engine-');
  writeJsonl(path.join(dir, 'f.jsonl'), failureRun());
  const [a, b] = transportPair();
  server = new EngineServer(new RpcEndpoint(b));
  client = new RpcEndpoint(a);
  await client.request('initialize', { db: path.join(dir, 'a.db') });
  await client.request('ingest', { paths: [path.join(dir, 'f.jsonl')], run: 'f' });
  report = (await client.request('analysis/clusters', { run: 'f', selection: { kind: 'wrong' }, from: 1, to: 2 })) as ClusterReport;
});

after(() => server?.dispose());

describe('a failure cluster through the engine', () => {
  it('clusters steps 1–2 into the three kinds', () => {
    assert.deepEqual(
      report.clusters.map((c) => c.size),
      [26, 19, 15],
    );
  });

  it('datasets/export takes the cluster as a selection', async () => {
    const out = path.join(dir, 'c1.jsonl');
    const r = (await client.request('datasets/export', {
      run: 'f',
      kind: 'sft',
      format: 'jsonl',
      selection: { from: 1, to: 2, cluster: clusterPickOf(report, report.clusters[0]!) },
      out,
    })) as DatasetExportReport;
    assert.deepEqual([r.rows, r.samples], [26, 26]);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 26);
  });

  it('report/write puts the cluster above the group of its most typical member', async () => {
    const c = report.clusters[1]!;
    const e = c.examples[0]!;
    const out = path.join(dir, 'c2.html');
    const r = (await client.request('report/write', {
      run: 'f',
      split: e.split,
      step: e.step,
      group: e.group,
      path: out,
      cluster: clusterPickOf(report, c),
    })) as ReportSummary;
    assert.deepEqual([r.step, r.group, r.cluster?.id, r.cluster?.size, r.cluster?.name], [e.step, e.group, 2, 19, c.name]);
    assert.ok(r.cluster!.in_group >= 1);
  });

  it('labels/addCluster labels each member once, and refuses a cluster that changed', async () => {
    const pick = clusterPickOf(report, report.clusters[2]!);
    assert.deepEqual(await client.request('labels/addCluster', { run: 'f', cluster: pick, tag: 'kind-3' }), { added: 15, already: 0 });
    assert.deepEqual(await client.request('labels/addCluster', { run: 'f', cluster: pick, tag: 'kind-3' }), { added: 0, already: 15 });
    const tags = (await client.request('labels/tags', { run: 'f' })) as Array<{ tag: string; count: number }>;
    assert.deepEqual(
      tags.map((t) => [t.tag, t.count]),
      [['kind-3', 15]],
    );
    await assert.rejects(
      client.request('labels/addCluster', { run: 'f', cluster: { ...pick, expect: { size: 16, terms: [] } }, tag: 'kind-3' }),
      /cluster #3 of f is no longer the one shown \(16 samples, no terms\)/,
    );
  });

  it("a cluster of an alert's samples: the engine brings the alerts up to date first", async () => {
    writeJsonl(path.join(dir, 'blank.jsonl'), blankAnswerRun());
    await client.request('ingest', { paths: [path.join(dir, 'blank.jsonl')], run: 'blank' });
    // Alerts never judged (as a database an older version wrote), through a second connection.
    const other = Store.open(path.join(dir, 'a.db'));
    other.write(() => other.db.exec('DELETE FROM alerts; DELETE FROM alert_step_state; DELETE FROM alert_runs;'));
    other.close();
    const pick = { spec: { selection: { kind: 'alert', alert: 'degenerate_output' } }, cluster: 1 };
    assert.deepEqual(await client.request('labels/addCluster', { run: 'blank', cluster: pick, tag: 'blank' }), { added: 2, already: 0 });
  });
});
