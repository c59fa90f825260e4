// Nothing cached is trusted (issue 23): a better-sqlite3 prebuild counts only if the Node it is for
// loads it, when it is built and when it is taken from the cache; packaging refuses a misfiled one.
// Uses the Node 22 distribution and its prebuild that `npm test`'s setup made (scripts/runtimes.mjs).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  CACHE,
  NODE_VERSIONS,
  betterSqliteVersion,
  binaryAbi,
  ensurePrebuild,
  loadCheck,
  prebuildProblems,
} from '../../../scripts/runtimes.mjs';
import { ROOT, tempDir } from '../../helpers';

const V22 = NODE_VERSIONS['22'];
const NODE22 = path.join(CACHE, 'node', V22, 'bin', 'node');
/** npm ci's own build, for this Node 20 (ABI 115). */
const FOR_NODE20 = path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const FOR_NODE22 = path.join(ROOT, 'prebuilds', 'linux-x64', 'node-127', 'better_sqlite3.node');

/** A cache folder of its own that shares the Node 22 distribution (no second 50 MB fetch). */
function freshCache(): { cache: string; prebuilds: string; cached: string } {
  const dir = tempDir('rl-prebuild-');
  const cache = path.join(dir, 'cache');
  fs.mkdirSync(path.join(cache, 'node'), { recursive: true });
  fs.symlinkSync(path.join(CACHE, 'node', V22), path.join(cache, 'node', V22));
  const cached = path.join(cache, `better-sqlite3-${betterSqliteVersion()}`, 'node-127', 'better_sqlite3.node');
  return { cache, prebuilds: path.join(dir, 'prebuilds'), cached };
}

describe('better-sqlite3 prebuilds are verified on use', () => {
  it('the binaries at hand are what their names say', () => {
    assert.equal(binaryAbi(FOR_NODE20), '115');
    assert.equal(binaryAbi(FOR_NODE22), '127');
    assert.deepEqual(loadCheck(NODE22, FOR_NODE22), { ok: true });
    assert.deepEqual(loadCheck(NODE22, FOR_NODE20), { ok: false, reason: 'built for ABI 115, this Node is ABI 127' });
  });

  it('a build for the wrong ABI is refused at build time and nothing is cached or installed', () => {
    const { cache, prebuilds, cached } = freshCache();
    assert.throws(
      () => ensurePrebuild(V22, { cache, prebuilds, build: ({ out }) => fs.copyFileSync(FOR_NODE20, out), log: () => undefined }),
      {
        message: `better-sqlite3 built for Node ${V22} (ABI 127) does not load in it (built for ABI 115, this Node is ABI 127): the build used another Node's headers`,
      },
    );
    assert.equal(fs.existsSync(cached), false);
    assert.equal(fs.existsSync(`${cached}.tmp`), false);
    assert.equal(fs.existsSync(path.join(prebuilds, 'node-127')), false);
  });

  it('a wrong binary in the cache is deleted and rebuilt, with one log line; a right one is taken as it is', () => {
    const { cache, prebuilds, cached } = freshCache();
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.copyFileSync(FOR_NODE20, cached);
    const logs: string[] = [];
    let builds = 0;
    const opts = {
      cache,
      prebuilds,
      log: (m: string) => logs.push(m),
      build: ({ out }: { out: string }) => (builds++, fs.copyFileSync(FOR_NODE22, out)),
    };
    const r = ensurePrebuild(V22, opts);
    assert.equal(builds, 1);
    assert.deepEqual(logs, [
      `cached better-sqlite3 for Node ${V22} (ABI 127) does not load in it (built for ABI 115, this Node is ABI 127): deleted, rebuilding`,
    ]);
    assert.equal(r.binary, path.join(prebuilds, 'node-127', 'better_sqlite3.node'));
    assert.equal(binaryAbi(r.binary), '127');
    assert.equal(binaryAbi(cached), '127');
    ensurePrebuild(V22, opts);
    assert.equal(builds, 1);
    assert.equal(logs.length, 1);
  });

  it('packaging finds a prebuild filed under another ABI', () => {
    const dir = tempDir('rl-prebuilds-');
    for (const [folder, file] of [
      ['node-115', FOR_NODE20],
      ['node-127', FOR_NODE20],
      ['node-137', FOR_NODE22],
    ] as const) {
      fs.mkdirSync(path.join(dir, folder));
      fs.copyFileSync(file, path.join(dir, folder, 'better_sqlite3.node'));
    }
    assert.deepEqual(prebuildProblems(dir), [
      'node-127/better_sqlite3.node is built for ABI 115, not 127',
      'node-137/better_sqlite3.node is built for ABI 127, not 137',
    ]);
    assert.deepEqual(prebuildProblems(path.join(ROOT, 'prebuilds', 'linux-x64')), []);
  });
});
