// oat's eval_results/{step}[_{benchmark}].json (test/fixtures/oat/make_eval_results.py writes them
// with pandas, as oat's evaluate() does), detected by folder, name and first record and ingested as
// validation samples, one group per record.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { isOatEvalFile, readOatEval } from '../../../src/core/ingest/oatEvalFormat';
import { discover } from '../../../src/core/ingest/sources';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'oat', 'eval_results');
const aime = path.join(dir, '8_aime24.json');
const TEMPLATE = (q: string): string =>
  `<|im_start|>user\n${q}\nPlease reason step by step, and put your final answer within <answer> \\boxed{} </answer>.<|im_end|>\n<|im_start|>assistant\n`;

describe('oat eval_results', () => {
  it('is known by its folder, its name and its first record', () => {
    const d = discover([path.join(FIXTURES, 'oat')], 'auto');
    assert.deepEqual(
      d.files.map((f) => [path.basename(f.path), f.format, f.split]),
      [
        ['0.json', 'oat-eval', 'val'],
        ['8_aime24.json', 'oat-eval', 'val'],
      ],
    );
    const head = fs.readFileSync(aime, 'utf8');
    assert.equal(isOatEvalFile(head, aime), true);
    assert.equal(isOatEvalFile(head, path.join('/runs/x/results', '8_aime24.json')), false);
    assert.equal(isOatEvalFile(head, path.join('/runs/eval_results', 'summary.json')), false);
    assert.equal(isOatEvalFile('[{"step": 1, "output": 2}]', path.join('/runs/eval_results', '1.json')), false);
    assert.equal(isOatEvalFile('{"problem": "q", "output": "a"}', path.join('/runs/eval_results', '1.json')), false);
  });

  it('stores each response as a validation sample: a record is a group, the score its reward', async () => {
    const tmp = tempDir();
    const store = Store.open(path.join(tmp, 'o.db'));
    const r = await new Ingestor(store, [dir], { run: 'o' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['oat-eval', 2, 5, 2, [], 'id']);
    const rows = [...exportRun(store, store.requireRun('o').id)].map((s) => ({ ...s }) as Record<string, unknown>);
    assert.deepEqual(
      rows.map((s) => [
        s['split'],
        s['step'],
        s['group'],
        s['index'],
        s['response'],
        s['reward'],
        s['correct'],
        s['ground_truth'],
        s['data_source'],
      ]),
      [
        ['val', 0, '0', 0, '4 <answer> \\boxed{4} </answer>', 1, true, '4', undefined],
        ['val', 8, 'aime24:0', 0, 'x = 3 <answer> \\boxed{3} </answer>', 1, true, '3', 'aime24'],
        ['val', 8, 'aime24:0', 1, 'x is 2 <answer> \\boxed{2} </answer>', 0, false, '3', 'aime24'],
        ['val', 8, 'aime24:1', 0, '0,5 <answer> \\boxed{0.5} </answer>', 1, true, '0.5', 'aime24'],
        ['val', 8, 'aime24:1', 1, 'no idea', 0, false, '0.5', 'aime24'],
      ],
    );
    assert.equal(rows[3]!['prompt'], TEMPLATE('Écris 1/2 en décimal.'));
    assert.deepEqual(rows[3]!['meta'], { oat_eval: { input_key: 'problem', generator: 'verifree-qwen3-8b', row: 1 } });
    // Unchanged files are not read again.
    const again = await new Ingestor(store, [dir], { run: 'o' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('reports a bad record by its position and stores the others', async () => {
    const tmp = tempDir();
    const folder = path.join(tmp, 'eval_results');
    fs.mkdirSync(folder);
    const file = path.join(folder, '5_math.json');
    const records = [
      { problem: 'a', output: ['x'], scores: [0.5], format_problem: 'A', reference: 'r', generator: 'g' },
      { problem: 'b', output: ['y', 'z'], scores: [1], format_problem: 'B', reference: 'r', generator: 'g' },
      { problem: 'c', output: ['w'], format_problem: 'C', reference: 'r', generator: 'g' },
      { problem: 'd', output: ['v'], scores: [null], format_problem: 'D', reference: 'r', generator: 'g' },
    ];
    fs.writeFileSync(file, JSON.stringify(records, null, 4));
    const read = readOatEval(fs.readFileSync(file, 'utf8'), file);
    assert.deepEqual(
      read.samples.map((s) => [s.group, s.index, s.prompt, s.reward, s.correct]),
      [['math:0', 0, 'A', 0.5, false]],
    );
    assert.deepEqual(read.errors, [
      { line: null, message: 'record 1: 2 outputs but 1 scores; not stored' },
      { line: null, message: 'record 2 has no "scores"; not stored' },
      { line: null, message: 'record 3: scores[0] must be a number, got null; not stored' },
    ]);
    const store = Store.open(path.join(tmp, 'o.db'));
    const r = await new Ingestor(store, [folder], { run: 'o' }).ingestOnce();
    assert.deepEqual(
      [r.samples_added, r.errors.map((e) => [path.basename(e.file ?? ''), e.message])[0]],
      [1, ['5_math.json', 'record 1: 2 outputs but 1 scores; not stored']],
    );
    store.close();
  });

  it('a cut-off file is reported when not following a run', async () => {
    const tmp = tempDir();
    const folder = path.join(tmp, 'eval_results');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, '2.json'), '[\n    {\n        "prompt":"q",\n        "output":[\n            "a"');
    const store = Store.open(path.join(tmp, 'o.db'));
    const r = await new Ingestor(store, [path.join(folder, '2.json')], { run: 'o' }).ingestOnce();
    assert.equal(r.samples_added, 0);
    assert.match(r.errors[0]!.message, /^cannot be read as oat eval results: /);
    store.close();
  });
});
