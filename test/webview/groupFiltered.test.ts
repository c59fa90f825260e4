/// <reference lib="dom" />
// The group view bundle in headless Chromium: samples the trainer filtered out (prime-rl: in all/,
// not in effective/) carry ⊘ in their index cell and the reason in its title, beside an alert's ⚑.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { answerGroup, groupFixture } from './fixtures';

let server: PageServer;
let context: BrowserContext;

before(async () => {
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
});

describe('group view: filtered out by the trainer', () => {
  it('marks the samples the trainer filtered out, with the reason in the index cell’s title', async () => {
    const fx = groupFixture({ g: 12, tokens: 64 });
    const reason = 'zero advantage (reward equals its group mean)';
    const samples = fx.snapshot.samples.map((x) => (x.index === 4 || x.index === 9 ? { ...x, filtered: reason } : x));
    const snapshot = { ...fx.snapshot, samples, flagged: [9] };
    const json = JSON.stringify(snapshot);
    const host = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      onReady: () => ({ method: GroupMessages.snapshot.method, json }),
      onRequest: answerGroup({ ...fx, snapshot, json }),
    });
    await host.waitForPaint();
    assert.deepEqual(
      await host.page.$$eval('table.samples tbody tr.row td:first-child', (tds) =>
        tds.filter((td) => td.textContent?.includes('⊘')).map((td) => [td.textContent, td.getAttribute('title')]),
      ),
      [
        ['⊘ 4', `Filtered out by the trainer: ${reason}`],
        ['⚑ ⊘ 9', `Flagged by the alert this view was opened from\nFiltered out by the trainer: ${reason}`],
      ],
    );
    assert.deepEqual(host.errors, []);
    await host.close();
  });
});
