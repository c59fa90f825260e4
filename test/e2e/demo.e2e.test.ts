/// <reference lib="dom" />
// The main job, as a new user meets it: `npm run demo` prints a URL; in that VS Code one click on
// "Open Sample Run" launches the real sample GRPO run, the explorer fills live, and the dashboard
// shows its curves. Ctrl-C (SIGINT) then stops code-server and the run: no process is left.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT, waitFor } from '../helpers';
import { GENERATION, docsShot, launchBrowser, runPaletteCommand, screenshot, waitForWorkbench } from './codeServer';

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  it('serves VS Code where "Open Sample Run" trains the sample run live, and Ctrl-C stops everything', async () => {
    const demo: ChildProcess = spawn(process.execPath, ['scripts/demo.mjs', '--port=0', '--steps=12', `--vscode=${GENERATION}`], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let port = '';
    demo.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    demo.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const browser = await launchBrowser();
    try {
      await waitFor(
        () => /Rollout Lens in VS Code: (http:\/\/127\.0\.0\.1:\d+\/\S+)/.test(out),
        240_000,
        `the demo URL (output so far:\n${out})`,
      );
      const url = /Rollout Lens in VS Code: (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(out)![1]!;
      port = new URL(url).port;
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await waitForWorkbench(page);
      // The demo trusts its own generated folder: no trust question, no Restricted Mode (where a
      // run could not be launched). Launching the sample run below needs that trust.
      // The demo folder's README, what to click, opens first.
      await page.locator('.tabs-container .tab', { hasText: 'README.md' }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'demo-start');
      assert.equal(await page.locator('.monaco-dialog-box', { hasText: /trust/i }).count(), 0);
      await page.locator('.activitybar .action-item a[aria-label="Rollout Lens"]').click({ timeout: 20_000 });
      // The realistic run (procedural writer) was started before the workbench: it fills the view.
      const tree = page.locator('.pane-body .monaco-list').first();
      await tree.locator('.monaco-list-row', { hasText: 'realistic-grpo' }).first().waitFor({ timeout: 60_000 });
      await runPaletteCommand(page, 'Rollout Lens: Open Sample Run');
      const run = tree.locator('.monaco-list-row', { hasText: 'sample-grpo' }).first();
      await run.waitFor({ timeout: 60_000 });
      // The explorer fills while the run trains: wait for a few steps, then look at them.
      await page.waitForFunction(
        () => {
          const row = Array.from(document.querySelectorAll('.pane-body .monaco-list-row')).find((r) =>
            r.textContent?.includes('sample-grpo'),
          );
          return Number(/(\d+) steps · (\d+) samples/.exec(row?.textContent ?? '')?.[1] ?? 0) >= 3;
        },
        undefined,
        { timeout: 120_000, polling: 500 },
      );
      await run.click();
      await tree.locator('.monaco-list-row', { hasText: 'step 1' }).first().waitFor({ timeout: 15_000 });
      await docsShot(page, 'explorer-live');
      assert.equal(await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count(), 0);
      // The palette, not the context menu: a menu clicked while it fades in can miss the click.
      await runPaletteCommand(page, 'Rollout Lens: Open Run Dashboard');
      // A refresh of the live run's row can clear the selection first; the command then asks which
      // run, and the user picks it.
      const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'sample-grpo' }).first();
      await pick.waitFor({ timeout: 3_000 }).then(
        () => pick.click(),
        () => undefined,
      );
      const frame = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
      try {
        await frame.locator('svg').first().waitFor({ timeout: 30_000 });
      } catch (e) {
        await screenshot(page, 'demo-dashboard-failed');
        throw e;
      }
      await screenshot(page, 'demo-dashboard');
      await page.close();
    } finally {
      await browser.close().catch(() => undefined);
      demo.kill('SIGINT');
      await new Promise((r) => (demo.exitCode !== null ? r(null) : demo.once('exit', r)));
    }
    await waitFor(() => !groupAlive(demo.pid!), 10_000, 'the demo and code-server to stop');
    const left = spawnSync('pgrep', ['-f', `examples/sample-grpo/train.py|out/node/entry.js --bind-addr 127.0.0.1:${port} `], {
      encoding: 'utf8',
    }).stdout.trim();
    assert.equal(left, '', `processes left: ${left}`);
  });
});
