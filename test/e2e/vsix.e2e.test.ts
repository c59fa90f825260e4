// The packaged VSIX: `npm run package` builds it, `code-server --install-extension` installs it, and
// the extension-host smoke tests pass against the installed copy (not the working tree).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { FIXTURES, ROOT, runCliJson, tempDir } from '../helpers';
import { launchBrowser, startCodeServer } from './codeServer';

describe('the packaged VSIX', () => {
  it('installs into code-server and passes the extension-host smoke tests', async (t) => {
    execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
    const vsix = path.join(ROOT, '.artifacts', 'rollout-lens-linux-x64-0.1.0.vsix');
    const mb = fs.statSync(vsix).size / 1e6;
    assert.ok(mb < 40, `the VSIX is ${mb.toFixed(1)} MB`);
    const work = tempDir('rl-vsix-');
    const db = path.join(work, 'fixture.db');
    runCliJson(['ingest', path.join(FIXTURES, 'verl'), '--db', db, '--run', 'verl']);
    runCliJson(['ingest', path.join(FIXTURES, 'trl-real'), '--db', db, '--run', 'trl', '--format', 'trl']);
    const hostBundle = path.join(work, 'host', 'index.js');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'test', 'e2e', 'host', 'hostTests.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: hostBundle,
      external: ['vscode'],
      logLevel: 'warning',
    });
    const results = path.join(work, 'results.json');
    const server = await startCodeServer({
      settings: { 'rolloutLens.databasePath': db },
      env: { ROLLOUT_LENS_E2E_RESULTS: results, ROLLOUT_LENS_E2E_VERL_STEP1: path.join(FIXTURES, 'verl', 'rollout', '1.jsonl') },
      vsix,
    });
    const browser = await launchBrowser();
    try {
      const installed = fs.readdirSync(server.extensionsDir).find((d) => d.startsWith('rollout-lens.rollout-lens-'));
      assert.ok(installed, `nothing installed in ${server.extensionsDir}`);
      const extDir = path.join(server.extensionsDir, installed);
      assert.ok(fs.existsSync(path.join(extDir, 'prebuilds', 'linux-x64', `node-${process.versions.modules}`, 'better_sqlite3.node')));
      assert.ok(!fs.existsSync(path.join(extDir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'win32')));
      assert.ok(!fs.existsSync(path.join(extDir, 'src')), 'sources shipped in the VSIX');
      const page = await browser.newPage();
      let exit: number | undefined;
      await page.exposeFunction('codeAutomationExit', (code: number) => {
        exit = code;
      });
      const payload = [
        ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${extDir}`],
        ['extensionTestsPath', `vscode-remote://127.0.0.1:${server.port}${hostBundle}`],
      ];
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const t0 = Date.now();
      while (exit === undefined && Date.now() - t0 < 180_000) await new Promise((r) => setTimeout(r, 250));
      assert.ok(fs.existsSync(results), `no results from the installed extension (exit ${exit}): ${server.log().slice(-2000)}`);
      const { results: rs } = JSON.parse(fs.readFileSync(results, 'utf8')) as { results: Array<{ name: string; ok: boolean; error?: string }> };
      for (const r of rs) {
        await t.test(`installed: ${r.name}`, () => {
          if (!r.ok) throw new Error(r.error);
        });
      }
    } finally {
      await browser.close().catch(() => undefined);
      await server.stop();
    }
  });
});
