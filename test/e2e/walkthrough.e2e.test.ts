/// <reference lib="dom" />
// The Get Started walkthrough in a real VS Code (code-server): it is listed, every step has a
// picture, and steps tick off on the real actions (opening the Runs view, a dashboard).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOT, runCliJson, tempDir } from '../helpers';
import { openLens, runPaletteCommand, screenshot, type CodeServer } from './codeServer';

const TITLE = 'Inspect a GRPO run with Rollout Lens';
const work = tempDir('rl-e2e-walk-');
const db = path.join(work, 'walk.db');
let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  const out = path.join(work, 'run', 'output');
  execFileSync(process.execPath, [path.join(ROOT, 'examples/realistic-run/writer.mjs'), `--out=${out}`, '--steps=2', '--interval-ms=0'], {
    stdio: 'pipe',
  });
  runCliJson(['ingest', out, '--db', db, '--run', 'walk']);
  ({ server, browser, page } = await openLens(db));
  await page.locator('.pane-body .monaco-list-row', { hasText: 'walk' }).first().waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

async function openWalkthrough(): Promise<void> {
  await runPaletteCommand(page, 'Welcome: Open Walkthrough...');
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: TITLE }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.click();
  await page.locator('.getting-started-step').first().waitFor({ timeout: 15_000 });
}

/** Step id → whether VS Code shows it as done. */
async function steps(): Promise<Array<[string, boolean]>> {
  return page.$$eval('.getting-started-step', (els) =>
    els.map(
      (e) => [(e.getAttribute('data-step-id') ?? '?').split('#').pop()!, e.getAttribute('aria-checked') === 'true'] as [string, boolean],
    ),
  );
}

/** Waits until VS Code shows step `id` as done. */
async function ticked(id: string): Promise<void> {
  await page.waitForFunction(
    (sid) => document.querySelector(`.getting-started-step[data-step-id$="#${sid}"]`)?.getAttribute('aria-checked') === 'true',
    id,
    { timeout: 10_000 },
  );
}

describe('the Get Started walkthrough', () => {
  it('lists eight steps with a picture each; using the Runs view ticks the first', async () => {
    await openWalkthrough();
    await page.waitForFunction(() => document.querySelectorAll('.getting-started-step').length === 8, undefined, { timeout: 10_000 });
    // The view was opened before the walkthrough (VS Code's walkthrough service did not exist yet):
    // the next use of it, a row expanded, ticks the step. The extension ignores uses in its first five
    // seconds (VS Code registers the steps then), as a user's first expansion comes later than that.
    await page.waitForTimeout(5000);
    await page.locator('.pane-body .monaco-list-row', { hasText: 'walk' }).first().click();
    await page.locator('.pane-body .monaco-list-row', { hasText: 'step 1' }).first().waitFor({ timeout: 15_000 });
    await openWalkthrough();
    await ticked('explore');
    assert.deepEqual(await steps(), [
      ['explore', true],
      ['dashboard', false],
      ['launch', false],
      ['group', false],
      ['tree', false],
      ['rescore', false],
      ['diff', false],
      ['clusters', false],
    ]);
    // Each step shows its picture when selected (media.image, with its alt text).
    for (const title of ['Open the run dashboard', 'Read the prefix tree', 'Group the failures by kind', 'Diff two samples']) {
      await page.locator('.getting-started-step', { hasText: title }).click();
      const img = page.locator('.getting-started-media img').first();
      await img.waitFor({ timeout: 10_000 });
      assert.ok(((await img.getAttribute('alt')) ?? '').length > 20, `${title}: an image with alt text`);
    }
    // The tree step explains V(s) and δ in its own words.
    assert.match(await page.locator('.getting-started-step.expanded').first().innerText(), /Diff two samples/);
    await page.locator('.getting-started-step', { hasText: 'Read the prefix tree' }).click();
    assert.match(
      await page.locator('.getting-started-step.expanded').first().innerText(),
      /V\(s\) is the mean reward of the responses that pass through a prefix; δ is how much a branch changes it/,
    );
    await screenshot(page, 'walkthrough');
  });

  it('ticks off "Open the run dashboard" when the dashboard is opened', async () => {
    await page.locator('.getting-started-step', { hasText: 'Open the run dashboard' }).click();
    await page.locator('.getting-started-step.expanded .monaco-button', { hasText: 'Open Run Dashboard' }).click();
    const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'walk' }).first();
    await item.waitFor({ timeout: 5000 }).then(
      () => item.click(),
      () => undefined,
    );
    await page.locator('.tabs-container .tab', { hasText: 'walk' }).first().waitFor({ timeout: 30_000 });
    await openWalkthrough();
    await ticked('dashboard');
    assert.deepEqual(
      (await steps()).filter(([, done]) => done).map(([id]) => id),
      ['explore', 'dashboard'],
    );
  });
});
