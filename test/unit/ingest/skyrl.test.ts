// SkyRL eval dumps (dumped_evals/global_step_{N}_evals/{data_source}.jsonl), read as validation
// samples. The fixture is written by test/fixtures/skyrl/make_skyrl_evals.py, which follows
// dump_per_dataset_eval_results (SkyRL itself cannot be installed here: it needs Ray and vLLM).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { detectJsonl } from '../../../src/core/ingest/sources';
import { skyrlEvalStep } from '../../../src/core/ingest/skyrlFormat';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const exportPath = path.join(FIXTURES, 'skyrl', 'export');
const step0 = path.join(exportPath, 'dumped_evals', 'global_step_0_evals');

describe('SkyRL eval dumps', () => {
  it('reads each data source file of a step folder as val samples, grouped by prompt text', async () => {
    const store = Store.open(path.join(tempDir(), 'k.db'));
    const r = await new Ingestor(store, [exportPath], { run: 'k' }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      ['skyrl-eval', 4, 12, 2, [], 'prompt-text', undefined],
    );
    assert.deepEqual(
      r.skipped.map((s) => [path.relative(exportPath, s.file), s.reason]),
      [
        [
          'dumped_evals/global_step_0_evals/aggregated_results.jsonl',
          "SkyRL's aggregated eval metrics; the per-dataset files beside it hold the samples",
        ],
        [
          'dumped_evals/global_step_5_evals/aggregated_results.jsonl',
          "SkyRL's aggregated eval metrics; the per-dataset files beside it hold the samples",
        ],
      ],
    );
    const id = store.requireRun('k').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['val', 0, 6, 3, 0.5],
        ['val', 5, 6, 3, 0.8333333333333334],
      ],
    );
    const rows = [...exportRun(store, id)];
    const cut = rows.find((s) => s.step === 0 && s.finish_reason === 'length')!;
    assert.deepEqual(
      [cut.index, cut.reward, cut.response, cut.ground_truth, cut.data_source, cut.meta],
      [
        1,
        0,
        '4 times 3 is',
        '12',
        'openai/gsm8k',
        {
          env_class: 'gsm8k',
          env_extras: {
            data_source: 'openai/gsm8k',
            reward_spec: { method: 'rule', ground_truth: '12' },
            extra_info: { split: 'test', index: 1 },
          },
        },
      ],
    );
    assert.equal(cut.prompt, '<|im_start|>user\nWhat is 4 times 3?<|im_end|>\n<|im_start|>assistant\n');
    // Per-token rewards are summed, as SkyRL's eval metrics sum them.
    assert.deepEqual(
      rows.filter((s) => s.step === 5 && s.data_source === 'math').map((s) => [s.index, s.reward]),
      [
        [0, 1],
        [1, 1],
      ],
    );
    const again = await new Ingestor(store, [exportPath], { run: 'k' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('takes the step from the folder: global_step_{N}_evals, or eval_only (no training) as 0', () => {
    assert.deepEqual(
      ['/x/dumped_evals/global_step_12_evals/math.jsonl', '/x/dumped_evals/eval_only/math.jsonl', '/x/math.jsonl'].map(skyrlEvalStep),
      [12, 0, undefined],
    );
  });

  it('is told apart from verl rows on the first line', () => {
    const verlRow = path.join(tempDir(), '1.jsonl');
    fs.writeFileSync(verlRow, JSON.stringify({ input: 'q', output: 'a', score: 1, input_prompt: 'q' }) + '\n');
    assert.deepEqual([detectJsonl(path.join(step0, 'math.jsonl')), detectJsonl(verlRow)], ['skyrl-eval', 'verl']);
  });

  it('names a bad line by file and line, keeps the rest, and refuses a file outside a step folder', async () => {
    const dir = path.join(tempDir(), 'dumped_evals', 'global_step_3_evals');
    fs.mkdirSync(dir, { recursive: true });
    const good = fs.readFileSync(path.join(step0, 'math.jsonl'), 'utf8').split('\n')[0]!;
    const file = path.join(dir, 'math.jsonl');
    fs.writeFileSync(file, `${good}\n${good.replace('"score": 1.0', '"score": "high"')}\n`);
    const loose = path.join(tempDir(), 'math.jsonl');
    fs.writeFileSync(loose, `${good}\n`);
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [dir, loose], { run: 'b' }).ingestOnce();
    assert.equal(r.samples_added, 1);
    assert.deepEqual(r.errors, [
      { file, line: 2, message: '"score" must be a finite number or a list of them, got a string ("high")' },
      { file: loose, line: 1, message: 'not in a SkyRL eval folder: expected dumped_evals/global_step_{N}_evals/' },
    ]);
    store.close();
  });
});
