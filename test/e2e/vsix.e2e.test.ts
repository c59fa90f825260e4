// The packaged VSIX: `npm run package` builds it, `code-server --install-extension` installs it, and
// the extension-host smoke tests pass against the installed copy (not the working tree).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { FIXTURES, ROOT, runCliJson, tempDir } from '../helpers';
import { CODE_SERVER_NODE, ENGINE_DRIVER, launchBrowser, logFiles, startCodeServer, waitForFile } from './codeServer';

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
      // The installed copy chooses its driver itself (nothing forced): its prebuilds, or node:sqlite.
      env: {
        ROLLOUT_LENS_E2E_RESULTS: results,
        ROLLOUT_LENS_E2E_VERL_STEP1: path.join(FIXTURES, 'verl', 'rollout', '1.jsonl'),
        ROLLOUT_LENS_SQLITE_DRIVER: '',
      },
      vsix,
      hostTests: hostBundle,
    });
    const browser = await launchBrowser();
    try {
      const installed = fs.readdirSync(server.extensionsDir).find((d) => d.startsWith('rollout-lens.rollout-lens-'));
      assert.ok(installed, `nothing installed in ${server.extensionsDir}`);
      const extDir = path.join(server.extensionsDir, installed);
      const abi = execFileSync(CODE_SERVER_NODE, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
      for (const a of ['115', '127', '137'])
        assert.ok(fs.existsSync(path.join(extDir, 'prebuilds', 'linux-x64', `node-${a}`, 'better_sqlite3.node')), `prebuild for ABI ${a}`);
      assert.ok(['115', '127', '137'].includes(abi), `this VS Code's ABI ${abi} has a prebuild`);
      // Where the engine is to run on node:sqlite, the installed copy loses its prebuilds, as a VSIX
      // for another platform has none: nothing else can make it load better-sqlite3.
      if (ENGINE_DRIVER === 'node:sqlite') fs.rmSync(path.join(extDir, 'prebuilds'), { recursive: true });
      assert.ok(!fs.existsSync(path.join(extDir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'win32')));
      assert.ok(!fs.existsSync(path.join(extDir, 'src')), 'sources shipped in the VSIX');
      const page = await browser.newPage();
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      assert.ok(await waitForFile(results, 180_000), `no results from the installed extension: ${server.log().slice(-2000)}`);
      const { results: rs } = JSON.parse(fs.readFileSync(results, 'utf8')) as {
        results: Array<{ name: string; ok: boolean; error?: string }>;
      };
      for (const r of rs) {
        await t.test(`installed: ${r.name}`, () => {
          if (!r.ok) throw new Error(r.error);
        });
      }
      await t.test(`installed: the engine chose ${ENGINE_DRIVER ?? 'better-sqlite3'} by itself`, () => {
        // One line per engine start (the host tests kill the engine once, so it starts again).
        const lines = logFiles(server).flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'));
        const said = lines.filter((l) => l.includes('SQLite via'));
        const starts = lines.filter((l) => / engine pid \d+ ready in /.test(l));
        assert.equal(said.length, starts.length, said.join('\n'));
        const want = `SQLite via ${ENGINE_DRIVER === 'node:sqlite' ? 'node:sqlite' : `better-sqlite3 12.11.1 (prebuild node-${abi})`}`;
        for (const l of said) assert.ok(l.includes(want), l);
        assert.ok(said.length >= 1, 'the engine never started');
      });
    } finally {
      await browser.close().catch(() => undefined);
      await server.stop();
    }
  });
});
