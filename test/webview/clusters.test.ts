/// <reference lib="dom" />
// The failure clusters view in headless Chromium: a real clustering (the crafted run of three failure
// kinds → Ingestor → SQLite → failureClusters), each cluster with its share, name and examples as
// text; the actions go to the host with the cluster's id or the example's identity; clustering,
// an error and an empty selection each say so.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { failureClusters } from '../../src/core/analysis/failureClusters';
import { Ingestor } from '../../src/core/ingest/ingestor';
import { Store } from '../../src/core/store/store';
import type { ClusterReport } from '../../src/shared/clusters';
import {
  CLUSTERS_INBOUND,
  ClustersMessages,
  clustersCheckpointSchema,
  type ClustersSnapshot,
} from '../../src/shared/protocol/webviews/clusters';
import { CHECKPOINT_VERSION, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import { tempDir, writeJsonl } from '../helpers';
import { failureRun } from '../unit/analysis/failureTexts';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';

let server: PageServer;
let context: BrowserContext;
let report: ClusterReport;
const key = { run: 'failures', spec: { selection: { kind: 'wrong' as const } } };

before(async () => {
  const dir = tempDir();
  writeJsonl(path.join(dir, 'f.jsonl'), failureRun());
  const store = Store.open(path.join(dir, 'f.db'));
  await new Ingestor(store, [path.join(dir, 'f.jsonl')], { run: 'failures' }).ingestOnce();
  report = failureClusters(store, { run: 'failures', selection: { kind: 'wrong' } });
  store.close();
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
});

async function open(s: ClustersSnapshot): Promise<FakeHostPage> {
  const host = await FakeHostPage.open(context, server, 'clusters', {
    inbound: CLUSTERS_INBOUND,
    onReady: () => ({ method: ClustersMessages.snapshot.method, json: JSON.stringify(s) }),
  });
  await host.waitForPaint();
  return host;
}

const ready = (r: ClusterReport | null, more: Partial<ClustersSnapshot> = {}): ClustersSnapshot => ({
  key,
  report: r,
  loading: false,
  error: null,
  naming_notice: null,
  ...more,
});

describe('failure clusters view', () => {
  it('shows each cluster with its share, its name and the three members nearest its centre', async () => {
    const host = await open(ready(report));
    const heads = await host.page.$$eval('article.cluster .cluster-head', (hs) =>
      hs.map((h) => [h.querySelector('.cluster-id')?.textContent, h.querySelector('.cluster-size')?.textContent]),
    );
    assert.deepEqual(heads, [
      ['#1', '40 (44.4%)'],
      ['#2', '30 (33.3%)'],
      ['#3', '20 (22.2%)'],
    ]);
    assert.deepEqual(
      await host.page.$$eval('article.cluster h2', (hs) => hs.map((h) => h.textContent)),
      report.clusters.map((c) => c.name),
    );
    assert.equal(await host.page.locator('article.cluster li.example').count(), 9);
    assert.equal(
      await host.page.innerText('.clusters-header .title'),
      'failures all steps: 90 wrong (solved = the logged verdict) → 3 clusters',
    );
    const first = report.clusters[2]!.examples[0]!;
    assert.equal(await host.page.locator('#cluster-3 .example .preview').first().textContent(), first.preview);
    assert.deepEqual(await host.page.$$eval('.share-fill', (fs) => fs.map((f) => (f as HTMLElement).style.width)), [
      '44.4444%',
      '33.3333%',
      '22.2222%',
    ]);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('an example opens its sample or its group; a cluster is exported, shared or labelled by its id', async () => {
    const host = await open(ready(report));
    const e = report.clusters[1]!.examples[0]!;
    await host.page.locator('#cluster-2 .open-sample').first().click();
    assert.deepEqual(await host.waitForNotification('clusters/openSample'), {
      run: 'failures',
      split: 'train',
      step: e.step,
      group: e.group,
      index: e.index,
    });
    await host.page.locator('#cluster-2 .open-group').first().click();
    assert.deepEqual(await host.waitForNotification('clusters/openGroup'), {
      run: 'failures',
      split: 'train',
      step: e.step,
      group: e.group,
      index: e.index,
    });
    await host.page.locator('#export-3').click();
    assert.deepEqual(await host.waitForNotification('clusters/export'), { cluster: 3 });
    await host.page.locator('#share-1').click();
    assert.deepEqual(await host.waitForNotification('clusters/share'), { cluster: 1 });
    await host.page.locator('#label-2').click();
    assert.deepEqual(await host.waitForNotification('clusters/label'), { cluster: 2 });
    // The cluster last acted on is marked, and kept in the checkpoint.
    assert.deepEqual(await host.page.$$eval('article.cluster.selected', (as) => as.map((a) => a.id)), ['cluster-2']);
    await host.page.locator('#recluster').click();
    assert.deepEqual(await host.waitForNotification('clusters/recluster'), {});
    assert.deepEqual(host.invalid, []);
    // What VS Code keeps for a reload is what the host restores the panel from: the clustering and the cluster acted on.
    const saved = await host.page.evaluate(() => (window as unknown as { __rlSavedState: unknown }).__rlSavedState);
    assert.deepEqual(readCheckpoint(clustersCheckpointSchema, saved), { v: CHECKPOINT_VERSION, key, selected: 2 });
    await host.close();
  });

  it('model text is text: markup in a response shows as written and runs nothing', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const c = report.clusters[0]!;
    const r: ClusterReport = {
      ...report,
      clusters: [{ ...c, name: hostile, examples: c.examples.map((x) => ({ ...x, preview: hostile, group: '<b>g</b>' })) }],
    };
    const host = await open(ready(r));
    assert.equal(await host.page.locator('article.cluster h2').textContent(), hostile);
    assert.equal(await host.page.locator('.preview').first().textContent(), hostile);
    const security = await host.securityReport();
    assert.deepEqual([security.pwned, security.injected, security.violations, security.dialogs], [null, 0, [], []]);
    await host.close();
  });

  it('says when it is clustering, when clustering failed, and when nothing was selected', async () => {
    const loading = await open(ready(null, { loading: true }));
    assert.equal(await loading.page.innerText('.clusters .message'), 'Clustering the responses by text… (about 6 s for 10,000 responses)');
    assert.equal(await loading.page.$eval('#recluster', (b) => b.hasAttribute('disabled')), true);
    await loading.close();
    const failed = await open(ready(null, { error: 'Could not cluster failures: re-score set 9 is not a set of this run' }));
    assert.equal(await failed.page.innerText('.clusters .message'), 'Could not cluster failures: re-score set 9 is not a set of this run');
    await failed.close();
    const empty = await open(ready({ ...report, selected: 0, clustered: 0, clusters: [] }));
    assert.equal(
      await empty.page.innerText('.clusters .message'),
      'No samples of failures are wrong (solved = the logged verdict) in these steps.',
    );
    await empty.close();
  });
});
