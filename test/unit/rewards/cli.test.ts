import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REWARD_COMMANDS } from '../../../src/cli/commands/rewards';
import type { Values } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/output';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { nativeRows, tempDir, writeJsonl } from '../../helpers';

/** Runs a command's `run` with stdout captured; returns the exit code and the parsed JSON it printed. */
async function run(name: string, values: Values): Promise<{ code: number; out: unknown }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // The test runner reports over the same stdout in binary frames: pass those through.
  process.stdout.write = ((c: string | Uint8Array, ...rest: unknown[]) =>
    typeof c === 'string' ? (chunks.push(c), true) : write(c, ...(rest as []))) as typeof process.stdout.write;
  let code: number;
  try {
    code = await REWARD_COMMANDS[name]!.run({ ...values, json: true }, []);
  } finally {
    process.stdout.write = write;
  }
  return { code, out: JSON.parse(chunks.join('')) as unknown };
}

async function database(): Promise<string> {
  const dir = tempDir('rl-cli-');
  // Each prompt "What is p+0?" is answered "The answer is p." when logged correct: ground truth p.
  const rows = nativeRows({ steps: 2, prompts: 3, g: 4 }).map((r) => ({
    ...r,
    ground_truth: /What is (\d+)/.exec(r.prompt)![1]!,
  }));
  writeJsonl(path.join(dir, 'r.jsonl'), rows);
  const db = path.join(dir, 'a.db');
  const store = Store.open(db);
  await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
  store.close();
  return db;
}

describe('rollout-lens grade', () => {
  it('shows each step of the math check (extracted → normalised → verdict)', async () => {
    const { code, out } = await run('grade', {
      'answer-format': 'math',
      response: 'So the answer is \\boxed{\\dfrac{1}{2}}.',
      'ground-truth': '0.5',
    });
    assert.equal(code, 0);
    assert.deepEqual(out, {
      extracted: '\\dfrac{1}{2}',
      normalized: '\\frac{1}{2}',
      ground_truth_normalized: '0.5',
      correct: true,
      boxed: true,
      stage: 'symbolic',
      approximate: true,
    });
  });
  it('grades DAPO and General-Reasoner answers', async () => {
    const dapo = (await run('grade', { 'answer-format': 'dapo', response: 'work\nAnswer: 1,000', 'ground-truth': '1000' })).out;
    assert.deepEqual(dapo, {
      extracted: '1,000',
      normalized: '1000',
      ground_truth_normalized: '1000',
      correct: true,
      boxed: false,
      stage: 'exact',
      approximate: false,
    });
    const gr = (
      await run('grade', {
        'answer-format': 'general-reasoner',
        response: 'Final Answer: 7\n',
        'ground-truth': '7',
        'no-symbolic': true,
      })
    ).out as Record<string, unknown>;
    assert.deepEqual([gr['extracted'], gr['correct'], gr['stage']], ['7', true, 'string']);
  });
  it('rejects an unknown answer format as usage', async () => {
    await assert.rejects(run('grade', { 'answer-format': 'latex', response: 'x', 'ground-truth': 'x' }), UsageError);
  });
});

describe('rollout-lens rescore and rescore-diff', () => {
  it('prints the set and its comparison with the logged rewards', async () => {
    const db = await database();
    const { code, out } = await run('rescore', { db, run: 'r', reward: 'math' });
    assert.equal(code, 0);
    const o = out as Record<string, unknown>;
    for (const key of [
      'set',
      'samples',
      'scored',
      'errors',
      'agreement',
      'flips',
      'mean_reward_before',
      'mean_reward_after',
      'effective_gradient_ratio_before',
      'effective_gradient_ratio_after',
    ]) {
      assert.ok(key in o, `missing ${key}`);
    }
    // The fixture's logged rewards are exactly "the answer is the prompt's number", so math agrees fully.
    assert.deepEqual(
      [o['samples'], o['scored'], o['errors'], o['agreement'], o['mean_reward_before'] === o['mean_reward_after']],
      [24, 24, 0, 1, true],
    );
    const step = (await run('rescore', { db, run: 'r', reward: 'dapo', step: '2' })).out as Record<string, unknown>;
    assert.deepEqual([step['samples'], step['mean_reward_after']], [12, -1]);
    const diff = (await run('rescore-diff', { db, set: String(step['set']), against: 'logged', limit: '2' })).out as Record<
      string,
      unknown
    >;
    assert.equal((diff['samples'] as unknown[]).length, 2);
    assert.equal(diff['samples_truncated'], true);
    assert.equal((diff['steps'] as Array<Record<string, unknown>>)[0]!['step'], 2);
    const sets = (await run('rescore-sets', { db, run: 'r' })).out as Array<Record<string, unknown>>;
    assert.deepEqual(
      sets.map((s) => [s['label'], s['status'], s['selection']]),
      [
        ['math', 'complete', {}],
        ['dapo', 'complete', { step: 2 }],
      ],
    );
  });
  it('refuses an external command with --untrusted', async () => {
    const db = await database();
    await assert.rejects(run('rescore', { db, run: 'r', reward: 'external(command=judge)', untrusted: true }), /untrusted workspace/);
  });
});
