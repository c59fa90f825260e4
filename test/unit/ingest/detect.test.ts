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
        // Read for which rollouts of all/ were trained on (test/unit/ingest/primeRlFiltered.test.ts).
        ['rollouts/step_1/train/effective/traces.jsonl', 'prime-rl', 'rollouts', 'train'],
        ['rollouts/step_2/eval/all/traces.jsonl', 'prime-rl', 'rollouts', 'val'],
        ['rollouts/step_2/train/all/traces.jsonl', 'prime-rl', 'rollouts', 'train'],
      ],
    );
    assert.deepEqual(d.unknown, []);
  });

  it('tells rLLM episodes, ART step files and TRL parquet apart in one folder, by name and place', () => {
    const dir = tempDir();
    const put = (from: string, ...to: string[]): void => {
      fs.mkdirSync(path.join(dir, ...to.slice(0, -1)), { recursive: true });
      fs.copyFileSync(from, path.join(dir, ...to));
    };
    const episodes = f('rllm', 'logs', 'deepcoder', 'run1', 'episodes', 'train_step_1_epoch_0');
    put(
      path.join(episodes, 'episode_hashc1910da2_idt-add_0.json'),
      'episodes',
      'train_step_1_epoch_0',
      'episode_hashc1910da2_idt-add_0.json',
    );
    put(path.join(episodes, 'batch_summary.json'), 'episodes', 'train_step_1_epoch_0', 'batch_summary.json');
    const art = f('art', 'parquet', '.art', '2048', 'models', 'agent-001', 'trajectories', 'train', '0001.parquet');
    put(art, 'trajectories', 'train', '0001.parquet');
    put(f('trl-real', 'completions', 'completions_00001.parquet'), 'completions', 'completions_00001.parquet');
    // verl's {step}.jsonl under a folder named trajectories/…: ART's names have four digits or more.
    put(f('verl', 'rollout', '1.jsonl'), 'trajectories', 'rollout', '1.jsonl');
    const formatOf = (...p: string[]): string => discover([path.join(dir, ...p)], 'auto').files[0]!.format;
    assert.deepEqual(
      [
        formatOf('episodes', 'train_step_1_epoch_0', 'episode_hashc1910da2_idt-add_0.json'),
        formatOf('trajectories', 'train', '0001.parquet'),
        formatOf('completions', 'completions_00001.parquet'),
        formatOf('trajectories', 'rollout', '1.jsonl'),
      ],
      ['rllm', 'art', 'trl', 'verl'],
    );
    // The folder as a whole mixes formats, which one run refuses; the episodes' folder alone is rLLM.
    assert.throws(() => discover([dir], 'auto'), /rollout files of different formats/);
    const d = discover([path.join(dir, 'episodes')], 'auto');
    assert.deepEqual([d.files.map((x) => x.format), d.skipped.map((x) => path.basename(x.path))], [['rllm'], ['batch_summary.json']]);
  });
});
