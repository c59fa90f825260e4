/// <reference lib="dom" />
// End-to-end in a real VS Code (code-server of the generation under test, see codeServer.ts) and headless Chromium:
// (a) tests inside the real extension host (extensionTestsPath), (b) the UI driven like a person.
// Screenshots go to .artifacts/e2e/. code-server is stopped by process group, every wait bounded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { FIXTURES, ROOT, runCliJson, tempDir } from '../helpers';
import {
  CODE_SERVER_NODE,
  ENGINE_DRIVER,
  collectConsoleErrors,
  docsShot,
  launchBrowser,
  logFiles,
  runPaletteCommand,
  screenshot,
  startCodeServer,
  waitForFile,
  waitForWorkbench,
  type CodeServer,
} from './codeServer';

let server: CodeServer;
let browser: Browser;
const work = tempDir('rl-e2e-');
const resultsFile = path.join(work, 'host-results.json');
const hostBundle = path.join(work, 'host', 'index.js');

before(async () => {
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'e2e', 'host', 'hostTests.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: hostBundle,
    external: ['vscode'],
    logLevel: 'warning',
  });
  const db = path.join(work, 'fixture.db');
  runCliJson(['ingest', path.join(FIXTURES, 'verl'), '--db', db, '--run', 'verl']);
  runCliJson(['ingest', path.join(FIXTURES, 'trl-real'), '--db', db, '--run', 'trl', '--format', 'trl']);
  server = await startCodeServer({
    settings: { 'rolloutLens.databasePath': db },
    hostTests: hostBundle,
    env: {
      ROLLOUT_LENS_E2E_RESULTS: resultsFile,
      ROLLOUT_LENS_E2E_VERL_STEP1: path.join(FIXTURES, 'verl', 'rollout', '1.jsonl'),
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('Rollout Lens in code-server', () => {
  it('passes its tests inside the real extension host', async (t) => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    const done = await waitForFile(resultsFile, 180_000);
    await page.close().catch(() => undefined);
    assert.ok(done, `the host tests wrote no results; code-server log:\n${server.log().slice(-3000)}`);
    const { results, measurements } = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
      results: Array<{ name: string; ok: boolean; error?: string }>;
      measurements: Record<string, number>;
    };
    fs.mkdirSync(path.join(ROOT, '.artifacts', 'e2e'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, '.artifacts', 'e2e', 'host-measurements.json'), JSON.stringify(measurements, null, 2));
    assert.ok(results.length >= 6, `only ${results.length} host tests ran`);
    for (const r of results) {
      await t.test(r.name, () => {
        if (!r.ok) throw new Error(r.error);
      });
    }
  });

  it('a user opens the view, expands a run down to a sample, and reads it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.activitybar .action-item a[aria-label="Rollout Lens"]').click({ timeout: 20_000 });
    const tree = page.locator('.pane-body .monaco-list').first();
    const row = (text: string) => tree.locator('.monaco-list-row', { hasText: text }).first();
    await row('verl').waitFor({ timeout: 30_000 });
    await row('verl').click();
    await row('step 1').click({ timeout: 15_000 });
    await tree.locator('.monaco-list-row[aria-level="3"]').first().click({ timeout: 15_000 });
    const sample = tree.locator('.monaco-list-row[aria-level="4"]').first();
    await sample.waitFor({ timeout: 15_000 });
    assert.match((await sample.innerText()).replace(/\s+/g, ' '), /^#\d+ R=/);
    await screenshot(page, 'explorer-expanded');
    await sample.click();
    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.waitFor({ timeout: 15_000 });
    // Monaco renders spaces as no-break spaces and only the lines in view: read the header line.
    await page.waitForFunction(
      () =>
        /^# verl · train step 1 · group [0-9a-f]{16} · sample #\d+/.test(
          (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' '),
        ),
      undefined,
      { timeout: 15_000 },
    );
    await docsShot(page, 'explorer-sample');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a user runs palette commands and opens a diff of two samples', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.activitybar .action-item a[aria-label="Rollout Lens"]').click({ timeout: 20_000 });
    const tree = page.locator('.pane-body .monaco-list').first();
    await tree.locator('.monaco-list-row', { hasText: 'trl' }).first().click({ timeout: 30_000 });
    await tree.locator('.monaco-list-row', { hasText: 'step 2' }).first().click({ timeout: 15_000 });
    const group = tree.locator('.monaco-list-row[aria-level="3"]').first();
    await group.click({ button: 'right', timeout: 15_000 });
    await screenshot(page, 'context-menu');
    // VS Code ignores a menu click right after the menu opened (so the right-click's release never picks).
    await page.waitForTimeout(500);
    await page.locator('.context-view .action-label', { hasText: 'Compare Samples' }).first().click({ timeout: 10_000 });
    await page.locator('.monaco-diff-editor .modified .view-lines .view-line').first().waitFor({ timeout: 20_000 });
    const tab = await page.locator('.tab.active').first().innerText();
    assert.match(tab, /Best ↔ worst: trl step 2 · b\d-[0-9a-f]{8} #\d ↔ trl step 2 · b\d-[0-9a-f]{8} #\d/);
    await docsShot(page, 'diff-best-worst');
    await runPaletteCommand(page, 'Rollout Lens: Show Log');
    await page.locator('.output-view, .panel .monaco-editor').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'log');
    await page.close();
  });

  it('reports the runtime and SQLite driver once per engine start, in the output channel', () => {
    const node = execFileSync(CODE_SERVER_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    const driver = ENGINE_DRIVER ?? 'better-sqlite3';
    const want = new RegExp(`Rollout Lens \\S+ on node ${node.replace(/\./g, '\\.')} \\(ABI \\d+, linux-x64\\), SQLite via ${driver}`);
    let starts = 0;
    for (const f of logFiles(server)) {
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      const said = lines.filter((l) => l.includes('SQLite via'));
      const ready = lines.filter((l) => / engine pid \d+ ready in /.test(l));
      assert.equal(said.length, ready.length, `${f}: one runtime line per engine start`);
      for (const l of said) assert.match(l, want);
      starts += ready.length;
    }
    // Four windows in this file, and one engine killed and restarted by the host tests.
    assert.ok(starts >= 4, `${starts} engine starts logged`);
  });

  it('left no error of the extension in the extension host log', () => {
    const logs = logFiles(server, /exthost\.log$/);
    // Ours: this extension's id or setting names, or a path inside this working tree. (The harness
    // lives under ~/.cache/rollout-lens, so the bare name would also match VS Code's own errors.)
    const isOurs = new RegExp(`rollout-lens\\.rollout-lens|rolloutLens|${ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(dist|src)/`);
    assert.ok(logs.length > 0, 'no extension host log found');
    // An [error] entry with its stack lines, kept when any line names this extension.
    const errors = logs.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split(/\n(?=\d{4}-\d\d-\d\d )/)
        .filter((entry) => /\[error\]/.test(entry) && isOurs.test(entry)),
    );
    assert.deepEqual(errors, []);
  });
});
