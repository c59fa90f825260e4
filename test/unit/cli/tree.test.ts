// rollout-lens tree on a stored group: the TEMPO golden vector (docs/algorithms.md#tree-output), end to end
// (native JSONL with token ids → SQLite → tree).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

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
  const ids = [[5, 6, 7, 8], [5, 6, 9], [5, 10, 11, 12], [5, 6, 7, 13]];
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
