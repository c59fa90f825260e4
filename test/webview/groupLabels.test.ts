/// <reference lib="dom" />
// The group view's labels in headless Chromium against the fake host: the group's tags and each
// labelled sample's in the header (a hostile note stays text, in the tooltip), the selected sample's
// tags in its heading, and both Label… buttons sending group/label to the host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { GROUP_INBOUND, GroupMessages, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { LabelEntry } from '../../src/shared/labels';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { GROUP_REF, HOSTILE, answerGroup, groupFixture } from './fixtures';

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

const label = (index: number | null, tag: string, note: string): LabelEntry => ({
  ...GROUP_REF,
  index,
  tag,
  note,
  created_at: '2026-12-07T01:00:00.000Z',
  created_by: 'ana',
  missing: false,
});

describe('group view: labels', () => {
  it('shows the group’s and the samples’ tags, and asks the host to label the group or a sample', async () => {
    const fx = groupFixture({ g: 4, tokens: 16 });
    const snapshot: GroupSnapshot = {
      ...fx.snapshot,
      labels: {
        group: [label(null, 'bad-gt', 'the answer key says 5')],
        samples: [{ index: 2, labels: [label(2, 'reward-hack', HOSTILE.script), label(2, 'truncated-good', '')] }],
      },
    };
    const json = JSON.stringify(snapshot);
    const host = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      onReady: () => ({ method: GroupMessages.snapshot.method, json }),
      onRequest: answerGroup(fx),
    });
    await host.waitForPaint();
    const page = host.page;
    assert.equal(
      (await page.locator('#labels').innerText()).replace(/\s+/g, ' ').trim(),
      'Labels: bad-gt #2 reward-hack truncated-good Label…',
    );
    assert.deepEqual(await page.$$eval('#labels .label-tag', (ps) => ps.map((p) => (p as HTMLElement).title)), [
      'the answer key says 5\nby ana, 2026-12-07T01:00:00.000Z',
      `${HOSTILE.script}\nby ana, 2026-12-07T01:00:00.000Z`,
      'by ana, 2026-12-07T01:00:00.000Z',
    ]);
    await page.locator('#label-group').click();
    assert.deepEqual(await host.waitForNotification(GroupMessages.label.method), {});

    await page.locator('table.samples tr.row[data-index="2"]').click();
    await page.waitForSelector('.sample-detail .detail-head .label-tag');
    assert.deepEqual(await page.$$eval('.sample-detail .detail-head .label-tag', (ps) => ps.map((p) => p.textContent)), [
      'reward-hack',
      'truncated-good',
    ]);
    await page.locator('#label-sample').click();
    // The click's message arrives through the page binding: wait for the second one (no time is asserted).
    while (host.notifications(GroupMessages.label.method).length < 2) await host.waitForNotification(GroupMessages.label.method);
    assert.deepEqual(host.notifications(GroupMessages.label.method), [{}, { index: 2 }]);
    assert.deepEqual(host.invalid, []);
    const security = await host.securityReport();
    assert.equal(security.pwned, null);
    await host.close();
  });

  it('says when nothing is labelled', async () => {
    const fx = groupFixture({ g: 2, tokens: 8 });
    const host = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
      onRequest: answerGroup(fx),
    });
    await host.waitForPaint();
    assert.equal((await host.page.locator('#labels').innerText()).replace(/\s+/g, ' ').trim(), 'Labels: none Label…');
    await host.close();
  });
});
