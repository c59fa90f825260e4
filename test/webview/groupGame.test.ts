/// <reference lib="dom" />
// The group view's Vision-Zero game in headless Chromium against the fake host: four players on two
// real PNGs (the spy's differs), two clue rounds with hostile text in a clue, five decisions' votes
// as bars, and a bar that lists only the decisions that cast its vote.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { GroupGame } from '../../src/shared/game';
import type { GroupMedia } from '../../src/shared/media';
import { GROUP_INBOUND, GroupMessages, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, groupFixture } from './fixtures';
import { answerMedia, png, pngLoad, type MediaFixture } from './mediaFixtures';

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

const GAME: GroupGame = {
  game_id: 'clevr_epoch_0_sample_7',
  spy: 3,
  players: [
    { player: 1, role: 'civilian', image: 0 },
    { player: 2, role: 'civilian', image: 0 },
    { player: 3, role: 'spy', image: 1 },
    { player: 4, role: 'civilian', image: 0 },
  ],
  original_image: 0,
  rounds: [
    {
      round: 1,
      clues: [
        { player: 1, text: 'a red cube' },
        { player: 2, text: 'a blue sphere' },
        { player: 3, text: `green ${HOSTILE.img}` },
        { player: 4, text: 'a small cylinder' },
      ],
    },
    {
      round: 2,
      clues: [
        { player: 1, text: 'metal' },
        { player: 2, text: 'rubber' },
        { player: 3, text: HOSTILE.script },
        { player: 4, text: 'grey' },
      ],
    },
  ],
  votes: [
    { index: 0, vote: 3 },
    { index: 1, vote: null },
    { index: 2, vote: 2 },
    { index: 3, vote: 3 },
    { index: 4, vote: null },
  ],
  histogram: [
    { vote: 1, count: 0, spy: false },
    { vote: 2, count: 1, spy: false },
    { vote: 3, count: 2, spy: true },
    { vote: 4, count: 0, spy: false },
    { vote: null, count: 2, spy: false },
  ],
  warnings: [],
};

function gameFixture(): MediaFixture {
  const fx = groupFixture({ g: 5, tokens: 64 });
  const original = png(40, 30, () => [200, 40, 40]);
  const spy = png(50, 30, () => [40, 160, 60]);
  const media: GroupMedia = {
    images: [
      { ref: { path: '/runs/vz/images/original.png', width: 40, height: 30 }, label: 'path /runs/vz/images/original.png' },
      { ref: { path: '/runs/vz/images/spy.png', width: 50, height: 30 }, label: 'path /runs/vz/images/spy.png' },
    ],
    samples: fx.snapshot.samples.map((s) => ({
      index: s.index,
      image: 0,
      boxes: null,
      scores: { iou: null, hit: null, area_ratio: null },
      problems: [],
    })),
  };
  const snapshot: GroupSnapshot = { ...fx.snapshot, media, game: GAME };
  return { ...fx, snapshot, json: JSON.stringify(snapshot), images: [pngLoad(original, 40, 30), pngLoad(spy, 50, 30)] };
}

async function open(): Promise<FakeHostPage> {
  const fx = gameFixture();
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
    onRequest: answerMedia(fx),
  });
  await host.waitForPaint();
  return host;
}

function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (ns) => ns.map((n) => n.textContent ?? ''));
}

function rowOrder(page: Page): Promise<number[]> {
  return page.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => Number(r.getAttribute('data-index'))));
}

describe('group view: a Vision-Zero game', () => {
  it('shows the four players side by side, the spy marked, each distinct image asked for once', async () => {
    const host = await open();
    const page = host.page;
    await page.waitForFunction(() => document.querySelectorAll('.game-player[data-state="loaded"]').length === 4);
    assert.equal(await page.locator('.game-section > summary').innerText(), 'Game clevr_epoch_0_sample_7 · the spy is player 3');
    assert.deepEqual(await texts(page, '.game-player figcaption'), ['Player 1', 'Player 2', 'Player 3spy', 'Player 4']);
    assert.deepEqual(await page.$$eval('.game-player.spy', (fs) => fs.map((f) => f.getAttribute('data-player'))), ['3']);
    assert.deepEqual(
      await page.$$eval('.game-player', (fs) => fs.map((f) => [f.getAttribute('data-image'), getComputedStyle(f).borderTopStyle])),
      [
        ['0', 'solid'],
        ['0', 'solid'],
        ['1', 'dashed'],
        ['0', 'solid'],
      ],
    );
    // The original is player 1's image: not shown a second time.
    assert.equal(await page.locator('.game-original').count(), 0);
    assert.deepEqual(
      await page.$$eval('canvas.game-image', (cs) => cs.map((c) => `${(c as HTMLCanvasElement).width}×${(c as HTMLCanvasElement).height}`)),
      ['40×30', '40×30', '50×30', '40×30'],
    );
    const asked = host.received
      .filter((m) => m.kind === 'request' && m.method === GroupMessages.image.method)
      .map((m) => (m as { params: { image: number } }).params.image)
      .sort();
    assert.deepEqual(asked, [0, 1]);
    // No boxes: the image section gives way to the game.
    assert.equal(await page.locator('.media-section').isHidden(), true);
    await host.close();
  });

  it('lays the clues out round by round and player by player, as text', async () => {
    const host = await open();
    const page = host.page;
    assert.deepEqual(await texts(page, 'table.game-clues thead th'), ['Round', 'Player 1', 'Player 2', 'Player 3spy', 'Player 4']);
    assert.deepEqual(
      await page.$$eval('table.game-clues tbody tr', (rs) => rs.map((r) => Array.from(r.children).map((c) => c.textContent))),
      [
        ['1', 'a red cube', 'a blue sphere', `green ${HOSTILE.img}`, 'a small cylinder'],
        ['2', 'metal', 'rubber', HOSTILE.script, 'grey'],
      ],
    );
    assert.deepEqual(await page.$$eval('table.game-clues td.spy', (cs) => cs.map((c) => c.getAttribute('data-player'))), ['3', '3']);
    assert.equal(await page.locator('.game-section img, .game-section script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    await host.close();
  });

  it('draws a bar per vote, the spy’s highlighted, and lists only the decisions that cast the clicked vote', async () => {
    const host = await open();
    const page = host.page;
    assert.deepEqual(
      await page.$$eval('.vote-bar', (bs) =>
        bs.map((b) => [
          b.getAttribute('data-vote'),
          b.querySelector('.vote-count')?.textContent,
          (b.querySelector('.vote-fill') as HTMLElement).style.height,
          b.classList.contains('spy'),
          (b as HTMLButtonElement).disabled,
        ]),
      ),
      [
        ['1', '0', '0px', false, true],
        ['2', '1', '30px', false, false],
        ['3', '2', '60px', true, false],
        ['4', '0', '0px', false, true],
        ['N/A', '2', '60px', false, false],
      ],
    );
    assert.deepEqual(await texts(page, '.vote-bar.spy .vote-label, .vote-bar.spy .spy-badge'), ['P3', 'spy']);
    assert.deepEqual(await rowOrder(page), [0, 1, 2, 3, 4]);
    await page.click('.vote-bar[data-vote="3"]');
    assert.deepEqual(await rowOrder(page), [0, 3]);
    assert.equal(await page.getAttribute('.vote-bar[data-vote="3"]', 'aria-pressed'), 'true');
    assert.equal(
      await page.locator('.vote-status').innerText(),
      'Listing the 2 decisions that voted Player 3; click the bar again to list all',
    );
    await page.click('.vote-bar[data-vote="N/A"]');
    assert.deepEqual(await rowOrder(page), [1, 4]);
    assert.equal(await page.getAttribute('.vote-bar[data-vote="3"]', 'aria-pressed'), 'false');
    await page.click('.vote-bar[data-vote="N/A"]');
    assert.deepEqual(await rowOrder(page), [0, 1, 2, 3, 4]);
    await host.close();
  });
});
