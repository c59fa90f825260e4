/// <reference lib="dom" />
// Rewards without a verifier in a real VS Code (code-server) and headless Chromium, as a user reaches
// them from the Runs view: a BRPO group of the real TRL run (test/fixtures/trl-brpo) with its
// reference, verdicts and a critique, the explorer's badge on a group BRPO dropped, and a
// LongWriter-style group's per-model shares. With ROLLOUT_LENS_DOCS_IMAGES=1 the screenshot also goes
// to docs/images (the README's picture).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { FIXTURES, runCliJson, tempDir } from '../helpers';
import { collectConsoleErrors, docsShot, openLens, runPaletteCommand, type CodeServer } from './codeServer';

const work = tempDir('rl-e2e-judges-');
const db = path.join(work, 'judges.db');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');

before(async () => {
  runCliJson(['ingest', path.join(FIXTURES, 'trl-brpo'), '--db', db, '--run', 'brpo-trl', '--format', 'trl']);
  runCliJson(['ingest', path.join(FIXTURES, 'longwriter-rm', 'rollouts.jsonl'), '--db', db, '--run', 'longwriter']);
  ({ server, browser, page } = await openLens(db));
  errors = collectConsoleErrors(page);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('judges in code-server', () => {
  it('badges the group BRPO dropped and shows a kept group’s reference, verdicts and critiques', async () => {
    await row('brpo-trl').click({ timeout: 30_000 });
    await row(/\bstep 1(?!\d)/).click({ timeout: 15_000 });
    const groups = tree().locator('.monaco-list-row[aria-level="3"]');
    await groups.first().waitFor({ timeout: 15_000 });
    assert.equal(await groups.count(), 2);
    // Step 1: "2+7=" is dropped (verdicts −1, −1, −1, 0): its tooltip says so.
    await page.mouse.move(700, 880);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    await tree().locator('.monaco-list-row[aria-level="3"]', { hasText: '2+7=' }).locator('.monaco-icon-label').first().hover();
    await page
      .locator('.workbench-hover, .monaco-hover:not(.hidden)', {
        hasText: 'pairwise-judged: skew |ΣA|/G 0.75, dropped by BRPO (every advantage 0)',
      })
      .first()
      .waitFor({ timeout: 20_000 });
    await page.mouse.move(5, 5);
    await tree().locator('.monaco-list-row[aria-level="3"]', { hasText: '5+7=' }).click({ timeout: 15_000 });
    await runPaletteCommand(page, 'Rollout Lens: Open Group View');
    const view = webview();
    await view.locator('.group-header h1', { hasText: 'brpo-trl · step 1' }).waitFor({ timeout: 30_000 });
    const head = view.locator('#brpo-head');
    await head.waitFor({ timeout: 15_000 });
    assert.equal(await head.innerText(), 'Reference: sample 3 · 33.3% of the others beat it · skew |ΣA|/G = 0.25 · kept (τ = 0.6)');
    assert.deepEqual(await view.locator('#brpo-table .verdict').allInnerTexts(), [
      '−1 did not beat it',
      '+1 beat the reference',
      '−1 did not beat it',
      'reference',
    ]);
    await view.locator('#brpo-table tr[data-index="1"] details.critique summary').first().click();
    assert.match(await view.locator('#brpo-table tr[data-index="1"] .critique-text').first().innerText(), /stand-in judge, not a GenRM/);
    await runPaletteCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(300);
    await docsShot(page, 'brpo-judges');
    await runPaletteCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 10_000 });
    await row('brpo-trl').click({ timeout: 15_000 });
    await row(/\bstep 1(?!\d)/).waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it("stacks a LongWriter-style group's three reward models and switches the estimator to their mean", async () => {
    await row('longwriter').click({ timeout: 30_000 });
    await row(/\bstep 1(?!\d)/).click({ timeout: 15_000 });
    await tree().locator('.monaco-list-row[aria-level="3"]').first().click({ timeout: 15_000 });
    await runPaletteCommand(page, 'Rollout Lens: Open Group View');
    const view = webview();
    await view.locator('#rm-table').waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#rm-table tbody tr').count(), 4);
    assert.equal(await view.locator('.model-legend .model-key').count(), 3);
    await view.locator('#estimator').click();
    await view.locator('#estimator vscode-option[value="multi-rm"]').click();
    await view.locator('.sample-list .list-head span', { hasText: 'Multi-RM' }).waitFor({ timeout: 10_000 });
    // The list's advantages under the estimator are the table's.
    const fromTable = await view.locator('#rm-table td.advantage').allInnerTexts();
    const fromList = await view
      .locator('table.samples tr.row')
      .evaluateAll((rs) => rs.map((r) => (r.children[3] as HTMLElement).innerText));
    assert.deepEqual([...fromList].sort(), [...fromTable].sort());
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });

  it('shares the BRPO group as one HTML file that opens with no network, Judges section included', async () => {
    // Step 1's kept group (5+7=), as the first test found it in the Runs view.
    const uid = 'b0-6e0fec18';
    const out = path.join(work, 'brpo-group.html');
    runCliJson(['report', '--db', db, '--run', 'brpo-trl', '--step', '1', '--group', uid, '--out', out]);
    const report = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const requests: string[] = [];
    report.on('request', (r) => requests.push(r.url()));
    await report.route(/^(?!file:)/, (r) => r.abort());
    await report.goto(pathToFileURL(out).href);
    await report.waitForSelector('body[data-painted="true"]', { timeout: 30_000 });
    assert.equal(
      await report.locator('#brpo-head').innerText(),
      'Reference: sample 3 · 33.3% of the others beat it · skew |ΣA|/G = 0.25 · kept (τ = 0.6)',
    );
    assert.deepEqual(requests, [pathToFileURL(out).href]);
    await report.waitForTimeout(300);
    await docsShot(report, 'shared-report');
    await report.close();
  });
});
