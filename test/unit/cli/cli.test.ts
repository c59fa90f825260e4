import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { IngestReport, RunSummary, StepStats, StepStatsRow } from '../../../src/shared/rollout';
import { digestRun } from '../../dbcheck';
import { nativeRows, runCli, runCliJson, sleep, spawnCli, tempDir, writeJsonl } from '../../helpers';

describe('rollout-lens CLI', () => {
  it('ingest --json prints the documented report', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rollouts.jsonl');
    writeJsonl(file, nativeRows({ steps: 2, prompts: 3, g: 4 }));
    fs.appendFileSync(file, '{"step": 3, "group": "g"}\n');
    const r = runCliJson<IngestReport>(['ingest', file, '--db', path.join(dir, 'a.db'), '--run', 'demo']);
    assert.deepEqual(r, {
      run: 'demo',
      format: 'native',
      files: 1,
      samples_added: 24,
      samples_duplicate: 0,
      steps: 2,
      metrics_added: 0,
      errors: [{ file, line: 25, message: '"prompt" must be a string, got nothing (the key is missing)' }],
      grouping: 'id',
      skipped: [],
    });
  });

  it('runs and stats print the documented rows', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(
      file,
      [1, 0, 0, 0, 1, 1].map((reward, i) => ({ step: i < 4 ? 1 : 2, group: `g${i < 4 ? 1 : 2}`, prompt: 'p', response: 'ab', reward })),
    );
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', file, '--db', db, '--run', 'x']);
    assert.deepEqual(runCliJson<RunSummary[]>(['runs', '--db', db]), [
      {
        run: 'x',
        format: 'native',
        grouping: 'id',
        success_rule: 'reward',
        success_threshold: null,
        steps: 2,
        groups: 2,
        samples: 6,
        first_step: 1,
        last_step: 2,
      },
    ]);
    const stats = runCliJson<StepStats[]>(['stats', '--db', db, '--run', 'x']);
    assert.deepEqual(
      stats.map((s) => [s.step, s.samples, s.groups, s.reward_mean, s.reward_std, s.mean_length, s.grouping]),
      [
        [1, 4, 1, 0.25, 0.5, 2, 'id'],
        [2, 2, 1, 1, 0, 2, 'id'],
      ],
    );
  });

  it('success-rule says what counts as solved, and a threshold counts every group again', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rm.jsonl');
    // A reward model's scores: no verdict, no correctness component.
    writeJsonl(
      file,
      // Two groups, so the re-count writes more than one group.
      [0.2, 0.4, 0.6, 0.9].map((reward, i) => ({
        step: 1,
        group: i < 2 ? 'g' : 'h',
        index: i % 2,
        prompt: `p${i >> 1}`,
        response: 'ab',
        reward,
      })),
    );
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', file, '--db', db, '--run', 'rm']);
    assert.equal(
      runCli(['success-rule', '--db', db, '--run', 'rm']).stdout,
      'rm: solved = reward > 0 (no verdict or correctness component logged)\n',
    );
    assert.deepEqual(
      runCliJson<StepStatsRow[]>(['stats', '--db', db, '--run', 'rm']).map((s) => s.pass_at_k?.['1']),
      [1],
    );
    assert.deepEqual(runCliJson(['success-rule', '--db', db, '--run', 'rm', '--threshold', '0.5']), {
      run: 'rm',
      success_rule: 'threshold',
      success_threshold: 0.5,
      description: "reward ≥ 0.5 (this run's success threshold)",
    });
    const [row] = runCliJson<StepStatsRow[]>(['stats', '--db', db, '--run', 'rm']);
    assert.deepEqual([row!.pass_at_k?.['1'], row!.success_rule], [0.5, 'threshold']);
    assert.match(runCli(['stats', '--db', db, '--run', 'rm']).stdout, /\nsolved = reward ≥ 0\.5 \(this run's success threshold\)\n$/);
    runCliJson(['success-rule', '--db', db, '--run', 'rm', '--clear-threshold']);
    assert.deepEqual(
      runCliJson<StepStatsRow[]>(['stats', '--db', db, '--run', 'rm']).map((s) => s.pass_at_k?.['1']),
      [1],
    );
    const bad = runCli(['success-rule', '--db', db, '--run', 'rm', '--threshold', 'high']);
    assert.deepEqual(
      [bad.code, bad.stderr.trim()],
      [2, 'rollout-lens: --threshold must be a number, got "high" (see rollout-lens --help)'],
    );
  });

  it('export writes native JSONL that ingests back into the same samples', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, nativeRows({ steps: 3, prompts: 2, g: 4, withIds: true }));
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', file, '--db', db, '--run', 'orig']);
    const out = runCli(['export', '--db', db, '--run', 'orig', '--format', 'jsonl']);
    assert.equal(out.code, 0);
    assert.equal(out.stdout.trim().split('\n').length, 24);
    fs.writeFileSync(path.join(dir, 'orig.jsonl'), out.stdout);
    const db2 = path.join(dir, 'b.db');
    runCliJson(['ingest', path.join(dir, 'orig.jsonl'), '--db', db2, '--run', 'orig']);
    assert.deepEqual(digestRun(db2, 'orig'), digestRun(db, 'orig'));
    const step2 = runCli(['export', '--db', db, '--run', 'orig', '--step', '2', '--format', 'jsonl']);
    assert.equal(step2.stdout.trim().split('\n').length, 8);
  });

  it('exits 1 with one line naming the path when it is unreadable', () => {
    const r = runCli(['ingest', '/no/such/rollouts', '--db', path.join(tempDir(), 'a.db')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'rollout-lens: /no/such/rollouts: no such file or folder\n');
  });

  it('exits 1 naming the database when it is unusable', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'x.jsonl'), '{"step":1,"group":"g","prompt":"p","response":"r","reward":1}\n');
    const r = runCli(['ingest', path.join(dir, 'x.jsonl'), '--db', path.join(dir, 'missing', 'a.db')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^rollout-lens: .*a\.db: the folder .*missing does not exist\n$/);
  });

  it('exits 2 for an unknown format or a missing --db', () => {
    assert.equal(runCli(['ingest', 'x', '--db', 'a.db', '--format', 'csv']).code, 2);
    const r = runCli(['runs']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--db FILE is required/);
  });

  it('a read command does not create a database that does not exist', () => {
    const db = path.join(tempDir(), 'typo.db');
    const r = runCli(['runs', '--db', db]);
    assert.equal(r.code, 1);
    assert.equal(fs.existsSync(db), false);
  });

  it('after kill -9 at several points, restarting gives the same rows as a clean ingest', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.jsonl');
    writeJsonl(file, nativeRows({ steps: 40, prompts: 64, g: 8, withIds: true }));
    const clean = path.join(dir, 'clean.db');
    runCliJson(['ingest', file, '--db', clean, '--run', 'r']);
    const expected = digestRun(clean, 'r');
    assert.equal(expected.samples, 20480);

    const db = path.join(dir, 'killed.db');
    const partials: number[] = [];
    for (const delayMs of [250, 400, 550, 700]) {
      const child = spawnCli(['ingest', file, '--db', db, '--run', 'r']);
      await sleep(delayMs);
      const exited = child.exitCode !== null;
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      if (fs.existsSync(db) && !exited) partials.push(digestRun(db, 'r').samples);
    }
    assert.ok(
      partials.some((n) => n > 0 && n < expected.samples),
      `no kill landed in the middle of the ingest (rows after each kill: ${partials.join(', ')})`,
    );
    runCliJson(['ingest', file, '--db', db, '--run', 'r']);
    assert.deepEqual(digestRun(db, 'r'), expected);
  });
});
