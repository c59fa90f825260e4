/// <reference lib="dom" />
// The timeline's Frames strip in headless Chromium against the fake host: the kitchen group (a 60 s
// video, target [20, 35] s; timelineFixtures.ts) with group/frames answered by real PNGs whose colour
// encodes the time asked. The target's edges are asked first in one request, a selected sample's
// next, a time already decoded is not asked again, no decoder is said once as text, and a frame the
// engine could not decode shows its message in place of the picture.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { NO_DECODER_MESSAGE, type GroupFrames, type VideoFrame } from '../../src/shared/media';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, answerGroup } from './fixtures';
import { png } from './mediaFixtures';
import { kitchenFixture } from './timelineFixtures';

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

/** A 120 × 68 frame whose red channel is the second asked (so a thumbnail shows which time it is). */
function frameAt(time: number): VideoFrame {
  return { time, at: time, png: png(120, 68, () => [Math.round(time), 40, 200]).toString('base64') };
}

async function open(frames: (times: number[]) => GroupFrames): Promise<FakeHostPage> {
  const fx = kitchenFixture();
  const rest = answerGroup(fx);
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
    onRequest: (method, params) =>
      method === GroupMessages.frames.method ? frames((params as { times: number[] }).times) : rest(method, params),
  });
  await host.waitForPaint();
  return host;
}

function frameRequests(host: FakeHostPage): unknown[] {
  return host.received
    .filter((m) => m.kind === 'request' && m.method === GroupMessages.frames.method)
    .map((m) => (m as { params: unknown }).params);
}

function captions(page: Page): Promise<string[]> {
  return page.$$eval('.frame-item figcaption', (cs) => cs.map((c) => c.textContent ?? ''));
}

/** Each drawn thumbnail as "width×height r,g,b" of its centre pixel. */
function thumbnails(page: Page): Promise<string[]> {
  return page.$$eval('canvas.frame-canvas', (cs) =>
    cs.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const [r, g, b] = canvas.getContext('2d')!.getImageData(60, 34, 1, 1).data;
      return `${canvas.width}×${canvas.height} ${r},${g},${b}`;
    }),
  );
}

function waitForThumbnails(page: Page, n: number): Promise<unknown> {
  return page.waitForFunction((k) => document.querySelectorAll('canvas.frame-canvas').length === k, n);
}

describe('group view: frames at segment edges', () => {
  it('asks for the target’s edges first, then a selected sample’s, and draws each once decoded', async () => {
    const host = await open((times) => ({ ok: true, frames: times.map(frameAt) }));
    const page = host.page;
    await waitForThumbnails(page, 2);
    assert.equal(await page.locator('.frame-heading').innerText(), 'Frames');
    assert.deepEqual(frameRequests(host), [{ times: [20, 35], width: 120 }]);
    assert.deepEqual(await captions(page), ['target start 20.0 s', 'target end 35.0 s']);
    assert.deepEqual(await thumbnails(page), ['120×68 20,40,200', '120×68 35,40,200']);
    // Sample 5 predicts [50, 72] on a 60 s video: its end is asked clipped to the axis, as its bar is drawn.
    await page.locator('table.samples tr.row[data-index="5"]').click();
    await waitForThumbnails(page, 4);
    assert.deepEqual(frameRequests(host), [
      { times: [20, 35], width: 120 },
      { times: [50, 60], width: 120 },
    ]);
    assert.deepEqual(await captions(page), ['target start 20.0 s', 'target end 35.0 s', '#5 start 50.0 s', '#5 end 60.0 s']);
    assert.deepEqual(await thumbnails(page), ['120×68 20,40,200', '120×68 35,40,200', '120×68 50,40,200', '120×68 60,40,200']);
    // Sample 0 predicts the target exactly: both edges are decoded already, nothing more is asked.
    await page.locator('.pred-segment[data-index="0"]').click();
    await page.waitForFunction(() => document.querySelector('.frame-item:nth-child(3) figcaption')?.textContent === '#0 start 20.0 s');
    await waitForThumbnails(page, 4);
    assert.deepEqual(await captions(page), ['target start 20.0 s', 'target end 35.0 s', '#0 start 20.0 s', '#0 end 35.0 s']);
    assert.equal(frameRequests(host).length, 2);
    // Sample 6 is reversed ([40, 30]): start and end in order.
    await page.locator('table.samples tr.row[data-index="6"]').click();
    await waitForThumbnails(page, 4);
    await page.waitForFunction(() => document.querySelector('.frame-item:nth-child(4) figcaption')?.textContent === '#6 end 40.0 s');
    assert.deepEqual(frameRequests(host).slice(2), [{ times: [30, 40], width: 120 }]);
    assert.equal(await page.locator('.timeline-frames img').count(), 0);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });

  it('says "no video decoder" once, as text, asks nothing more, and keeps the timeline working', async () => {
    const host = await open(() => ({ ok: false, message: NO_DECODER_MESSAGE }));
    const page = host.page;
    await page.waitForSelector('.frame-notice:not([hidden])');
    assert.equal(await page.locator('.frame-notice').innerText(), NO_DECODER_MESSAGE);
    assert.equal(await page.locator('.frame-item').count(), 0);
    await page.locator('.pred-segment[data-index="2"]').click();
    await page.waitForFunction(() => document.querySelector('.sample-detail h2')?.textContent === 'Sample #2');
    assert.deepEqual(await page.$$eval('.timeline-sample.selected', (ns) => ns.map((n) => n.getAttribute('data-index'))), ['2']);
    assert.equal(await page.locator('.pred-segment').count(), 9);
    const text = await page.locator('.timeline-section').innerText();
    assert.equal(text.split(NO_DECODER_MESSAGE).length - 1, 1);
    assert.deepEqual(frameRequests(host), [{ times: [20, 35], width: 120 }]);
    await host.close();
  });

  it('shows a frame the engine could not decode as its message, in place of the picture', async () => {
    const missing = `cannot decode at 35 s: ${HOSTILE.img}`;
    const host = await open((times) => ({ ok: true, frames: times.map((t) => (t === 35 ? { time: t, message: missing } : frameAt(t))) }));
    const page = host.page;
    await waitForThumbnails(page, 1);
    await page.waitForSelector('.frame-box.frame-missing');
    assert.deepEqual(await page.$$eval('.frame-box.frame-missing', (bs) => bs.map((b) => b.textContent)), [missing]);
    assert.equal(await page.locator('.frame-item[data-time="35"] figcaption').innerText(), 'target end 35.0 s');
    assert.deepEqual(await thumbnails(page), ['120×68 20,40,200']);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });
});
