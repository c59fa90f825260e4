// A new machine's first `npm test` (issue 23): setup into an empty cache folder, in the environment
// an outer npm gives it. npm exports its configuration as npm_config_*; a user's `nodedir=/usr` (set
// on these machines) then reaches every child. The system Node's headers are named explicitly
// here, so the check bites on any machine. It builds one prebuild for another ABI and checks that it
// loads, and installs one non-default code-server generation and starts it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { GENERATIONS, codeServerArgs } from '../../scripts/e2e-setup.mjs';
import { NODE_VERSIONS, betterSqliteVersion, binaryAbi, loadCheck } from '../../scripts/runtimes.mjs';
import { freePort, stopGroup, waitForHealthz } from '../e2e/codeServer';
import { ROOT, tempDir } from '../helpers';

const cache = tempDir('rl-cold-cache-');
const systemHeaders = path.dirname(path.dirname(process.execPath));
const env = { ...process.env, ROLLOUT_LENS_CACHE: cache, npm_config_nodedir: systemHeaders };
const GENERATION = '1.117';
const gen = GENERATIONS[GENERATION]!;

after(() => {
  // The e2e suites link harness/<name>/node_modules to the shared cache again before they run.
  fs.rmSync(path.join(ROOT, 'harness', gen.harness, 'node_modules'), { force: true });
});

function setup(script: string, args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `${script} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

describe(`cold setup into an empty cache, with npm_config_nodedir=${systemHeaders} in the environment`, () => {
  it('builds better-sqlite3 for Node 22 against Node 22 and the binary loads in it', () => {
    const out = setup('runtimes.mjs', ['22']);
    assert.match(out, /building better-sqlite3 [\d.]+ for Node 22\.\d+\.\d+ \(ABI 127\)/);
    const node22 = path.join(cache, 'node', NODE_VERSIONS['22'], 'bin', 'node');
    const built = path.join(cache, `better-sqlite3-${betterSqliteVersion()}`, 'node-127', 'better_sqlite3.node');
    assert.equal(binaryAbi(built), '127');
    assert.deepEqual(loadCheck(node22, built), { ok: true });
  });

  it(`installs code-server ${gen.codeServer} (VS Code ${GENERATION}) on Node ${gen.node} and it starts`, async () => {
    const out = setup('e2e-setup.mjs', [GENERATION]);
    assert.match(out, new RegExp(`code-server ${gen.codeServer.replaceAll('.', '\\.')} installed in \\d+ s`));
    const node = path.join(cache, 'node', NODE_VERSIONS[gen.node], 'bin', 'node');
    const entry = path.join(ROOT, 'harness', gen.harness, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    assert.ok(fs.realpathSync(entry).startsWith(fs.realpathSync(cache)), `${entry} is not the cold install`);
    const dir = tempDir('rl-cold-cs-');
    const port = await freePort();
    const logFile = path.join(dir, 'code-server.log');
    const log = fs.openSync(logFile, 'w');
    const child = spawn(
      node,
      codeServerArgs({
        entry,
        port,
        config: path.join(dir, 'config.yaml'),
        data: path.join(dir, 'data'),
        extensions: path.join(dir, 'ext'),
        workspace: dir,
      }),
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...env, XDG_CONFIG_HOME: path.join(dir, 'xdg'), XDG_DATA_HOME: path.join(dir, 'xdg') },
      },
    );
    try {
      await waitForHealthz(child, `http://127.0.0.1:${port}`, logFile);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      // The workbench page, served by this very install.
      const html = await page.text();
      assert.ok(html.includes(`&quot;codeServerVersion&quot;:&quot;${gen.codeServer}&quot;`), 'the page names another code-server');
      assert.match(html, /static\/out\/vs\/code\/browser\/workbench\/workbench\.js/);
    } finally {
      await stopGroup(child);
    }
  });
});
