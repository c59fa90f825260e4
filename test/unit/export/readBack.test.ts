// The exported files read back by the trainers' own readers: pyarrow and HF datasets for verl's
// parquet (RLHFDataset, SFTDataset and MultiTurnSFTDataset followed line by line in
// test/fixtures/export/read_back.py: verl itself is not installable here), and HF datasets + TRL's
// is_conversational for the JSONL. Skipped, saying why, without the project venv (.venv/sample-grpo).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportDataset } from '../../../src/core/export/exportDataset';
import type { DatasetExportRequest } from '../../../src/shared/datasetExport';
import { FIXTURES, ROOT } from '../../helpers';
import { exportFixture, sampleId, type ExportFixture } from './exportFixture';

const python = path.join(ROOT, '.venv', 'sample-grpo', 'bin', 'python');
const MODULES = ['pyarrow', 'pandas', 'datasets', 'trl'];
const missing = fs.existsSync(python)
  ? spawnSync(python, ['-c', `import importlib.util as u; print(*[m for m in ${JSON.stringify(MODULES)} if not u.find_spec(m)])`], {
      encoding: 'utf8',
    }).stdout.trim()
  : 'the venv';
const skip = missing ? `no ${missing} in .venv/sample-grpo (node scripts/python-env.mjs makes it)` : false;

type Json = Record<string, unknown>;
let fx: ExportFixture;
let read: Record<string, Json> = {};
const FILES: Array<[string, Pick<DatasetExportRequest, 'kind' | 'format' | 'selection'>]> = [
  ['sft.parquet', { kind: 'sft', format: 'verl-parquet', selection: { outcome: 'right' } }],
  ['rl.parquet', { kind: 'rl-prompts', format: 'verl-parquet', selection: {} }],
  ['sft.jsonl', { kind: 'sft', format: 'jsonl', selection: { outcome: 'right' } }],
  ['dpo.jsonl', { kind: 'dpo', format: 'jsonl', selection: {} }],
  ['rl.jsonl', { kind: 'rl-prompts', format: 'jsonl', selection: { prompts: 'zero-accuracy' } }],
];

before(async () => {
  if (skip) return;
  fx = await exportFixture();
  const files = FILES.map(([name, req]) => exportDataset(fx.store, { run: 'r', ...req, out: path.join(fx.dir, name) }).path);
  const r = spawnSync(python, [path.join(FIXTURES, 'export', 'read_back.py'), ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const byPath = JSON.parse(r.stdout) as Record<string, Json>;
  read = Object.fromEntries(Object.entries(byPath).map(([p, v]) => [path.basename(p), v]));
});
after(() => fx?.store.close());

describe('exported datasets read back by the trainers', { skip }, () => {
  it("verl SFT parquet: pyarrow's schema and rows, and what verl's three datasets read", () => {
    const f = read['sft.parquet']!;
    assert.equal(f['rows'], 4);
    assert.deepEqual(f['schema'], {
      data_source: 'string',
      prompt: 'list<element: struct<role: string, content: string>>',
      ability: 'string',
      reward_model: 'struct<style: string, ground_truth: string>',
      extra_info:
        'struct<index: int64, question: string, answer: string, run: string, split: string, step: int64, group: string, ' +
        'sample_index: int64, sample_id: int64, reward: double, success: bool, labels: list<element: string>>',
      messages: 'list<element: struct<role: string, content: string>>',
    });
    assert.deepEqual((f['pyarrow'] as Json[])[3], {
      data_source: 'spelling',
      prompt: [{ role: 'user', content: 'Spell cat.' }],
      ability: 'unspecified',
      reward_model: { style: 'rule', ground_truth: 'cat' },
      extra_info: {
        index: 3,
        question: 'Spell cat.',
        answer: 'c-a-t',
        run: 'r',
        split: 'train',
        step: 3,
        group: 'e',
        sample_index: 0,
        sample_id: sampleId(fx.store, 'e', 0),
        reward: 1,
        success: true,
        labels: [],
      },
      messages: [
        { role: 'user', content: 'Spell cat.' },
        { role: 'assistant', content: 'c-a-t' },
      ],
    });
    assert.deepEqual(f['rlhf_dataset'], [
      ['rollout-lens/r', 'user', 0, '4'],
      ['rollout-lens/r', 'user', 1, '4'],
      ['rollout-lens/r', 'user', 2, '4'],
      ['spelling', 'user', 3, 'cat'],
    ]);
    assert.deepEqual(f['sft_dataset'], [
      ['What is 2+2?', 'The answer is 4.'],
      ['What is 2+2?', '4'],
      ['What is 2+2?', 'Four: 4'],
      ['Spell cat.', 'c-a-t'],
    ]);
    assert.deepEqual(f['multiturn_roles'], [
      ['user', 'assistant'],
      ['user', 'assistant'],
      ['user', 'assistant'],
      ['user', 'assistant'],
    ]);
  });

  it('verl RL-prompts parquet: one row per prompt, as RLHFDataset reads it', () => {
    const f = read['rl.parquet']!;
    assert.equal(f['rows'], 3);
    assert.deepEqual(f['rlhf_dataset'], [
      ['rollout-lens/r', 'user', 0, '4'],
      ['rollout-lens/r', 'user', 1, '2'],
      ['spelling', 'user', 2, 'cat'],
    ]);
    const extra = (f['pyarrow'] as Array<{ extra_info: Json }>).map((r) => [
      r.extra_info['group'],
      r.extra_info['appearances'],
      r.extra_info['solve_rate'],
    ]);
    assert.deepEqual(extra, [
      ['a', 2, 0.6],
      ['b', 2, 0],
      ['e', 1, 0.5],
    ]);
  });

  it('JSONL loads with HF datasets and TRL sees the conversational SFT, preference and prompt shapes', () => {
    assert.deepEqual(
      ['sft.jsonl', 'dpo.jsonl', 'rl.jsonl'].map((n) => [n, read[n]!['rows'], read[n]!['columns'], read[n]!['conversational']]),
      [
        ['sft.jsonl', 4, ['messages', 'meta'], [true, true, true, true]],
        ['dpo.jsonl', 2, ['prompt', 'chosen', 'rejected', 'meta'], [true, true]],
        ['rl.jsonl', 1, ['prompt', 'ground_truth', 'data_source', 'meta'], [true]],
      ],
    );
    const dpo = read['dpo.jsonl']!['first'] as Json;
    assert.deepEqual(dpo['chosen'], [{ role: 'assistant', content: 'The answer is 4.' }]);
    assert.deepEqual((dpo['meta'] as Json)['labels'], []);
  });
});
