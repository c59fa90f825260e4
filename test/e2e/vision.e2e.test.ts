/// <reference lib="dom" />
// The demo's procedural image and video runs in a real VS Code (code-server) and headless Chromium, as
// a user reaches them from the Runs view: a GUI-grounding group's screenshot with its 8 predicted
// boxes and the target, a Vision-Zero game with its players' images and the votes, and a
// temporal-grounding group's segments on the video's timeline. With
// ROLLOUT_LENS_DOCS_IMAGES=1 the screenshots also go to docs/images (the README's pictures).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ROOT, runCliJson, tempDir } from '../helpers';
import { collectConsoleErrors, docsShot, openLens, runPaletteCommand, type CodeServer } from './codeServer';

const work = tempDir('rl-e2e-vision-');
const db = path.join(work, 'vision.db');
// The demo's venv has Pillow, which draws the screenshots (scripts/python-env.mjs).
const python = path.join(ROOT, '.venv', 'sample-grpo', 'bin', 'python');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');

/** Opens the first group of a step of a run from the Runs view, with the side bar then hidden so the view has the window's width. */
async function openFirstGroup(run: string, step: number): Promise<FrameLocator> {
  await row(run).click({ timeout: 30_000 });
  await row(new RegExp(`\\bstep ${step}(?!\\d)`)).click({ timeout: 15_000 });
  await tree().locator('.monaco-list-row[aria-level="3"]').first().click({ timeout: 15_000 });
  await runPaletteCommand(page, 'Rollout Lens: Open Group View');
  const view = webview();
  await view.locator('.group-header h1', { hasText: `${run} · step ${step}` }).waitFor({ timeout: 30_000 });
  await runPaletteCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
  return view;
}

async function showSideBar(): Promise<void> {
  await runPaletteCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 10_000 });
}

before(async () => {
  const out = path.join(work, 'generated');
  execFileSync(python, [path.join(ROOT, 'examples', 'gui_grounding', 'make_run.py'), '--out', out], { stdio: 'pipe' });
  // The videos are made with the ffmpeg the tests use (a devDependency), so the timeline shows frames.
  const ffmpeg = path.join(ROOT, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');
  execFileSync(python, [path.join(ROOT, 'examples', 'video_grounding', 'make_run.py'), '--out', out, '--ffmpeg', ffmpeg], {
    stdio: 'pipe',
  });
  for (const run of ['gui-grounding-procedural', 'vision-zero-procedural', 'video-grounding-procedural']) {
    runCliJson(['ingest', path.join(out, run, 'rollouts.jsonl'), '--db', db, '--run', run]);
  }
  ({ server, browser, page } = await openLens(db));
  errors = collectConsoleErrors(page);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('image runs in code-server', () => {
  it("draws a grounding group's 8 predicted boxes and its target on the screenshot", async () => {
    const view = await openFirstGroup('gui-grounding-procedural', 11);
    const figure = view.locator('figure.media-figure').first();
    await figure.locator('canvas').waitFor({ timeout: 30_000 });
    await figure.locator('.pred-box').first().waitFor({ timeout: 30_000 });
    assert.equal(await figure.locator('.pred-box').count(), 8);
    assert.equal(await figure.locator('.target-box').count(), 1);
    assert.match(await figure.locator('.box-count').innerText(), /8 boxes on image 1280×800/);
    // The boxes sit inside the drawn image.
    const canvas = (await figure.locator('canvas').boundingBox())!;
    for (const b of await figure.locator('.pred-box').all()) {
      const r = (await b.boundingBox())!;
      assert.ok(r.x >= canvas.x - 1 && r.x + r.width <= canvas.x + canvas.width + 1, `box at x ${r.x} outside the image`);
    }
    // The boxes cover a few percent of the screenshot: zoomed, the README shows where they differ.
    await figure.locator('button.zoom-boxes').click();
    await figure.locator('.image-frame.zoomed').waitFor({ timeout: 5_000 });
    await page.waitForTimeout(300);
    await docsShot(page, 'grounding-boxes');
    await showSideBar();
    // Collapsed again, so the next run's "step 1" is the first one listed.
    await row('gui-grounding-procedural').click({ timeout: 15_000 });
    await row(/\bstep 11\b/).waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it("shows a Vision-Zero game: the four players' images, the spy marked, and the votes", async () => {
    const view = await openFirstGroup('vision-zero-procedural', 1);
    const game = view.locator('details.game-section');
    await game.locator('.game-player canvas').first().waitFor({ timeout: 30_000 });
    assert.equal(await game.locator('.game-player').count(), 4);
    assert.equal(await game.locator('.game-player.spy').count(), 1);
    assert.equal(await game.locator('.vote-bar.spy').count(), 1);
    await game.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await docsShot(page, 'vision-zero-game');
    await showSideBar();
    await row('vision-zero-procedural').click({ timeout: 15_000 });
    await row(/\bstep 1(?!\d)/).waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });

  it("draws a temporal-grounding group's predicted segments on the video's timeline against the target", async () => {
    const view = await openFirstGroup('video-grounding-procedural', 9);
    const section = view.locator('details.timeline-section');
    await section.locator('.pred-segment').first().waitFor({ timeout: 30_000 });
    assert.equal(await section.locator('.timeline-sample').count(), 8);
    assert.equal(await section.locator('.target-segment').count(), 1);
    // Every bar lies on the 20-second axis.
    const axis = (await section.locator('.timeline-axis').boundingBox())!;
    for (const b of await section.locator('.pred-segment').all()) {
      const r = (await b.boundingBox())!;
      assert.ok(r.x >= axis.x - 1 && r.x + r.width <= axis.x + axis.width + 1, `segment at x ${r.x} off the axis`);
    }
    // The target's edges decoded by ffmpeg in the engine: a frame at 4.0 s and one at 7.5 s.
    await section.locator('canvas.frame-canvas').nth(1).waitFor({ timeout: 30_000 });
    assert.deepEqual(await section.locator('figure.frame-item').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-time'))), [
      '4',
      '7.5',
    ]);
    await section.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await docsShot(page, 'video-timeline');
    await showSideBar();
  });
});
