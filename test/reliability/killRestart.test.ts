// Exactly-once under faults (issue 9.1): the CLI ingest is killed with SIGKILL at 24 points across a
// multi-file verl dump and a TRL parquet directory; after a final restart, counts and a checksum over
// (run, split, step, group, index, reward) equal a clean ingest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { digestRun } from '../dbcheck';
import { prng, runCliJson, sleep, spawnCli, tempDir } from '../helpers';
import { Store } from '../../src/core/store/store';
import type { RunSummary, StepStats } from '../../src/shared/rollout';
import { writeTrlOutput, writeVerlDump } from './generators';

const dir = tempDir('rl-kill-');
const verl = path.join(dir, 'verl');
const trl = path.join(dir, 'trl');
const clean = path.join(dir, 'clean.db');

before(async () => {
  // verl-sized steps (512 prompts × 8): a step file spans two 4,000-row transactions, so kills land mid-file.
  writeVerlDump(verl, { steps: 10, prompts: 512, g: 8 });
  await writeTrlOutput(trl, { files: 160, prompts: 8, g: 8 });
  runCliJson(['ingest', verl, '--db', clean, '--run', 'verl']);
  runCliJson(['ingest', trl, '--db', clean, '--run', 'trl', '--format', 'trl']);
});

async function killAt(args: string[], delayMs: number): Promise<boolean> {
  const child = spawnCli(args);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await sleep(delayMs);
  const finished = child.exitCode !== null;
  child.kill('SIGKILL');
  await exited;
  return !finished;
}

describe('kill -9 during ingest, then restart', () => {
  it('ends with the rows and checksum of a clean ingest, for verl and TRL, after 24 kills (at least 10 mid-ingest)', async () => {
    const expectedVerl = digestRun(clean, 'verl');
    const expectedTrl = digestRun(clean, 'trl');
    assert.equal(expectedVerl.samples, 10 * 512 * 8);
    assert.equal(expectedTrl.samples, 160 * 8 * 8);
    const db = path.join(dir, 'killed.db');
    const rand = prng(42);
    const counts: Array<{ run: string; samples: number; killed: boolean; delay: number }> = [];
    // Each restart resumes, so a kill must come soon after start to land mid-ingest: the delay adapts
    // (longer when a run made no progress, shorter when it finished) around the process start-up time.
    const delay = { verl: 200, trl: 200 };
    const last = { verl: 0, trl: 0 };
    for (let i = 0; i < 24; i++) {
      const run = i % 2 ? 'trl' : 'verl';
      const total = run === 'trl' ? expectedTrl.samples : expectedVerl.samples;
      if (last[run] === total) continue;
      // Small transactions put commit boundaries inside every file, so kills land between them.
      const args = [
        ...(run === 'trl' ? ['ingest', trl, '--db', db, '--run', 'trl', '--format', 'trl'] : ['ingest', verl, '--db', db, '--run', 'verl']),
        '--batch-rows',
        '700',
      ];
      const d = delay[run] + Math.floor(rand() * 40);
      const killed = await killAt(args, d);
      const samples = fs.existsSync(db) ? digestRun(db, run).samples : 0;
      counts.push({ run, samples, killed, delay: d });
      if (samples === last[run]) delay[run] += 40;
      else if (!killed || samples === total) delay[run] = Math.max(100, delay[run] - 60);
      last[run] = samples;
    }
    const mid = counts.filter(
      (c) => c.killed && c.samples > 0 && c.samples < (c.run === 'trl' ? expectedTrl.samples : expectedVerl.samples),
    );
    assert.ok(mid.length >= 10, `only ${mid.length} kills landed mid-ingest: ${JSON.stringify(counts)}`);
    runCliJson(['ingest', verl, '--db', db, '--run', 'verl']);
    runCliJson(['ingest', trl, '--db', db, '--run', 'trl', '--format', 'trl']);
    assert.deepEqual(digestRun(db, 'verl'), expectedVerl);
    assert.deepEqual(digestRun(db, 'trl'), expectedTrl);
  });

  it('after a kill mid-pass, runs and stats count exactly the committed rows (steps left dirty are derived, not 0)', async () => {
    const db = path.join(dir, 'counts.db');
    const total = 10 * 512 * 8;
    let landed: ReturnType<typeof digestRun> | undefined;
    let delay = 300;
    for (let i = 0; i < 15 && !landed; i++) {
      fs.rmSync(db, { force: true });
      await killAt(['ingest', verl, '--db', db, '--run', 'verl', '--batch-rows', '700'], delay);
      const d = fs.existsSync(db) ? digestRun(db, 'verl') : undefined;
      if (d && d.samples > 0 && d.samples < total) landed = d;
      else if (!d || d.samples === 0) delay += 120;
      else delay = Math.max(60, delay - 100);
    }
    assert.ok(landed, 'no kill landed mid-ingest');
    const store = Store.open(db);
    let dirty: number;
    let perStep: Array<[number, number]>;
    try {
      dirty = store.db.prepare('SELECT COUNT(*) FROM steps WHERE dirty = 1').pluck().get() as number;
      perStep = store.db
        .prepare(
          'SELECT st.step, COUNT(*) FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id GROUP BY st.step ORDER BY st.step',
        )
        .raw()
        .all() as Array<[number, number]>;
    } finally {
      store.close();
    }
    // The pass was cut before it stored its step statistics: the counts below must not come from them.
    assert.ok(dirty > 0, 'the kill left no step without stored statistics');
    const runs = runCliJson<RunSummary[]>(['runs', '--db', db]);
    assert.deepEqual(
      runs.map((r) => [r.run, r.steps, r.groups, r.samples]),
      [['verl', landed.steps, landed.groups, landed.samples]],
    );
    const stats = runCliJson<StepStats[]>(['stats', '--db', db, '--run', 'verl']);
    assert.deepEqual(
      stats.filter((s) => s.samples > 0).map((s) => [s.step, s.samples]),
      perStep,
    );
  });
});
