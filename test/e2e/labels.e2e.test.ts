/// <reference lib="dom" />
// Closing the loop in a real VS Code (code-server) and headless Chromium: labelling a group from the
// group view (a new tag and a note through the workbench's quick input), then clustering the run's
// wrong answers by text with Failure Clusters… and opening an example. On a run of crafted failures
// of three kinds (test/unit/analysis/failureTexts.ts). With ROLLOUT_LENS_DOCS_IMAGES=1 the screenshots
// also go to docs/images (the README's pictures).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { runCliJson, tempDir, writeJsonl } from '../helpers';
import { failureRun } from '../unit/analysis/failureTexts';
import { collectConsoleErrors, docsShot, openLens, runPaletteCommand, type CodeServer } from './codeServer';

const work = tempDir('rl-e2e-labels-');
const db = path.join(work, 'labels.db');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
const quickInput = () => page.locator('.quick-input-widget');

/** Types into the workbench's open quick input and presses Enter. */
async function answer(text: string): Promise<void> {
  const input = quickInput().locator('input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(text);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
}

/** Picks the quick pick's row that shows `text`. */
async function choose(text: string): Promise<void> {
  const item = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

before(async () => {
  const file = path.join(work, 'failures.jsonl');
  writeJsonl(file, failureRun());
  runCliJson(['ingest', file, '--db', db, '--run', 'failures']);
  ({ server, browser, page } = await openLens(db));
  errors = collectConsoleErrors(page);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('labels and failure clusters in code-server', () => {
  it('labels a group from the group view with a new tag and a note, shown as a pill', async () => {
    await row('failures').click({ timeout: 30_000 });
    await row(/\bstep 1(?!\d)/).click({ timeout: 15_000 });
    await tree().locator('.monaco-list-row[aria-level="3"]').first().click({ timeout: 15_000 });
    await runPaletteCommand(page, 'Rollout Lens: Open Group View');
    const view = webview();
    await view.locator('.group-header h1', { hasText: 'failures · step 1' }).waitFor({ timeout: 30_000 });
    await view.locator('#label-group').click();
    await choose('New tag');
    await answer('wrong-unit');
    await answer('answers in inches when the question asks for centimetres');
    const pill = view.locator('#labels .label-tag', { hasText: 'wrong-unit' });
    await pill.waitFor({ timeout: 20_000 });
    assert.match((await pill.getAttribute('title')) ?? '', /^answers in inches when the question asks for centimetres\nby /);
    await page.waitForTimeout(300);
    await docsShot(page, 'labels');
  });

  it('clusters the wrong answers into their three kinds and opens an example', async () => {
    await runPaletteCommand(page, 'Rollout Lens: Failure Clusters…');
    // One run: it is taken without asking. Then which samples, then which steps.
    await choose('Wrong answers');
    await answer('');
    const title = quickInput().locator('.quick-input-title');
    await title.filter({ hasText: /failures all steps: 90 wrong .* → 3 clusters/ }).waitFor({ timeout: 60_000 });
    const rows = quickInput().locator('.quick-input-list .monaco-list-row');
    assert.equal(await rows.count(), 3);
    const sizes = (await rows.allInnerTexts()).map((t) => Number(/(\d+) \(\d+\.\d%\)/.exec(t)?.[1]));
    assert.deepEqual(
      sizes.sort((a, b) => b - a),
      [40, 30, 20],
    );
    await page.waitForTimeout(300);
    await docsShot(page, 'failure-clusters');
    await rows.first().click();
    const examples = quickInput().locator('.quick-input-list .monaco-list-row');
    await quickInput().locator('.quick-input-title', { hasText: 'the three nearest its centre' }).waitFor({ timeout: 15_000 });
    assert.equal(await examples.count(), 3);
    await examples.first().click();
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });
});
