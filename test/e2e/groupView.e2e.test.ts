/// <reference lib="dom" />
// End-to-end: in a real VS Code (code-server 4.100.3) a user opens the group view from the run
// explorer's context menu and reads the prefix tree from inside the webview (nested iframes:
// iframe.webview → iframe#active-frame). A manifest without the command fails here, before any VS Code starts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { FIXTURES, ROOT, runCliJson, tempDir } from '../helpers';
import { collectConsoleErrors, launchBrowser, screenshot, startCodeServer, waitForWorkbench, type CodeServer } from './codeServer';

const COMMAND = 'rolloutLens.openGroupView';
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes?: { commands?: Array<{ command: string; title: string }> };
};
const contributed = manifest.contributes?.commands?.find((c) => c.command === COMMAND);

describe('group view in code-server', () => {
  it(`package.json contributes ${COMMAND}`, () => {
    assert.ok(contributed, `${COMMAND} is not contributed in package.json`);
  });

  let server: CodeServer;
  let browser: Browser;

  before(async () => {
    const db = path.join(tempDir('rl-e2e-group-'), 'fixture.db');
    runCliJson(['ingest', path.join(FIXTURES, 'trl-real'), '--db', db, '--run', 'trl', '--format', 'trl']);
    server = await startCodeServer({ settings: { 'rolloutLens.databasePath': db } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('opens a group from the explorer and shows its prefix tree and samples', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.activitybar .action-item a[aria-label="Rollout Lens"]').click({ timeout: 20_000 });
    const tree = page.locator('.pane-body .monaco-list').first();
    await tree.locator('.monaco-list-row', { hasText: 'trl' }).first().click({ timeout: 30_000 });
    await tree.locator('.monaco-list-row', { hasText: 'step 2' }).first().click({ timeout: 15_000 });
    const group = tree.locator('.monaco-list-row[aria-level="3"]').first();
    await group.click({ button: 'right', timeout: 15_000 });
    // Hover first: a click during the menu's opening animation can be lost.
    const item = page.locator('.context-view .action-label', { hasText: contributed!.title }).first();
    await item.waitFor({ timeout: 10_000 });
    await item.hover();
    // VS Code ignores a menu click right after the menu opened (so the right-click's release never picks).
    await page.waitForTimeout(500);
    await item.click();

    const view = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await view.locator('svg.prefix-tree g.node').first().waitFor({ timeout: 30_000 });
    const nodes = await view.locator('svg.prefix-tree g.node').count();
    const rows = await view.locator('table.samples tbody tr.row').count();
    assert.ok(nodes >= 2, `${nodes} tree nodes`);
    assert.ok(rows >= 2, `${rows} samples`);
    assert.match(await view.locator('.group-header h1').innerText(), /^trl · step 2 · group /);
    // TRL logs no token ids: the tree is approximate and says so.
    assert.equal(await view.locator('#approximate-badge').count(), 1);

    // Selecting a node deep in the tree marks the samples through it (a leaf: at least one).
    const leaf = view.locator('svg.prefix-tree g.node').last();
    await leaf.dispatchEvent('click');
    assert.equal(await leaf.getAttribute('aria-selected'), 'true');
    const through = await view.locator('table.samples tr.row.through').count();
    assert.ok(through >= 1 && through < rows, `${through} of ${rows} samples through the node`);
    await screenshot(page, 'group-view');
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
    await page.close();
  });
});
