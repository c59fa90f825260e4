/// <reference lib="dom" />
// The group view's timeline for temporal grounding in headless Chromium against the fake host: a
// 60 s video with the target [20, 35] s and 10 samples (timelineFixtures.ts): one bar per predicted
// segment at s ÷ 60 × the axis's width, coloured by reward, the dashed target band, the segment past
// the end and the reversed one clipped and marked, hover and click linked with the sample list, the
// unparsable answers listed apart (hostile text as text), the tIoU and length ÷ target columns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { answerGroup, groupFixture, type GroupFixture } from './fixtures';
import { HOSTILE_REASON, kitchenFixture, timelineGroupFixture } from './timelineFixtures';

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

async function open(fx: GroupFixture, state?: unknown): Promise<FakeHostPage> {
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    ...(state !== undefined ? { state } : {}),
    onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
    onRequest: answerGroup(fx),
  });
  await host.waitForPaint();
  return host;
}

/** "sample.segment left width" of every predicted segment, as its inline CSS says, by sample then segment. */
function barStyles(page: Page): Promise<string[]> {
  return page.$$eval('.pred-segment', (bs) =>
    bs
      .map((b) => {
        const s = (b as HTMLElement).style;
        return `${b.getAttribute('data-index')}.${b.getAttribute('data-segment')} ${s.left} ${s.width}`;
      })
      .sort(),
  );
}

function rowOrder(page: Page): Promise<number[]> {
  return page.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => Number(r.getAttribute('data-index'))));
}

function indices(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (ns) => ns.map((n) => n.getAttribute('data-index') ?? ''));
}

describe('group view: video timeline', () => {
  it('draws one bar per predicted segment, one row per sample by index, at s ÷ 60 s × the 775 px axis (1400 px viewport)', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    assert.equal(await page.locator('.timeline-section > summary').innerText(), 'Timeline');
    assert.equal(await page.locator('.timeline-caption').innerText(), 'Video videos/kitchen.mp4 · 60 s');
    // The tree column is 840 px: 20 px of padding, 1 px border, the 44 px row labels, the axis 775 px.
    assert.equal(await page.$eval('.timeline-axis', (a) => a.clientWidth), 775);
    assert.deepEqual(await page.$$eval('.timeline-sample .timeline-label', (ls) => ls.map((l) => l.textContent)), [
      '#0',
      '#1',
      '#2',
      '#4',
      '#5',
      '#6',
      '#7',
      '#9',
    ]);
    assert.equal(await page.locator('.pred-segment').count(), 9);
    assert.deepEqual(await barStyles(page), [
      '0.0 258.333px 193.75px', // [20, 35]: 20 / 60 × 775, 15 / 60 × 775
      '1.0 0px 77.5px', // [0, 6]
      '2.0 232.5px 193.75px', // [18, 33]
      '4.0 193.75px 322.917px', // [15, 40]
      '5.0 645.833px 129.167px', // [50, 72] clipped to [50, 60]
      '6.0 387.5px 129.167px', // [40, 30] reversed: drawn as [30, 40]
      '7.0 129.167px 51.6667px', // [10, 14]
      '7.1 284.167px 103.333px', // [22, 30]
      '9.0 710.417px 64.5833px', // [55, 60]
    ]);
    // Where sample 4's bar really is on screen, relative to the axis.
    assert.deepEqual(
      await page.evaluate(() => {
        const a = document.querySelector('.timeline-axis')!.getBoundingClientRect();
        const b = document.querySelector('.pred-segment[data-index="4"]')!.getBoundingClientRect();
        return [Math.round(b.left - a.left), Math.round(b.width)];
      }),
      [194, 323],
    );
    // Ticks every 5 s: 5 s is the first step at least 60 px apart (5 / 60 × 775 = 64.6 px).
    assert.deepEqual(await page.$$eval('.timeline-tick', (ts) => ts.map((t) => `${t.textContent}@${(t as HTMLElement).style.left}`)), [
      '0@0px',
      '5@64.5833px',
      '10@129.167px',
      '15@193.75px',
      '20@258.333px',
      '25@322.917px',
      '30@387.5px',
      '35@452.083px',
      '40@516.667px',
      '45@581.25px',
      '50@645.833px',
      '55@710.417px',
      '60@775px',
    ]);
    assert.equal(await page.locator('.timeline-axis-row .timeline-label').innerText(), 's');
    assert.deepEqual(host.invalid, []);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('colours each sample’s bars by its reward on the group’s range: 0 red, 0.25 orange, 0.5 amber, 0.75 yellow-green, 1 green', async () => {
    const host = await open(kitchenFixture());
    const colours = await host.page.$$eval('.pred-segment', (bs) =>
      bs.map(
        (b) =>
          `${b.getAttribute('data-index')}.${b.getAttribute('data-segment')} ${getComputedStyle(b).getPropertyValue('--segment-colour')}`,
      ),
    );
    assert.deepEqual(colours, [
      '0.0 rgb(22, 163, 74)',
      '1.0 rgb(220, 38, 38)',
      '2.0 rgb(245, 158, 11)',
      '4.0 rgb(134, 161, 43)',
      '5.0 rgb(233, 98, 25)',
      '6.0 rgb(220, 38, 38)',
      '7.0 rgb(245, 158, 11)',
      '7.1 rgb(245, 158, 11)',
      '9.0 rgb(233, 98, 25)',
    ]);
    // Unflagged bars are filled with it.
    assert.deepEqual(
      await host.page.$$eval('.pred-segment:not(.flagged)[data-index="4"], .pred-segment[data-index="1"]', (bs) =>
        bs.map((b) => getComputedStyle(b).backgroundColor),
      ),
      ['rgb(220, 38, 38)', 'rgb(134, 161, 43)'],
    );
    await host.close();
  });

  it('draws the target [20, 35] s once as a dashed band labelled “target”, and its extent behind the sample rows', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    const bands = await page.$$eval('.target-segment', (ts) =>
      ts.map((t) => {
        const s = (t as HTMLElement).style;
        return [s.left, s.width, getComputedStyle(t).borderTopStyle, t.getAttribute('title')];
      }),
    );
    assert.deepEqual(bands, [['258.333px', '193.75px', 'dashed', 'target [20 s, 35 s]']]);
    assert.equal(await page.locator('.timeline-target-row .timeline-label').innerText(), 'target');
    assert.deepEqual(
      await page.$$eval('.target-guide', (gs) => gs.map((g) => [(g as HTMLElement).style.left, (g as HTMLElement).style.width])),
      [['258.333px', '193.75px']],
    );
    assert.match(
      await page.locator('.timeline-legend').innerText(),
      /^Reward 0\s*1\s*target\s*⚠reversed or off the axis \(drawn clipped\)$/,
    );
    await host.close();
  });

  it('flags the segment past the end and the reversed one: drawn clipped with a ⚠ marker, the problem in the tooltip', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    assert.deepEqual(await indices(page, '.pred-segment.flagged'), ['5', '6']);
    assert.deepEqual(
      await page.$$eval('.segment-flag', (ms) =>
        ms.map((m) => [m.getAttribute('data-index'), (m as HTMLElement).style.left, m.textContent]),
      ),
      [
        ['5', '645.833px', '⚠'],
        ['6', '387.5px', '⚠'],
      ],
    );
    assert.equal(
      await page.locator('.pred-segment[data-index="5"]').getAttribute('title'),
      'Sample #5 · reward 0.25\n[50 s, 72 s] · tIoU 0 · length ÷ target 1.467\n⚠ ends after the video (60 s) (drawn clipped to the axis)',
    );
    assert.equal(
      await page.locator('.pred-segment[data-index="6"]').getAttribute('title'),
      'Sample #6 · reward 0\n[40 s, 30 s] · tIoU 0 · length ÷ target 0.667\n⚠ start 40 > end 30 (drawn clipped to the axis)',
    );
    assert.equal(
      await page.locator('.pred-segment[data-index="7"][data-segment="1"]').getAttribute('title'),
      'Sample #7 · segment 2 · reward 0.5\n[22 s, 30 s] · tIoU 0 · length ÷ target 0.267',
    );
    await host.close();
  });

  it('a segment wholly past the end keeps its marker inside the axis (775 − 12 px)', async () => {
    const fx = timelineGroupFixture(
      [
        { reward: 1, pred: [[20, 35]] },
        { reward: 0, pred: [[70, 80]], problems: ['ends after the video (60 s)'] },
      ],
      { gt: [[20, 35]], duration: 60 },
    );
    const host = await open(fx);
    assert.deepEqual(await barStyles(host.page), ['0.0 258.333px 193.75px', '1.0 775px 0px']);
    assert.deepEqual(await host.page.$$eval('.segment-flag', (ms) => ms.map((m) => (m as HTMLElement).style.left)), ['763px']);
    // A zero-width bar is still drawn 2 px wide.
    assert.equal(await host.page.$eval('.pred-segment[data-index="1"]', (b) => b.getBoundingClientRect().width), 2);
    await host.close();
  });

  it('hovering a bar marks its list row, hovering a row lights its timeline row, clicking a bar opens its sample', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    await page.locator('.pred-segment[data-index="4"]').hover();
    assert.deepEqual(await indices(page, 'tr.row.hovered'), ['4']);
    assert.deepEqual(await indices(page, '.timeline-sample.hot'), ['4']);
    await page.locator('table.samples tr.row[data-index="7"]').hover();
    assert.deepEqual(await indices(page, '.timeline-sample.hot'), ['7']);
    assert.deepEqual(await indices(page, 'tr.row.hovered'), ['7']);
    await page.mouse.move(1390, 890);
    assert.equal(await page.locator('.timeline-sample.hot, tr.row.hovered').count(), 0);
    await page.locator('.pred-segment[data-index="2"]').click();
    await page.waitForSelector('.sample-detail h2');
    assert.equal(await page.locator('.sample-detail h2').innerText(), 'Sample #2');
    assert.equal(await page.locator('table.samples tr.row[data-index="2"]').getAttribute('aria-selected'), 'true');
    assert.deepEqual(await indices(page, '.timeline-sample.selected'), ['2']);
    // Selecting a row in the list marks the timeline row too.
    await page.locator('table.samples tr.row[data-index="9"]').click();
    await page.waitForFunction(() => document.querySelector('.sample-detail h2')?.textContent === 'Sample #9');
    assert.deepEqual(await indices(page, '.timeline-sample.selected'), ['9']);
    const requested = host.received.filter((m) => m.kind === 'request' && m.method === GroupMessages.sample.method);
    assert.deepEqual(
      requested.map((m) => (m as { params: unknown }).params),
      [{ index: 2 }, { index: 9 }],
    );
    await host.close();
  });

  it('lists the unparsable answers apart, as text, and opens one on click', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    assert.equal(
      await page.locator('.timeline-unparsable').innerText(),
      `No segment read from 2 answers:\n#3: no <answer> block\n#8: ${HOSTILE_REASON}`,
    );
    assert.deepEqual(await page.$$eval('.unparsable-entry', (es) => es.map((e) => e.textContent)), [
      '#3: no <answer> block',
      `#8: ${HOSTILE_REASON}`,
    ]);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await page.locator('.unparsable-entry[data-index="8"]').hover();
    assert.deepEqual(await indices(page, 'tr.row.hovered'), ['8']);
    await page.locator('.unparsable-entry[data-index="3"]').click();
    await page.waitForSelector('.sample-detail h2');
    assert.equal(await page.locator('.sample-detail h2').innerText(), 'Sample #3');
    assert.deepEqual(await indices(page, '.unparsable-entry.selected'), ['3']);
    await host.close();
  });

  it('re-places ticks and bars when the panel narrows (341 px viewport)', async () => {
    const host = await open(kitchenFixture());
    await host.page.setViewportSize({ width: 341, height: 900 });
    await host.page.waitForFunction(() => document.querySelector('.timeline-axis')!.clientWidth < 775);
    const width = await host.page.$eval('.timeline-axis', (a) => a.clientWidth);
    assert.equal(width, 276);
    await host.page.waitForFunction(
      () => (document.querySelector('.pred-segment[data-index="0"]') as HTMLElement | null)?.style.left === '92px',
    );
    // 276 px for 60 s: 4.6 px per second; ticks every 15 s (the first step at least 60 px apart: 69 px).
    assert.deepEqual(await barStyles(host.page), [
      '0.0 92px 69px',
      '1.0 0px 27.6px',
      '2.0 82.8px 69px',
      '4.0 69px 115px',
      '5.0 230px 46px',
      '6.0 138px 46px',
      '7.0 46px 18.4px',
      '7.1 101.2px 36.8px',
      '9.0 253px 23px',
    ]);
    assert.deepEqual(await host.page.$$eval('.timeline-tick', (ts) => ts.map((t) => t.textContent)), ['0', '15', '30', '45', '60']);
    await host.close();
  });

  it('says when the video’s length is unknown: the axis ends at the latest segment, shown on a clock past two minutes', async () => {
    const fx = timelineGroupFixture(
      [
        { reward: 1, pred: [[60, 90]] },
        { reward: 0, pred: [[100, 150]] },
      ],
      { gt: [[60, 90]], duration: 150, duration_known: false, video: null },
    );
    const host = await open(fx);
    assert.equal(
      await host.page.locator('.timeline-caption').innerText(),
      'No video logged · video length unknown: axis ends at the latest segment',
    );
    assert.equal(await host.page.locator('.timeline-axis-row .timeline-label').innerText(), 'm:ss');
    // 150 s on 775 px: 15 s steps are 77.5 px apart.
    assert.deepEqual(await host.page.$$eval('.timeline-tick', (ts) => ts.map((t) => t.textContent)), [
      '0:00',
      '0:15',
      '0:30',
      '0:45',
      '1:00',
      '1:15',
      '1:30',
      '1:45',
      '2:00',
      '2:15',
      '2:30',
    ]);
    assert.deepEqual(await barStyles(host.page), ['0.0 310px 155px', '1.0 516.667px 258.333px']);
    await host.close();
  });

  it('sorts by tIoU and by length ÷ target, keeps the sort in the checkpoint, and drops it for a group without a timeline', async () => {
    const host = await open(kitchenFixture());
    const page = host.page;
    assert.deepEqual(await page.$$eval('table.samples thead th.timeline-col', (ts) => ts.map((t) => (t as HTMLElement).innerText)), [
      'tIoU',
      'length ÷ target',
    ]);
    assert.deepEqual(await page.$$eval('table.samples tr.row[data-index="2"] td.timeline-col', (ts) => ts.map((t) => t.textContent)), [
      '0.765',
      '1',
    ]);
    assert.deepEqual(await page.$$eval('table.samples tr.row[data-index="3"] td.timeline-col', (ts) => ts.map((t) => t.textContent)), [
      '–',
      '–',
    ]);
    await page.locator('th[data-column="tiou"]').click();
    // Descending, ties in reverse index order, missing scores last.
    assert.deepEqual(await rowOrder(page), [0, 2, 4, 9, 7, 6, 5, 1, 8, 3]);
    await page.locator('th[data-column="tiou"]').click();
    assert.deepEqual(await rowOrder(page), [3, 8, 1, 5, 6, 7, 9, 4, 2, 0]);
    await page.locator('th[data-column="length_ratio"]').click();
    assert.deepEqual(await rowOrder(page), [4, 5, 2, 0, 6, 1, 9, 7, 8, 3]);
    const saved = await page.evaluate(() => (window as unknown as { __rlSavedState: { sort: unknown } }).__rlSavedState);
    assert.deepEqual(saved.sort, { column: 'length_ratio', descending: true });
    await host.close();
    const restored = await open(kitchenFixture(), saved);
    assert.deepEqual(await rowOrder(restored.page), [4, 5, 2, 0, 6, 1, 9, 7, 8, 3]);
    await restored.close();
    const plain = await open(groupFixture({ g: 10, tokens: 64 }), saved);
    assert.deepEqual(await rowOrder(plain.page), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const after = await plain.page.evaluate(() => (window as unknown as { __rlSavedState: { sort: unknown } }).__rlSavedState);
    assert.deepEqual(after.sort, { column: 'index', descending: false });
    await plain.close();
  });

  it('a group without a timeline has no timeline section and hides the segment columns', async () => {
    const host = await open(groupFixture({ g: 8, tokens: 64 }));
    assert.equal(await host.page.locator('.timeline-section').isVisible(), false);
    assert.equal(await host.page.locator('.pred-segment, .timeline-sample').count(), 0);
    assert.equal(await host.page.locator('th[data-column="tiou"]').isVisible(), false);
    assert.equal(await host.page.locator('th[data-column="length_ratio"]').isVisible(), false);
    await host.close();
  });
});
