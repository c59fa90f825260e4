/// <reference lib="dom" />
// The prompt timeline view in headless Chromium: a prompt that repeats across steps of two runs
// (native JSONL → Ingestor → SQLite → the engine's timeline query), alone and side by side.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { Ingestor } from '../../src/core/ingest/ingestor';
import { promptIdOf } from '../../src/core/store/promptTimeline';
import { timelineView } from '../../src/core/views/timelineView';
import { Store } from '../../src/core/store/store';
import { TIMELINE_INBOUND, TimelineMessages, type TimelineSnapshot } from '../../src/shared/protocol/webviews/timeline';
import { tempDir, writeJsonl } from '../helpers';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';

const P = 'Solve <script>window.__pwned=1</script> x+1=2';
let server: PageServer;
let context: BrowserContext;
let store: Store;

function group(step: number, uid: string, rewards: number[]): object[] {
  return rewards.map((reward, i) => ({ step, group: uid, prompt: P, response: 'x'.repeat(i + 2), reward, correct: reward > 0 }));
}

before(async () => {
  const dir = tempDir();
  writeJsonl(path.join(dir, 'a.jsonl'), [
    ...group(1, 'a1', [1, 0]),
    ...group(2, 'a2', [1, 1, 0, 1]),
    ...group(3, 'a3', [1, 1]),
    ...group(4, 'a4', [1, 1]),
  ]);
  writeJsonl(path.join(dir, 'b.jsonl'), [...group(2, 'b2', [0, 0]), ...group(3, 'b3', [1, 0])]);
  store = Store.open(path.join(dir, 't.db'));
  await new Ingestor(store, [path.join(dir, 'a.jsonl')], { run: 'base' }).ingestOnce();
  await new Ingestor(store, [path.join(dir, 'b.jsonl')], { run: 'newreward' }).ingestOnce();
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  store?.close();
});

/** What the engine's views/timeline answers (src/core/views/timelineView.ts). */
function snapshot(compare: string | null): TimelineSnapshot {
  return timelineView(store, { run: 'base', split: 'train', prompt: { promptId: promptIdOf(P) }, compare });
}

async function open(s: TimelineSnapshot): Promise<FakeHostPage> {
  const host = await FakeHostPage.open(context, server, 'timeline', {
    inbound: TIMELINE_INBOUND,
    onReady: () => ({ method: TimelineMessages.snapshot.method, json: JSON.stringify(s) }),
  });
  await host.waitForPaint();
  return host;
}

const rows = (host: FakeHostPage, run: string): Promise<string[][]> =>
  host.page.$$eval(`section[data-run="${run}"] table.timeline tbody tr`, (trs) =>
    trs.map((tr) => [tr.className, ...Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '').slice(0, 8)]),
  );

describe('prompt timeline view', () => {
  it('lists every step with solve rate, reward, spread, length and when gradient stopped', async () => {
    const host = await open(snapshot(null));
    assert.deepEqual(await rows(host, 'base'), [
      ['row trainable', '1', 'a1', '2', '0.5', '50.0%', '1', '2.5', 'yes'],
      ['row trainable', '2', 'a2', '4', '0.75', '75.0%', '1', '3.5', 'yes'],
      ['row degenerate stopped', '3', 'a3', '2', '1', '100.0%', '0', '2.5', 'none (degenerate)'],
      ['row degenerate stopped', '4', 'a4', '2', '1', '100.0%', '0', '2.5', 'none (degenerate)'],
    ]);
    assert.equal(await host.page.innerText('section[data-run="base"] .stopped-line'), 'No gradient from step 3 on (every sample correct).');
    assert.equal(await host.page.locator('section[data-run="base"] figure.chart').count(), 1);
    assert.equal(await host.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    // Opening a point's group goes to the host with its identity.
    await host.page.locator('section[data-run="base"] tr[data-step="2"] vscode-button').click();
    const note = host.received.find((m) => m.kind === 'notify' && (m as { method: string }).method === 'timeline/openGroup') as
      { params: unknown } | undefined;
    assert.deepEqual(note?.params, { run: 'base', split: 'train', step: 2, group: 'a2' });
    assert.deepEqual(host.invalid, []);
    await host.close();
  });

  it('asks the host to compare with another run that asked the prompt', async () => {
    const host = await open(snapshot(null));
    await host.page.locator('#compare-run').click();
    await host.page.locator('#compare-run vscode-option[value="newreward"]').click();
    const note = host.received.find((m) => m.kind === 'notify' && (m as { method: string }).method === 'timeline/compare') as
      { params: unknown } | undefined;
    assert.deepEqual(note?.params, { run: 'newreward' });
    await host.close();
  });

  it('puts two runs side by side and diffs the best samples at a step both share', async () => {
    const host = await open(snapshot('newreward'));
    assert.equal(await host.page.locator('.runs.side-by-side section.run-timeline').count(), 2);
    assert.equal(await host.page.$eval('#compare-run', (d) => (d as HTMLElement & { value: string }).value), 'newreward');
    assert.deepEqual(
      (await rows(host, 'newreward')).map((r) => r.slice(0, 6)),
      [
        ['row degenerate', '2', 'b2', '2', '0', '0.0%'],
        ['row trainable', '3', 'b3', '2', '0.5', '50.0%'],
      ],
    );
    assert.equal(await host.page.innerText('section[data-run="newreward"] .stopped-line'), 'Still carried gradient at its last step.');
    // The latest shared step by default; a clicked row picks another.
    assert.equal(await host.page.innerText('#diff-best'), 'Diff best samples at step 3');
    await host.page.locator('section[data-run="base"] tr[data-step="2"] td').first().click();
    assert.equal(await host.page.innerText('#diff-best'), 'Diff best samples at step 2');
    await host.page.locator('#diff-best').click();
    const note = host.received.find((m) => m.kind === 'notify' && (m as { method: string }).method === 'timeline/diffBest') as
      { params: unknown } | undefined;
    assert.deepEqual(note?.params, { step: 2 });
    assert.deepEqual(host.invalid, []);
    await host.close();
  });
});
