// How the engine finds a SQLite driver in the runtime it is started on, and what happens when none
// loads: a prebuild for another ABI is skipped with one log line, a Node on PATH is the last resort,
// and without one the error names the runtime, its ABI and the ways out. Real forked engines, real
// prebuilt binaries (scripts/runtimes.mjs builds them for Node 20, 22 and 24 before the tests run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineClient } from '../../src/extension/engineClient';
import { findFallbackNode } from '../../src/extension/engineNode';
import { ErrorCode, LensError } from '../../src/shared/errors';
import { EngineMethods } from '../../src/shared/protocol/engine';
import { CACHE, NODE_VERSIONS } from '../../scripts/runtimes.mjs';
import { ROOT, tempDir } from '../helpers';

const NODE22 = path.join(CACHE, 'node', NODE_VERSIONS['22'], 'bin', 'node');
const PLATFORM = `${process.platform}-${process.arch}`;

function recordingLog(): {
  lines: string[];
  log: { info(m: string): void; warn(m: string): void; error(m: string): void; trace(m: string): void };
} {
  const lines: string[] = [];
  const put = (m: string) => lines.push(m);
  return { lines, log: { info: put, warn: put, error: put, trace: () => undefined } };
}

/** An installed extension without prebuilds: its bundles, and node_modules built for Node 20 only. */
function extensionWithoutPrebuilds(): string {
  const root = tempDir();
  fs.cpSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

/** Runs `fn` with environment variables set, restoring them after (the forked engine inherits them). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('choosing the SQLite driver', () => {
  it('skips a prebuild built for another ABI with one log line and starts on the next driver', async () => {
    const otherAbi = process.versions.modules === '127' ? '137' : '127';
    const wrong = path.join(ROOT, 'prebuilds', PLATFORM, `node-${otherAbi}`, 'better_sqlite3.node');
    assert.ok(fs.existsSync(wrong), `${wrong} is built by scripts/runtimes.mjs`);
    const root = tempDir();
    const dir = path.join(root, 'prebuilds', PLATFORM, `node-${process.versions.modules}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(wrong, path.join(dir, 'better_sqlite3.node'));
    const { lines, log } = recordingLog();
    const client = new EngineClient({
      enginePath: path.join(ROOT, 'dist', 'engine.js'),
      dbPath: path.join(tempDir(), 'a.db'),
      log,
      nodePath: process.execPath,
    });
    try {
      await withEnv({ ROLLOUT_LENS_ROOT: root, ROLLOUT_LENS_SQLITE_DRIVER: '' }, async () => {
        assert.deepEqual(await client.request(EngineMethods.listRuns, {}), []);
      });
      const skipped = lines.filter((l) => l.includes('skipped the better-sqlite3 binary'));
      assert.equal(skipped.length, 1, lines.join('\n'));
      assert.ok(skipped[0]!.includes(`built for ABI ${otherAbi}, this runtime is ABI ${process.versions.modules}`), skipped[0]);
      assert.equal(lines.filter((l) => /Rollout Lens \S+ on node .*SQLite via /.test(l)).length, 1, lines.join('\n'));
    } finally {
      client.dispose();
    }
  });

  it('without any driver, names the runtime, its ABI and the three ways out', () => {
    const root = extensionWithoutPrebuilds();
    // The driver that cannot load here: node:sqlite on Node 20, better-sqlite3 (built for 20 only) on 22 and 24.
    const driver = process.versions.modules === '115' ? 'node:sqlite' : 'better-sqlite3';
    const r = (() => {
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), '--version'], {
            env: { ...process.env, ROLLOUT_LENS_SQLITE_DRIVER: driver },
            encoding: 'utf8',
          }),
        };
      } catch (e) {
        return { code: (e as { status: number }).status, out: String((e as { stdout: string }).stdout) };
      }
    })();
    assert.equal(r.code, 1);
    assert.ok(
      r.out.includes(`no SQLite driver loads in node ${process.versions.node} (ABI ${process.versions.modules}, ${PLATFORM})`),
      r.out,
    );
    for (const wayOut of ['rolloutLens.engineNodePath', 'node:sqlite', 'Rebuild Native Modules']) assert.ok(r.out.includes(wayOut), wayOut);
  });

  it('runs the engine on a Node from PATH when its own runtime has no driver, and says so once', async () => {
    assert.ok(fs.existsSync(NODE22), `${NODE22} is fetched by scripts/runtimes.mjs`);
    const root = extensionWithoutPrebuilds();
    const { lines, log } = recordingLog();
    const client = new EngineClient({
      enginePath: path.join(root, 'dist', 'engine.js'),
      dbPath: path.join(tempDir(), 'a.db'),
      log,
      nodePath: NODE22,
      fallbackNode: (failed) => findFallbackNode(failed, path.dirname(fs.realpathSync('/usr/bin/node'))),
    });
    try {
      await withEnv({ ROLLOUT_LENS_SQLITE_DRIVER: 'better-sqlite3' }, async () => {
        assert.deepEqual(await client.request(EngineMethods.listRuns, {}), []);
      });
      const said = lines.filter((l) => l.includes('running the engine on Node'));
      assert.deepEqual(said, [
        `no SQLite driver loads in the engine's runtime (${NODE22}); running the engine on Node 20.20.2 from /usr/bin/node instead`,
      ]);
    } finally {
      client.dispose();
    }
  });

  it('reports the start as failed, offering a rebuild, when there is no Node on PATH either', async () => {
    const root = extensionWithoutPrebuilds();
    const failures: Array<[string, boolean]> = [];
    const client = new EngineClient({
      enginePath: path.join(root, 'dist', 'engine.js'),
      dbPath: path.join(tempDir(), 'a.db'),
      log: recordingLog().log,
      nodePath: NODE22,
      fallbackNode: (failed) => findFallbackNode(failed, path.join(tempDir(), 'no-node-here')),
    });
    client.onDidChangeState((e) => e.state === 'failed' && failures.push([e.reason, e.nativeModule]));
    try {
      await withEnv({ ROLLOUT_LENS_SQLITE_DRIVER: 'better-sqlite3' }, async () => {
        await assert.rejects(
          client.request(EngineMethods.listRuns, {}),
          (e: unknown) => e instanceof LensError && e.code === ErrorCode.NativeModule,
        );
      });
      assert.equal(failures.length, 1);
      assert.equal(failures[0]![1], true);
      assert.match(
        failures[0]![0],
        /^no SQLite driver loads in node 22\.23\.5 \(ABI 127, linux-x64\): better-sqlite3 \(no prebuild for this ABI\)\. Ways out: /,
      );
    } finally {
      client.dispose();
    }
  });
});
