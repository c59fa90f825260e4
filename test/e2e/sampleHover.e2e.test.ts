/// <reference lib="dom" />
// End-to-end: in a real VS Code (code-server) a sample row of the Runs view, hovered, shows the
// sample's image with its boxes (a data: URI drawn by the engine, 320 px wide) and its IoU, hit and
// area ÷ target; a sample without an image keeps its text tooltip; the sample document's "Image:"
// line shows the same picture on hover.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { runCliJson, tempDir, writeJsonl } from '../helpers';
import { solidPng } from '../imageFixtures';
import { collectConsoleErrors, openLens, screenshot, type CodeServer } from './codeServer';

const work = tempDir('rl-e2e-hover-');
const db = path.join(work, 'hover.db');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = (): Locator => page.locator('.pane-body .monaco-list').first();
const sampleRow = (index: number): Locator =>
  tree()
    .locator('.monaco-list-row[aria-level="4"]', { hasText: `#${index} ` })
    .first();
/** The hover on screen: the workbench's (tree tooltips) or the editor's. */
const hover = (): Locator => page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).last();

async function hoverAway(): Promise<void> {
  await page.mouse.move(700, 880);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
}

before(async () => {
  fs.mkdirSync(path.join(work, 'run', 'img'), { recursive: true });
  fs.writeFileSync(path.join(work, 'run', 'img', 'screen.png'), solidPng(640, 400, [225, 228, 232]));
  const gt = [[200, 120, 360, 200]];
  const line = (index: number, reward: number, extra: object): object => ({
    step: 1,
    group: 'click-save',
    index,
    prompt: 'Click the Save button.',
    response: `<answer>box ${index}</answer>`,
    reward,
    ...extra,
  });
  const image = [{ path: 'img/screen.png' }];
  writeJsonl(path.join(work, 'run', 'rollouts.jsonl'), [
    line(0, 1, { images: image, boxes: { pred: [[210, 130, 350, 190]], gt } }),
    line(1, 0, { images: image, boxes: { pred: [[20, 300, 180, 380]], gt } }),
    line(2, 0.5, { images: image, boxes: { pred: [[180, 100, 420, 260]], gt } }),
    line(3, 0, {}),
  ]);
  runCliJson(['ingest', path.join(work, 'run', 'rollouts.jsonl'), '--db', db, '--run', 'boxes']);
  ({ server, browser, page } = await openLens(db));
  errors = collectConsoleErrors(page);
  await tree().locator('.monaco-list-row', { hasText: 'boxes' }).first().click({ timeout: 30_000 });
  await tree().locator('.monaco-list-row', { hasText: 'step 1' }).first().click({ timeout: 15_000 });
  await tree().locator('.monaco-list-row[aria-level="3"]').first().click({ timeout: 15_000 });
  await sampleRow(0).waitFor({ timeout: 15_000 });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('a sample image on hover in code-server', () => {
  it("shows a sample row's image with its boxes and scores in the Runs view's tooltip", async () => {
    await hoverAway();
    await sampleRow(0).hover();
    const img = hover().locator('img');
    await img.waitFor({ timeout: 20_000 });
    assert.match((await img.getAttribute('src')) ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
    // Loaded by the page (no policy refused it), and drawn 320 px wide from the 640 × 400 screenshot.
    await page.waitForFunction((el) => (el as HTMLImageElement).complete, await img.elementHandle(), { timeout: 10_000 });
    assert.deepEqual(
      await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]),
      [320, 200],
    );
    const text = await hover().innerText();
    assert.match(text, /GRPO within the group/);
    // 140 × 60 inside the 160 × 80 target: IoU = area ÷ target = 8,400 ÷ 12,800.
    assert.match(text, /IoU 0\.656 · hit yes · area ÷ target 0\.656 \(1 predicted and 1 target box drawn\)/);
    assert.match(text, /screen\.png/);
    await screenshot(page, 'sample-hover-explorer');
  });

  it('keeps the text tooltip for a sample without an image', async () => {
    await hoverAway();
    await sampleRow(3).hover();
    await page.locator('.workbench-hover', { hasText: 'box 3' }).first().waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.workbench-hover img').count(), 0);
  });

  it("shows the image on the sample document's Image line", async () => {
    await hoverAway();
    await sampleRow(1).click();
    const imageLine = page.locator('.monaco-editor .view-line', { hasText: 'Image: path ' }).first();
    await imageLine.waitFor({ timeout: 20_000 });
    // Monaco draws spaces as no-break spaces.
    assert.match((await imageLine.innerText()).replace(/\u00a0/g, ' '), /^Image: path .*screen\.png \(hover for this sample.s boxes\)$/);
    await imageLine.locator('span span').first().hover();
    const box = page.locator('.monaco-hover', { has: page.locator('img') }).first();
    const img = box.locator('img').first();
    await img.waitFor({ timeout: 20_000 });
    assert.match((await img.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.match(await box.innerText(), /IoU 0 · hit no · area ÷ target 1/);
    await screenshot(page, 'sample-hover-document');
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });
});
