/// <reference lib="dom" />
// Writing data out of a real VS Code (code-server) and headless Chromium, as a user does it: "Export
// Dataset from Current Filter…" from the palette and from a run's context menu (three quick picks and
// VS Code's save dialog, then the file on disk), and the group view's "Share as HTML…" (save dialog,
// then the written report opened from file:// with every other request aborted). code-server shows
// the workbench's own "simple file dialog": a quick input holding the path, typed like any other.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { runCliJson, tempDir, writeJsonl } from '../helpers';
import { ROWS } from '../unit/export/exportFixture';
import { collectConsoleErrors, openLens, runPaletteCommand, waitForFile, type CodeServer } from './codeServer';
import { choose as chooseRow, quickInput as quickInputOf, saveAs as answerSaveDialog } from './quickInput';

const work = tempDir('rl-e2e-export-');
const db = path.join(work, 'export.db');
let server: CodeServer;
let browser: Browser;
let page: Page;
let errors: string[];

const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
const quickInput = () => quickInputOf(page);
const EMPTY = 'Export failed: export-dataset: the selection in run "primes" holds no samples: nothing written';
const toast = (text: string) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();

const choose = (text: string): Promise<void> => chooseRow(page, text);
/** The save dialog (an Export or Share title) answered with `file`, once it shows its default in the workspace. */
const saveAs = (defaultName: string, file: string): Promise<void> =>
  answerSaveDialog(page, /^(Export|Share) /, path.join(server.workspace, defaultName), file);

before(async () => {
  // `mixed`: the export tests' run (five groups over three steps, right and wrong samples);
  // `primes`: its "Name a prime." groups alone, where no sample is right.
  const mixed = path.join(work, 'mixed.jsonl');
  const primes = path.join(work, 'primes.jsonl');
  writeJsonl(mixed, ROWS);
  writeJsonl(
    primes,
    ROWS.filter((r) => r.prompt === 'Name a prime.'),
  );
  runCliJson(['ingest', mixed, '--db', db, '--run', 'mixed']);
  runCliJson(['ingest', primes, '--db', db, '--run', 'primes']);
  ({ server, browser, page } = await openLens(db));
  errors = collectConsoleErrors(page);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('export and share in code-server', () => {
  it('exports the wrong samples of a run as SFT JSONL through the quick picks and the save dialog', async () => {
    await row('mixed').waitFor({ timeout: 30_000 });
    const out = path.join(server.workspace, 'mixed-wrong.jsonl');
    await runPaletteCommand(page, 'Rollout Lens: Export Dataset from Current Filter…');
    // Nothing is selected in the Runs view: the command asks for the run first.
    await quickInput().locator('.quick-input-title', { hasText: 'Export a dataset from which run?' }).waitFor({ timeout: 15_000 });
    await choose('mixed');
    await choose('SFT rows');
    await choose('JSONL');
    await choose('Wrong samples only');
    await saveAs('mixed-sft.jsonl', out);
    await toast('Wrote 7 sft rows (7 samples, 4 groups) to mixed-wrong.jsonl.').waitFor({ timeout: 30_000 });
    const rows = fs
      .readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: Array<{ role: string; content: string }>; meta: Record<string, unknown> });
    assert.equal(rows.length, 7);
    assert.deepEqual(rows[0], {
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: 'It is 5 because 5 5 5' },
      ],
      meta: {
        run: 'mixed',
        split: 'train',
        step: 1,
        group: 'a',
        sample_index: 1,
        sample_id: 2,
        reward: 0,
        success: false,
        labels: [],
        data_source: 'rollout-lens/mixed',
        ground_truth: '4',
      },
    });
    assert.deepEqual(
      rows.map((r) => [r.meta['step'], r.meta['group'], r.meta['sample_index']]),
      [
        [1, 'a', 1],
        [1, 'a', 2],
        [1, 'b', 0],
        [1, 'b', 1],
        [2, 'd', 0],
        [2, 'd', 1],
        [3, 'e', 1],
      ],
    );
  });

  it('from a run’s context menu, an empty selection says so and writes no file', async () => {
    const out = path.join(server.workspace, 'primes-right.jsonl');
    await row('primes').click({ button: 'right', timeout: 15_000 });
    const item = page.locator('.context-view .action-label', { hasText: 'Export Dataset from Current Filter…' }).first();
    await item.waitFor({ timeout: 10_000 });
    await item.hover();
    // VS Code ignores a menu click right after the menu opened (so the right-click's release never picks).
    await page.waitForTimeout(500);
    await item.click();
    // The run comes from the row: no run pick.
    await quickInput().locator('.quick-input-title', { hasText: 'Export what from primes?' }).waitFor({ timeout: 15_000 });
    await choose('SFT rows');
    await choose('JSONL');
    await choose('Right samples only');
    await saveAs('primes-sft.jsonl', out);
    await toast(EMPTY).waitFor({ timeout: 30_000 });
    // Nothing new anywhere in the workspace (the dialog's default name included), no partial file.
    assert.deepEqual(fs.readdirSync(server.workspace), ['mixed-wrong.jsonl']);
  });

  it('shares a group as HTML that opens from file:// with no network and shows the group', async () => {
    await row('mixed').click({ timeout: 15_000 });
    await row(/\bstep 1(?!\d)/).click({ timeout: 15_000 });
    await tree().locator('.monaco-list-row[aria-level="3"]', { hasText: '2+2' }).click({ timeout: 15_000 });
    await runPaletteCommand(page, 'Rollout Lens: Open Group View');
    const view = webview();
    await view.locator('.group-header h1', { hasText: 'mixed · step 1' }).waitFor({ timeout: 30_000 });
    const header = await view.locator('.group-header h1').innerText();
    await view.locator('#share-html').click();
    const out = path.join(server.workspace, 'group-a.html');
    await saveAs('mixed-step1-a.html', out);
    assert.equal(await waitForFile(out, 30_000), true, `${out} written`);
    await toast(`Wrote ${out} (`).waitFor({ timeout: 30_000 });
    assert.match(await toast(`Wrote ${out} (`).innerText(), /, 3 samples\)\./);

    // A fresh context: nothing but the file itself may load.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const requests: string[] = [];
    const reportErrors: string[] = [];
    await context.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    const report = await context.newPage();
    report.on('request', (r) => requests.push(r.url()));
    report.on('pageerror', (e) => reportErrors.push(e.message));
    report.on('console', (m) => {
      if (m.type() === 'error') reportErrors.push(m.text());
    });
    await report.goto(pathToFileURL(out).href);
    await report.waitForSelector('body[data-painted="true"]', { timeout: 30_000 });
    assert.equal(await report.locator('.group-header h1').innerText(), 'mixed · step 1 · group a\napproximate tree');
    assert.equal(await report.locator('.group-header h1').innerText(), header);
    assert.deepEqual(
      await report.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => Number(r.getAttribute('data-index')))),
      [0, 1, 2],
    );
    assert.equal(await report.locator('#share-html').count(), 0);
    assert.deepEqual(requests, [pathToFileURL(out).href]);
    assert.deepEqual(reportErrors, []);
    await context.close();
    // The workbench logs every error notification to the console: the empty export's is the only one.
    assert.deepEqual(errors, [EMPTY]);
  });
});
