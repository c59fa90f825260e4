// Auto-detection names each trainer's files from their keys (and paths), and --format reads them as told.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { detectJsonl, discover } from '../../../src/core/ingest/sources';
import { FIXTURES, tempDir } from '../../helpers';

const f = (...p: string[]): string => path.join(FIXTURES, ...p);

describe('format detection', () => {
  it('picks each format from its first record', () => {
    assert.deepEqual(
      [
        f('verl', 'rollout', '1.jsonl'),
        f('verl-v1', 'rollout', '1.jsonl'),
        f('prime-rl', 'run', 'rollouts', 'step_1', 'train', 'all', 'traces.jsonl'),
        f('prime-rl', 'run', 'metrics.jsonl'),
        f('nemo-rl', 'logs', 'exp_001', 'train_data_step1.jsonl'),
        f('nemo-rl', 'logs', 'exp_001', 'val_data_step2.jsonl'),
        f('areal', 'fileroot', 'logs', 'areal', 'gsm8k-grpo', 'trial0', 'rollout', '1', '0.jsonl'),
        f('slime', 'data_3.jsonl'),
        f('ms-swift', 'output', 'completions.jsonl'),
        f('roll', 'rlvr', 'rollout_dump_data.step_1.jsonl'),
        f('roll', 'agentic', 'rollout_dump_data.step_0.jsonl'),
        f('skyrl', 'export', 'dumped_evals', 'global_step_5_evals', 'openai_gsm8k.jsonl'),
      ].map((p) => detectJsonl(p)),
      ['verl', 'verl', 'prime-rl', 'prime-rl-metrics', 'nemo-rl', 'nemo-rl', 'areal', 'slime', 'ms-swift', 'roll', 'roll', 'skyrl-eval'],
    );
  });

  it('reads on past 64 KiB to the end of a long first line (a whole step per line)', () => {
    const file = path.join(tempDir(), 'completions.jsonl');
    const long = { step: ['1'], prompt: ['p'], completion: ['x'.repeat(3_000_000)], accuracy: [1], advantages: [0] };
    fs.writeFileSync(file, JSON.stringify(long) + '\n');
    assert.equal(detectJsonl(file), 'ms-swift');
  });

  it('an explicit --format reads the rollout files as that format and still recognises metrics', () => {
    const d = discover([f('prime-rl', 'run')], 'prime-rl');
    assert.deepEqual(
      d.files.map((x) => [path.relative(f('prime-rl', 'run'), x.path), x.format, x.kind, x.split]),
      [
        ['metrics.jsonl', 'prime-rl-metrics', 'metrics', 'train'],
        ['rollouts/step_1/train/all/traces.jsonl', 'prime-rl', 'rollouts', 'train'],
        ['rollouts/step_2/eval/all/traces.jsonl', 'prime-rl', 'rollouts', 'val'],
        ['rollouts/step_2/train/all/traces.jsonl', 'prime-rl', 'rollouts', 'train'],
      ],
    );
    assert.deepEqual(
      d.unknown.map((u) => [path.basename(path.dirname(u.path)), u.reason]),
      [['effective', 'prime-rl "effective" traces are a subset of "all", which is read instead']],
    );
  });
});
