// rollout-lens tree on a stored group: the TEMPO golden vector (docs/algorithms.md#tree-output), end to end
// (native JSONL with token ids → SQLite → tree).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import { ROOT, runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

interface Tree {
  group: string;
  exact: boolean;
  mean: number;
  std: number;
  nodes: Array<{ id: number; parent: number | null; tokens: number; count: number; value: number; delta: number; samples: number[] }>;
  samples: Array<{ index: number; reward: number; advantage: number; token_advantages: number[] }>;
  decision_tokens: Array<{ node: number; delta: number }>;
}

const close = (a: readonly number[], b: readonly number[], tol: number): void => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol, `[${i}] ${x} vs ${b[i]}`));
};

describe('rollout-lens tree', () => {
  const dir = tempDir();
  const db = path.join(dir, 'a.db');
  const ids = [
    [5, 6, 7, 8],
    [5, 6, 9],
    [5, 10, 11, 12],
    [5, 6, 7, 13],
  ];
  const rewards = [1, 0, 0, 1];
  writeJsonl(
    path.join(dir, 'r.jsonl'),
    ids.map((t, i) => ({ step: 4, group: 'g', prompt: 'p', response: t.join(' '), reward: rewards[i], response_ids: t })),
  );
  runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'tempo']);

  it('gives the TEMPO token advantages of the docs/algorithms.md#tree-output golden vector, exact (logged ids)', () => {
    const t = runCliJson<Tree>(['tree', '--db', db, '--run', 'tempo', '--step', '4', '--group', 'g']);
    assert.equal(t.exact, true);
    assert.equal(t.mean, 0.5);
    close([t.std], [Math.sqrt(1 / 3)], 1e-12);
    const r0 = [0.8660239037870368, 1.1546985383827153, 1.4433731729783945, 0.8660239037870368];
    close(t.samples[0]!.token_advantages, r0, 1e-9);
    close(t.samples[3]!.token_advantages, r0, 1e-9);
    close(t.samples[1]!.token_advantages, [-0.8660239, -0.5773493, -2.0207224], 5e-8);
    close(t.samples[2]!.token_advantages, [-0.8660239, -1.7320478, -0.8660239, -0.8660239], 5e-8);
    const root = t.nodes.find((n) => n.parent === null)!;
    assert.equal(root.value, 0.5);
    assert.deepEqual(root.samples, [0, 1, 2, 3]);
  });

  it('without std normalisation gives the no-std column', () => {
    const t = runCliJson<Tree>(['tree', '--db', db, '--run', 'tempo', '--step', '4', '--group', 'g', '--no-std']);
    close(t.samples[1]!.token_advantages, [-0.5, -1 / 3, -7 / 6], 1e-9);
    close(t.samples[2]!.token_advantages, [-0.5, -1.0, -0.5, -0.5], 1e-9);
  });

  it('names the missing group', () => {
    const r = runCli(['tree', '--db', db, '--run', 'tempo', '--step', '4', '--group', 'nope']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'rollout-lens: step 4 of "tempo" has no group "nope"\n');
  });
});

describe('rollout-lens tree on trainer dumps with logged token ids', () => {
  const dir = tempDir();
  const db = path.join(dir, 'f.db');
  const fixtures = path.join(ROOT, 'test', 'fixtures');

  it('a prime-rl group (test/fixtures/prime-rl) is exact: the group.id, the sampled token ids', () => {
    runCliJson(['ingest', path.join(fixtures, 'prime-rl', 'run'), '--db', db, '--run', 'prime', '--format', 'prime-rl']);
    const first = fs.readFileSync(path.join(fixtures, 'prime-rl', 'run', 'rollouts', 'step_1', 'train', 'all', 'traces.jsonl'), 'utf8');
    const group = (JSON.parse(first.split('\n')[0]!) as { group: { id: string } }).group.id;
    const t = runCliJson<Tree>(['tree', '--db', db, '--run', 'prime', '--step', '1', '--group', group]);
    assert.equal(t.exact, true);
    // Rewards 1.1, 0.1, 1.1, 0.1: "The answer is" shared, then "12 ." (0, 2) against "13 ." (1, 3).
    assert.deepEqual(
      t.nodes.map((n) => [n.parent, n.tokens, n.count, n.samples]),
      [
        [null, 0, 4, [0, 1, 2, 3]],
        [0, 3, 4, [0, 1, 2, 3]],
        [1, 2, 2, [0, 2]],
        [1, 2, 2, [1, 3]],
      ],
    );
    close([t.mean], [0.6], 1e-12);
  });

  it('a NeMo-RL group (test/fixtures/nemo-rl) is exact: a contiguous block, the response tokens after the prompt', () => {
    const file = path.join(fixtures, 'nemo-rl', 'logs', 'exp_001', 'train_data_step1.jsonl');
    runCliJson(['ingest', file, '--db', db, '--run', 'nemo', '--group-size', '4']);
    const runs = runCliJson<Array<{ run: string; format: string; grouping: string }>>(['runs', '--db', db]);
    assert.deepEqual(
      runs.map((r) => [r.run, r.format, r.grouping]),
      [
        ['nemo', 'nemo-rl', 'contiguous'],
        ['prime', 'prime-rl', 'id'],
      ],
    );
    const t = runCliJson<Tree>(['tree', '--db', db, '--run', 'nemo', '--step', '1', '--group', 'b0']);
    assert.equal(t.exact, true);
    assert.deepEqual(
      t.nodes.map((n) => [n.parent, n.tokens, n.count, n.samples]),
      [
        [null, 0, 4, [0, 1, 2, 3]],
        [0, 3, 4, [0, 1, 2, 3]],
        [1, 3, 3, [0, 2, 3]],
        [1, 3, 1, [1]],
      ],
    );
    assert.equal(t.mean, 0.75);
  });
});
