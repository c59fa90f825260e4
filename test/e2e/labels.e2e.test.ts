/// <reference lib="dom" />
// Closing the loop in a real VS Code (code-server) and headless Chromium: labelling a group from the
// group view (a new tag and a note through the workbench's quick input), then clustering the run's
// wrong answers by text with Failure Clusters…, opening an example from the clusters view, labelling
// a whole cluster and exporting one as SFT rows. On a run of crafted failures
// of three kinds (test/unit/analysis/failureTexts.ts). With ROLLOUT_LENS_DOCS_IMAGES=1 the screenshots
// also go to docs/images (the README's pictures).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { runCliJson, tempDir, writeJsonl } from '../helpers';
import { failureRun } from '../unit/analysis/failureTexts';
import { collectConsoleErrors, docsShot, openLens, runPaletteCommand, waitForFile, type CodeServer } from './codeServer';
import { answer as answerInput, choose as chooseRow, quickInput as quickInputOf, saveAs } from './quickInput';

const work = tempDir('rl-e2e-labels-');
const db = path.join(work, 'labels.db');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');

const choose = (text: string): Promise<void> => chooseRow(page, text);
const answer = (text: string, title?: string): Promise<void> => answerInput(page, text, title);
const toast = (text: string) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();

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

  it('clusters the wrong answers into their three kinds in the clusters view and opens an example', async () => {
    await runPaletteCommand(page, 'Rollout Lens: Failure Clusters…');
    // One run: it is taken without asking. Then which samples, then which steps.
    await choose('Wrong answers');
    await answer('', 'Which steps?');
    const view = webview();
    await view
      .locator('.clusters-header .title', { hasText: 'failures all steps: 90 wrong (solved = the logged verdict) → 3 clusters' })
      .waitFor({ timeout: 60_000 });
    assert.deepEqual(await view.locator('article.cluster .cluster-size').allInnerTexts(), ['40 (44.4%)', '30 (33.3%)', '20 (22.2%)']);
    assert.equal(await view.locator('article.cluster li.example').count(), 9);
    await page.waitForTimeout(300);
    await docsShot(page, 'failure-clusters');
    await view.locator('#cluster-1 .open-sample').first().click();
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
  });

  it('labels every sample of a cluster, and exports the cluster as SFT rows', async () => {
    await page.locator('.tab', { hasText: 'Failure clusters · failures' }).first().click();
    const view = webview();
    await view.locator('#label-2').click();
    await choose('New tag');
    await answer('rambles', 'New tag');
    await answer('never gives an answer', 'A note for rambles');
    await toast('Labelled 30 samples of cluster #2 rambles.').waitFor({ timeout: 30_000 });
    const listed = runCliJson<{ labels: Array<{ tag: string; index: number | null }> }>([
      'labels',
      '--db',
      db,
      '--run',
      'failures',
      '--tag',
      'rambles',
      '--json',
    ]);
    assert.equal(listed.labels.length, 30);
    assert.ok(listed.labels.every((l) => l.tag === 'rambles' && l.index !== null));
    await view.locator('#export-3').click();
    await choose('SFT rows');
    await choose('JSONL');
    await choose('Every selected sample');
    const out = path.join(server.workspace, 'units.jsonl');
    await saveAs(page, /^Export sft from cluster #3 of failures$/, path.join(server.workspace, 'failures-sft.jsonl'), out);
    await toast('Wrote 20 sft rows (20 samples,').waitFor({ timeout: 30_000 });
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 20);
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });

  it('shares a cluster as one HTML file: the cluster above the group of its most typical member', async () => {
    await page.locator('.tab', { hasText: 'Failure clusters · failures' }).first().click();
    await webview().locator('#share-3').click();
    const out = path.join(server.workspace, 'units.html');
    await saveAs(page, /^Share cluster #3 of failures as HTML$/, path.join(server.workspace, 'failures-cluster3.html'), out);
    assert.equal(await waitForFile(out, 60_000), true);
    const html = fs.readFileSync(out, 'utf8');
    assert.match(
      html,
      /"cluster":\{"run":"failures","selection_label":"wrong \(solved = the logged verdict\)","from":null,"to":null,"clustered":90,"id":3,/,
    );
    assert.match(html, /<title>failures · step \d+ · group s\d-g\d<\/title>/);
  });

  it('finds a label by a word of its note and opens its group', async () => {
    await runPaletteCommand(page, 'Rollout Lens: Find Labels…');
    await quickInputOf(page).locator('.quick-input-title', { hasText: 'Find labels (31)' }).waitFor({ timeout: 15_000 });
    await quickInputOf(page).locator('input').fill('centimetres');
    const rows = quickInputOf(page).locator('.quick-input-list .monaco-list-row');
    await page.waitForTimeout(300);
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /wrong-unit[\s\S]*failures · step 1 group s1-g0/);
    await page.keyboard.press('Enter');
    await webview().locator('.group-header h1', { hasText: 'failures · step 1' }).waitFor({ timeout: 30_000 });
  });
});
