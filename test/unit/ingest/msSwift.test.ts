// ms-swift GRPO completions.jsonl, one logging step per line as a column dict. The fixture is written
// by test/fixtures/ms-swift/make_ms_swift_completions.py, which follows JsonlWriter._append and
// GRPOTrainer.log's column order (ms-swift itself cannot be installed here: it imports torch).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { detectJsonl } from '../../../src/core/ingest/sources';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const output = path.join(FIXTURES, 'ms-swift', 'output');
const fixture = path.join(output, 'completions.jsonl');
const lines = fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean);

describe('ms-swift GRPO completions.jsonl', () => {
  it('reads each line as a step, groups as blocks of one prompt, the reward as the sum of the reward columns', async () => {
    const store = Store.open(path.join(tempDir(), 's.db'));
    const r = await new Ingestor(store, [output], { run: 's' }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      ['ms-swift', 1, 16, 2, [], 'contiguous', undefined],
    );
    const id = store.requireRun('s').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 2, 8, 2, 1.25],
        ['train', 4, 8, 2, 1.75],
      ],
    );
    const rows = [...exportRun(store, id)];
    const second = rows[1]!;
    assert.deepEqual(
      [second.step, second.index, second.reward, second.components, second.advantage, second.ground_truth, second.meta],
      [2, 1, 1, { accuracy: 0, format: 1 }, -0.5, '5', { entropy: 0.75 }],
    );
    assert.equal(second.prompt, '<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n');
    assert.equal(second.response, '<answer>6</answer>');
    assert.deepEqual(
      rows.filter((s) => s.step === 2).map((s) => [s.group.slice(0, 2), s.index]),
      [
        ['b0', 0],
        ['b0', 1],
        ['b0', 2],
        ['b0', 3],
        ['b1', 0],
        ['b1', 1],
        ['b1', 2],
        ['b1', 3],
      ],
    );
    const again = await new Ingestor(store, [output], { run: 's' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('is told apart on the first line from row-per-sample files', () => {
    const dir = tempDir();
    const row = path.join(dir, 'rows.jsonl');
    // One sample per line with ms-swift's key names: scalars, not lists, so not this format.
    fs.writeFileSync(row, JSON.stringify({ step: '2', prompt: 'p', completion: 'c', advantages: 0.5 }) + '\n');
    assert.equal(detectJsonl(fixture), 'ms-swift');
    assert.deepEqual(detectJsonl(row), {
      unknown:
        'records with keys {step, prompt, completion, advantages} match no known format (native, verl, prime-rl, nemo-rl, areal, converted slime, ms-swift, roll, skyrl-eval, metrics logs)',
    });
  });

  it('follows appends: a half-written step line waits, and each line is read once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'completions.jsonl');
    const half = Math.floor(lines[1]!.length / 2);
    fs.writeFileSync(file, `${lines[0]}\n${lines[1]!.slice(0, half)}`);
    const store = Store.open(path.join(tempDir(), 'f.db'));
    const first = await new Ingestor(store, [file], { run: 'f' }).ingestOnce();
    fs.appendFileSync(file, `${lines[1]!.slice(half)}\n`);
    const second = await new Ingestor(store, [file], { run: 'f' }).ingestOnce();
    const third = await new Ingestor(store, [file], { run: 'f' }).ingestOnce();
    assert.deepEqual([first.samples_added, second.samples_added, third.samples_added, first.errors, second.errors], [8, 8, 0, [], []]);
    assert.deepEqual(
      store.stepStats(store.requireRun('f').id).map((s) => [s.step, s.samples]),
      [
        [2, 8],
        [4, 8],
      ],
    );
    store.close();
  });

  it('a line whose columns differ in length is one error naming them; the other steps are kept', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'completions.jsonl');
    const bad = JSON.parse(lines[1]!) as Record<string, unknown[]>;
    bad['completion'] = bad['completion']!.slice(0, 7);
    fs.writeFileSync(file, `${lines[0]}\n${JSON.stringify(bad)}\n`);
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [file], { run: 'b' }).ingestOnce();
    assert.equal(r.samples_added, 8);
    assert.deepEqual(r.errors, [
      {
        file,
        line: 2,
        message:
          'columns differ in length (step 8, prompt 8, completion 7, accuracy 8, format 8, advantages 8, solution 8, entropy 8); the step is skipped',
      },
    ]);
    store.close();
  });

  it("reads a reward function's None (a bare NaN in the line) as missing, as the trainer's nansum does", async () => {
    const file = path.join(tempDir(), 'completions.jsonl');
    // What json.dumps writes for float('nan'); "NaN" inside a completion stays text.
    const line =
      '{"step": ["7", "7", "7"], "prompt": ["p", "p", "p"], "completion": ["NaN", "b", "c"], ' +
      '"accuracy": [1.0, NaN, NaN], "format": [0.5, 1.0, NaN], "advantages": [0.5, 0.0, -Infinity]}\n';
    fs.writeFileSync(file, line);
    const store = Store.open(path.join(tempDir(), 'n.db'));
    const r = await new Ingestor(store, [file], { run: 'n' }).ingestOnce();
    assert.deepEqual(r.errors, [{ file, line: 1, message: 'row 2: no reward column (accuracy, format) holds a number; row skipped' }]);
    const rows = [...exportRun(store, store.requireRun('n').id)];
    assert.deepEqual(
      rows.map((s) => [s.response, s.reward, s.components, s.advantage]),
      [
        ['NaN', 1.5, { accuracy: 1, format: 0.5 }, 0.5],
        ['b', 1, { format: 1 }, 0],
      ],
    );
    store.close();
  });

  it('reads the Megatron trainer lines (gen_step), and warns when a step has blocks of uneven size', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'completions.jsonl');
    const p = (q: string): string => `<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n`;
    // MegatronGRPOTrainer._build_log_table: gen_step, prompt, completion, rewards, advantages.
    const line = {
      gen_step: [3, 3, 3, 3, 3],
      prompt: [p('a'), p('a'), p('a'), p('b'), p('b')],
      completion: ['x', 'y', 'z', 'u', 'v'],
      accuracy: [1, 0, 0, 1, 1],
      advantages: [0.67, -0.33, -0.33, 0, 0],
    };
    fs.writeFileSync(file, JSON.stringify(line) + '\n');
    const store = Store.open(path.join(tempDir(), 'm.db'));
    const r = await new Ingestor(store, [file], { run: 'm' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.grouping], ['ms-swift', 5, 'contiguous']);
    assert.deepEqual(r.warnings, [
      'step 3 (train): groups inferred by contiguous differ in size (1 group of 2, 1 of 3 samples); a group may be split, or two merged',
    ]);
    assert.deepEqual(
      store.stepStats(store.requireRun('m').id).map((s) => [s.step, s.groups, s.reward_mean]),
      [[3, 2, 0.6]],
    );
    store.close();
  });
});
