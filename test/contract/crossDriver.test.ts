// One database file, either driver: a file written by better-sqlite3 is read and appended by
// node:sqlite and the other way round, and ends up equal (counts and checksum) to a file one driver
// wrote alone. Both drivers run in real Node 22 processes (the CLI), as two VS Code versions would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CACHE, NODE_VERSIONS } from '../../scripts/runtimes.mjs';
import { digestRun } from '../dbcheck';
import { CLI, FIXTURES, nativeRows, tempDir, writeJsonl } from '../helpers';

const NODE22 = path.join(CACHE, 'node', NODE_VERSIONS['22'], 'bin', 'node');
const NODE24 = path.join(CACHE, 'node', NODE_VERSIONS['24'], 'bin', 'node');

/** `rollout-lens <args> --json` on one Node with one driver; its stdout parsed. */
function cliOn(node: string, driver: string, args: string[]): unknown {
  const r = spawnSync(node, [CLI, ...args, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ROLLOUT_LENS_SQLITE_DRIVER: driver },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `${node} ${driver}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function ingestWith(driver: 'better-sqlite3' | 'node:sqlite', db: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(NODE22, [CLI, 'ingest', ...args, '--db', db, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ROLLOUT_LENS_SQLITE_DRIVER: driver },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no ExperimentalWarning or other noise on stderr');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('one database file, either driver', () => {
  for (const [first, second] of [
    ['better-sqlite3', 'node:sqlite'],
    ['node:sqlite', 'better-sqlite3'],
  ] as const) {
    it(`${first} writes, ${second} reads and appends: equal to one driver alone`, () => {
      assert.ok(fs.existsSync(NODE22), `${NODE22} is fetched by scripts/runtimes.mjs`);
      const dir = tempDir();
      const a = path.join(dir, 'a.jsonl');
      const b = path.join(dir, 'b.jsonl');
      const rows = nativeRows({ steps: 4, prompts: 3, g: 4, withIds: true });
      writeJsonl(a, rows.slice(0, 24));
      writeJsonl(b, rows.slice(24));
      const mixed = path.join(dir, 'mixed.db');
      assert.equal(ingestWith(first, mixed, [a, '--run', 'r'])['samples_added'], 24);
      // The second driver re-reads the first one's cursor: nothing from a.jsonl is stored twice.
      const again = ingestWith(second, mixed, [a, b, '--run', 'r']);
      assert.deepEqual([again['samples_added'], again['samples_duplicate']], [24, 0]);
      assert.equal(
        ingestWith(second, mixed, [path.join(FIXTURES, 'trl-real', 'completions'), '--format', 'trl', '--run', 'trl'])['samples_added'],
        48,
      );
      const alone = path.join(dir, 'alone.db');
      ingestWith(first, alone, [a, b, '--run', 'r']);
      ingestWith(first, alone, [path.join(FIXTURES, 'trl-real', 'completions'), '--format', 'trl', '--run', 'trl']);
      for (const run of ['r', 'trl']) assert.deepEqual(digestRun(mixed, run), digestRun(alone, run));
      assert.deepEqual({ ...digestRun(mixed, 'r'), checksum: '' }, { samples: 48, groups: 12, steps: 4, checksum: '' });
    });
  }
});

describe('the same run on every runtime and driver', () => {
  it('ingests the real TRL fixture to the same stats on Node 20, 22 and 24 under both drivers', () => {
    const dir = tempDir();
    const legs: Array<[string, string]> = [
      [process.versions.modules === '115' ? process.execPath : '/usr/bin/node', 'better-sqlite3'],
      [NODE22, 'better-sqlite3'],
      [NODE22, 'node:sqlite'],
      [NODE24, 'better-sqlite3'],
      [NODE24, 'node:sqlite'],
    ];
    const stats = legs.map(([node, driver], i) => {
      const db = path.join(dir, `leg${i}.db`);
      const report = cliOn(node, driver, [
        'ingest',
        path.join(FIXTURES, 'trl-real', 'completions'),
        '--format',
        'trl',
        '--db',
        db,
        '--run',
        'trl',
      ]) as Record<string, unknown>;
      assert.deepEqual([report['samples_added'], report['steps']], [48, 6], `${node} ${driver}`);
      return cliOn(node, driver, ['stats', '--db', db, '--run', 'trl']);
    });
    for (const s of stats.slice(1)) assert.deepEqual(s, stats[0]);
  });
});
