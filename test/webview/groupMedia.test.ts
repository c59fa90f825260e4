/// <reference lib="dom" />
// The group view's image and boxes in headless Chromium against the fake host: a real 640 × 360
// PNG, 8 samples with 9 predicted boxes (one logged in the model input's pixels, one leaving the
// image), the box columns of the sample list, and the placeholder of an image that is not found.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { ImageLoad } from '../../src/shared/media';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, answerGroup, groupFixture } from './fixtures';
import { answerMedia, cardFixture, mediaGroupFixture, pngLoad, testCard, type MediaFixture } from './mediaFixtures';

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

function open(
  fx: MediaFixture,
  opts: { state?: unknown; answer?: (method: string, params: unknown) => unknown } = {},
): Promise<FakeHostPage> {
  return FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    ...(opts.state !== undefined ? { state: opts.state } : {}),
    onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
    onRequest: opts.answer ?? answerMedia(fx),
  });
}

async function loaded(host: FakeHostPage): Promise<void> {
  await host.waitForPaint();
  await host.page.waitForSelector('.media-figure[data-state="loaded"]');
}

/** [sample, box, left, top, width, height] of every predicted box, as its inline CSS says, by sample then box. */
function boxStyles(page: Page): Promise<Array<[number, number, string, string, string, string]>> {
  return page.$$eval('.pred-box', (bs) =>
    bs
      .map((b): [number, number, string, string, string, string] => {
        const s = (b as HTMLElement).style;
        return [Number(b.getAttribute('data-index')), Number(b.getAttribute('data-box')), s.left, s.top, s.width, s.height];
      })
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
  );
}

function imageRequests(host: FakeHostPage): unknown[] {
  return host.received
    .filter((m) => m.kind === 'request' && m.method === GroupMessages.image.method)
    .map((m) => (m as { params: unknown }).params);
}

function rowOrder(page: Page): Promise<number[]> {
  return page.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => Number(r.getAttribute('data-index'))));
}

describe('group view: image and boxes', () => {
  it('draws every predicted box over the image at the image’s scale (1400 px wide viewport: 1 CSS px per image px)', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    assert.deepEqual(imageRequests(host), [{ image: 0 }]);
    assert.deepEqual(
      await host.page.$eval('canvas.group-image', (c) => [c.getBoundingClientRect().width, c.getBoundingClientRect().height]),
      [640, 360],
    );
    assert.equal(await host.page.locator('.media-figure figcaption .box-count').innerText(), '9 boxes on image 640×360');
    assert.deepEqual(await boxStyles(host.page), [
      [0, 0, '200px', '100px', '200px', '200px'],
      [1, 0, '0px', '0px', '80px', '60px'],
      [2, 0, '240px', '120px', '200px', '200px'],
      [3, 0, '20px', '200px', '160px', '140px'],
      [4, 0, '220px', '80px', '200px', '200px'],
      // Logged in a 320 × 720 model input as [100, 200, 200, 600]: ×2 across, ×0.5 down.
      [5, 0, '200px', '100px', '200px', '200px'],
      // [560, 300, 720, 460] leaves the 640 × 360 image: clipped to it.
      [6, 0, '560px', '300px', '80px', '60px'],
      [7, 0, '40px', '40px', '80px', '80px'],
      [7, 1, '480px', '40px', '120px', '120px'],
    ]);
    // Where the box really is on screen, relative to the image.
    assert.deepEqual(
      await host.page.evaluate(() => {
        const c = document.querySelector('canvas.group-image')!.getBoundingClientRect();
        const b = document.querySelector('.pred-box[data-index="3"]')!.getBoundingClientRect();
        return [b.left - c.left, b.top - c.top, b.width, b.height];
      }),
      [20, 200, 160, 140],
    );
    assert.deepEqual(host.invalid, []);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('zooms to small boxes: the picture scales so their surroundings fill the frame, outlines keep their width, and back', async () => {
    // Targets a few percent of the image, as on a screenshot: [300, 160, 340, 180] on 640 × 360.
    const fx = mediaGroupFixture(
      [
        { reward: 1, pred: [[300, 160, 340, 180]], gt: [[300, 160, 340, 180]] },
        { reward: 0, pred: [[310, 150, 350, 175]], gt: [[300, 160, 340, 180]] },
      ],
      { width: 640, height: 360, load: pngLoad(testCard(), 640, 360) },
    );
    const host = await open(fx);
    await loaded(host);
    const zoom = host.page.locator('button.zoom-boxes');
    assert.equal(await zoom.innerText(), 'Zoom to boxes');
    await zoom.click();
    assert.equal(await zoom.innerText(), 'Whole image');
    // The union [300, 150, 350, 180] (50 × 30) doubled plus 5% of the image: 164 × 96, widened to the image's
    // shape: 170.67 × 96 around (325, 165), so x 239.67, y 117; scale 640 / 170.67 = 3.75.
    assert.equal(
      await host.page.$eval('canvas.group-image', (c) => (c as HTMLElement).style.transform),
      'translate(-898.75px, -438.75px) scale(3.75)',
    );
    assert.deepEqual(
      await host.page.evaluate(() => {
        const f = document.querySelector('.image-frame')!.getBoundingClientRect();
        const b = document.querySelector('.pred-box[data-index="0"]')!.getBoundingClientRect();
        return [f.width, f.height, Math.round(b.left - f.left), Math.round(b.top - f.top), Math.round(b.width), Math.round(b.height)];
      }),
      // (300 − 239.67) × 3.75 = 226.25, (160 − 117) × 3.75 = 161.25, 40 × 3.75 = 150, 20 × 3.75 = 75.
      [640, 360, 226, 161, 150, 75],
    );
    // Outlines keep their 2 CSS px: only the picture is scaled, the boxes are placed for it.
    assert.equal(await host.page.$eval('.pred-box[data-index="0"]', (b) => getComputedStyle(b).borderTopWidth), '2px');
    await zoom.click();
    assert.equal(await host.page.$eval('canvas.group-image', (c) => (c as HTMLElement).style.transform), '');
    assert.deepEqual((await boxStyles(host.page))[0], [0, 0, '300px', '160px', '40px', '20px']);
    await host.close();
  });

  it('colours boxes by reward on the group’s range: 0 red, 0.25 orange, 0.5 amber, 0.75 yellow-green, 1 green', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    const colours = await host.page.$$eval('.pred-box', (bs) =>
      bs.map((b) => `${b.getAttribute('data-index')}.${b.getAttribute('data-box')} ${getComputedStyle(b).borderTopColor}`).sort(),
    );
    assert.deepEqual(colours, [
      '0.0 rgb(22, 163, 74)',
      '1.0 rgb(220, 38, 38)',
      '2.0 rgb(245, 158, 11)',
      '3.0 rgb(233, 98, 25)',
      '4.0 rgb(134, 161, 43)',
      '5.0 rgb(22, 163, 74)',
      '6.0 rgb(220, 38, 38)',
      '7.0 rgb(245, 158, 11)',
      '7.1 rgb(245, 158, 11)',
    ]);
    await host.close();
  });

  it('draws the target once (both frames agree on it), dashed white and labelled', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    const targets = await host.page.$$eval('.target-box', (ts) =>
      ts.map((t) => {
        const s = (t as HTMLElement).style;
        const cs = getComputedStyle(t);
        return [s.left, s.top, s.width, s.height, cs.borderTopStyle, cs.borderTopColor, cs.pointerEvents, t.textContent];
      }),
    );
    assert.deepEqual(targets, [['200px', '100px', '200px', '200px', 'dashed', 'rgb(255, 255, 255)', 'none', 'target']]);
    assert.match(
      await host.page.locator('.media-legend').innerText(),
      /^Reward 0\s*1\s*target\s*⚠malformed or outside the image \(drawn clipped\)$/,
    );
    await host.close();
  });

  it('flags the box that leaves the image: dotted, a marker inside the image, the problem in the tooltip', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    assert.deepEqual(
      await host.page.$$eval('.pred-box.flagged', (bs) =>
        bs.map((b) => [b.getAttribute('data-index'), getComputedStyle(b).borderTopStyle]),
      ),
      [['6', 'dotted']],
    );
    const marker = await host.page.$$eval('.box-flag', (ms) =>
      ms.map((m) => [m.getAttribute('data-index'), (m as HTMLElement).style.left, (m as HTMLElement).style.top, m.textContent]),
    );
    assert.deepEqual(marker, [['6', '560px', '300px', '⚠']]);
    assert.equal(
      await host.page.locator('.pred-box[data-index="6"]').getAttribute('title'),
      'Sample #6 · reward 0\nIoU 0 · hit no · area ÷ target 0.64\n⚠ outside the image (drawn clipped to the image)',
    );
    await host.close();
  });

  it('hovering a box marks its row, hovering a row lights its boxes, clicking a box opens its sample', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    const page = host.page;
    await page.locator('.pred-box[data-index="3"]').hover();
    assert.deepEqual(await page.$$eval('tr.row.hovered', (rs) => rs.map((r) => r.getAttribute('data-index'))), ['3']);
    assert.deepEqual(await page.$$eval('.pred-box.hot', (bs) => bs.map((b) => b.getAttribute('data-index'))), ['3']);
    await page.locator('table.samples tr.row[data-index="7"]').hover();
    assert.deepEqual(
      await page.$$eval('.pred-box.hot', (bs) => bs.map((b) => `${b.getAttribute('data-index')}.${b.getAttribute('data-box')}`).sort()),
      ['7.0', '7.1'],
    );
    assert.deepEqual(await page.$$eval('tr.row.hovered', (rs) => rs.map((r) => r.getAttribute('data-index'))), ['7']);
    await page.mouse.move(1390, 890);
    assert.equal(await page.locator('.pred-box.hot, tr.row.hovered').count(), 0);
    await page.locator('.pred-box[data-index="3"]').click();
    await page.waitForSelector('.sample-detail h2');
    assert.equal(await page.locator('.sample-detail h2').innerText(), 'Sample #3');
    assert.equal(await page.locator('table.samples tr.row[data-index="3"]').getAttribute('aria-selected'), 'true');
    assert.deepEqual(await page.$$eval('.pred-box.selected', (bs) => bs.map((b) => b.getAttribute('data-index'))), ['3']);
    const samples = host.received.filter((m) => m.kind === 'request' && m.method === GroupMessages.sample.method);
    assert.deepEqual(
      samples.map((m) => (m as { params: unknown }).params),
      [{ index: 3 }],
    );
    await host.close();
  });

  it('re-places the boxes when the panel narrows (341 px viewport: 320 px image, half scale), asking for the image once', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    await host.page.setViewportSize({ width: 341, height: 900 });
    await host.page.waitForFunction(
      () => (document.querySelector('.pred-box[data-index="0"]') as HTMLElement | null)?.style.left === '100px',
    );
    assert.deepEqual(
      await host.page.$eval('canvas.group-image', (c) => [c.getBoundingClientRect().width, c.getBoundingClientRect().height]),
      [320, 180],
    );
    assert.deepEqual(await boxStyles(host.page), [
      [0, 0, '100px', '50px', '100px', '100px'],
      [1, 0, '0px', '0px', '40px', '30px'],
      [2, 0, '120px', '60px', '100px', '100px'],
      [3, 0, '10px', '100px', '80px', '70px'],
      [4, 0, '110px', '40px', '100px', '100px'],
      [5, 0, '100px', '50px', '100px', '100px'],
      [6, 0, '280px', '150px', '40px', '30px'],
      [7, 0, '20px', '20px', '40px', '40px'],
      [7, 1, '240px', '20px', '60px', '60px'],
    ]);
    // The flag marker moves with its box's corner.
    assert.deepEqual(await host.page.$eval('.box-flag', (m) => [(m as HTMLElement).style.left, (m as HTMLElement).style.top]), [
      '280px',
      '150px',
    ]);
    assert.deepEqual(imageRequests(host), [{ image: 0 }]);
    await host.close();
  });

  it('shows “Loading image…” until the bytes come, then the image', async () => {
    const fx = cardFixture();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const answer = answerMedia(fx);
    const host = await open(fx, {
      answer: async (method, params) => {
        if (method === GroupMessages.image.method) await gate;
        return answer(method, params);
      },
    });
    await host.waitForPaint();
    await host.page.waitForSelector('.media-figure[data-state="loading"]');
    assert.equal(await host.page.locator('.media-figure .image-frame').innerText(), 'Loading image…');
    assert.equal(await host.page.locator('.pred-box').count(), 0);
    release();
    await host.page.waitForSelector('.media-figure[data-state="loaded"]');
    assert.equal(await host.page.locator('.pred-box').count(), 9);
    await host.close();
  });

  it('shows the engine’s message in a placeholder, as text, when the image cannot be loaded', async () => {
    const fx = cardFixture();
    const text = `image not found: path /runs/r1/screens/home.png (relative to /runs/r1/rollouts.jsonl) ${HOSTILE.img}`;
    fx.images = [{ ok: false, message: text } satisfies ImageLoad];
    const host = await open(fx);
    await host.waitForPaint();
    await host.page.waitForSelector('.media-figure[data-state="failed"]');
    assert.equal(await host.page.locator('.media-figure .image-placeholder').innerText(), text);
    assert.equal(await host.page.locator('.media-figure figcaption .box-count').innerText(), '9 boxes not drawn: no image');
    assert.equal(await host.page.locator('canvas, .pred-box').count(), 0);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });

  it('a group without images has no image section, asks for no image and hides the box columns', async () => {
    const plain = groupFixture({ g: 8, tokens: 64 });
    const host = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      onReady: () => ({ method: GroupMessages.snapshot.method, json: plain.json }),
      onRequest: answerGroup(plain),
    });
    await host.waitForPaint();
    assert.equal(await host.page.locator('.media-section').isVisible(), false);
    assert.equal(await host.page.locator('th[data-column="iou"]').isVisible(), false);
    assert.deepEqual(imageRequests(host), []);
    await host.close();
  });

  it('sorts by IoU and by area ÷ target, and keeps the sort in the checkpoint', async () => {
    const host = await open(cardFixture());
    await loaded(host);
    const page = host.page;
    assert.deepEqual(await page.$$eval('table.samples thead th.box-col', (ts) => ts.map((t) => (t as HTMLElement).innerText)), [
      'IoU',
      'hit',
      'area ÷ target',
    ]);
    assert.deepEqual(await page.$$eval('table.samples tr.row[data-index="4"] td.box-col', (ts) => ts.map((t) => t.textContent)), [
      '0.681',
      'yes',
      '1',
    ]);
    await page.locator('th[data-column="iou"]').click();
    // Descending, ties in reverse index order (the list's rule for every column).
    assert.deepEqual(await rowOrder(page), [5, 0, 4, 2, 7, 6, 3, 1]);
    await page.locator('th[data-column="iou"]').click();
    assert.deepEqual(await rowOrder(page), [1, 3, 6, 7, 2, 4, 0, 5]);
    await page.locator('th[data-column="area_ratio"]').click();
    assert.deepEqual(await rowOrder(page), [5, 4, 2, 0, 6, 3, 7, 1]);
    const saved = await page.evaluate(() => (window as unknown as { __rlSavedState: { sort: unknown } }).__rlSavedState);
    assert.deepEqual(saved.sort, { column: 'area_ratio', descending: true });
    await host.close();
    const restored = await open(cardFixture(), { state: saved });
    await loaded(restored);
    assert.deepEqual(await rowOrder(restored.page), [5, 4, 2, 0, 6, 3, 7, 1]);
    await restored.close();
  });

  it('a checkpoint sorted by a box column opens a group without boxes in index order', async () => {
    const fx = cardFixture();
    const plain = groupFixture({ g: 8, tokens: 64 });
    const host = await open(fx);
    await loaded(host);
    await host.page.locator('th[data-column="iou"]').click();
    const saved = await host.page.evaluate(() => (window as unknown as { __rlSavedState: unknown }).__rlSavedState);
    await host.close();
    const restored = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      state: saved,
      onReady: () => ({ method: GroupMessages.snapshot.method, json: plain.json }),
      onRequest: answerGroup(plain),
    });
    await restored.waitForPaint();
    assert.deepEqual(await rowOrder(restored.page), [0, 1, 2, 3, 4, 5, 6, 7]);
    const after = await restored.page.evaluate(() => (window as unknown as { __rlSavedState: { sort: unknown } }).__rlSavedState);
    assert.deepEqual(after.sort, { column: 'index', descending: false });
    await restored.close();
  });
});
