// NeMo-RL train_data_step{N}.jsonl / val_data_step{N}.jsonl, written as Logger.log_batched_dict_as_jsonl
// writes them (test/fixtures/nemo-rl/make_nemo_rl_dump.py): batch-of-1 slices, groups contiguous.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { decodeFloat32 } from '../../../src/core/store/blobs';
import { exportRun } from '../../../src/core/store/exporter';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const logs = path.join(FIXTURES, 'nemo-rl', 'logs', 'exp_001');
const round = (xs: readonly number[]): number[] => xs.map((x) => Math.round(x * 1e4) / 1e4);

interface Row {
  content: string[][];
  input_lengths: number[];
  token_ids: number[][];
  token_loss_mask: number[][];
  generation_logprobs: number[][];
  prev_logprobs: number[][];
}
const line = (file: string, i: number): Row => JSON.parse(fs.readFileSync(path.join(logs, file), 'utf8').split('\n')[i]!) as Row;

describe('NeMo-RL dumps', () => {
  it('unwraps batch-of-1 rows, splits prompt and response at the loss mask, and groups contiguous prompts', async () => {
    const store = Store.open(path.join(tempDir(), 'n.db'));
    const r = await new Ingestor(store, [path.join(FIXTURES, 'nemo-rl')], { run: 'n' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['nemo-rl', 3, 28, 3, [], 'contiguous']);
    // Step 2 drew prompt 3 twice in a row: by contiguity alone that is one block of 8.
    assert.deepEqual(r.warnings, [
      'step 2 (train): groups inferred by contiguous differ in size (1 group of 4, 1 of 8 samples); a group may be split, or two merged',
    ]);
    const id = store.requireRun('n').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 12, 3, 0.5],
        ['train', 2, 12, 2, 0.5],
        ['val', 2, 4, 2, 0.75],
      ],
    );
    const rows = [...exportRun(store, id)];
    const s0 = rows[0]!;
    const raw = line('train_data_step1.jsonl', 0);
    assert.equal(s0.prompt, raw.content[0]![0]);
    assert.equal(s0.response, 'The answer is 5 . <|im_end|> ');
    // input_lengths 15, 9 prompt tokens: the response is tokens 9..14, padding dropped.
    assert.deepEqual(s0.response_ids, raw.token_ids[0]!.slice(9, 15));
    assert.deepEqual(round(s0.logprobs!), raw.generation_logprobs[0]!.slice(9, 15));
    const blobs = store.db.prepare('SELECT train_logprobs, token_advantages FROM samples ORDER BY id LIMIT 1').raw().get() as [
      Uint8Array,
      Uint8Array,
    ];
    assert.deepEqual(round(decodeFloat32(blobs[0])!), raw.prev_logprobs[0]!.slice(9, 15));
    assert.equal(decodeFloat32(blobs[1])!.length, 6);
    assert.deepEqual(
      rows.slice(0, 4).map((s) => [s.index, s.reward, Math.round(s.advantage! * 1e4) / 1e4]),
      [
        [0, 1, 0.6667],
        [1, 0, -2],
        [2, 1, 0.6667],
        [3, 1, 0.6667],
      ],
    );
    // The two-turn rollout: the tool reply between the assistant turns is not trained and has no
    // sampler logprob.
    const two = rows.find((s) => s.turns !== undefined)!;
    assert.deepEqual(
      two.turns!.map((t) => [t.role, t.trained]),
      [
        ['assistant', true],
        ['environment', false],
        ['assistant', true],
      ],
    );
    assert.equal(two.logprobs!.filter((x) => x === null || Number.isNaN(x)).length, 4);
    // Validation rows hold {role, content} messages and no tokens.
    const val = rows.filter((s) => s.split === 'val');
    assert.deepEqual(
      val.map((s) => [s.index, s.reward, s.response_ids]),
      [
        [0, 1, undefined],
        [1, 0, undefined],
        [0, 1, undefined],
        [1, 1, undefined],
      ],
    );
    const again = await new Ingestor(store, [path.join(FIXTURES, 'nemo-rl')], { run: 'n' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.warnings], [0, undefined]); // nothing new read, nothing to warn about
    store.close();
  });

  it('with num_generations_per_prompt given, blocks are fixed: the repeated prompt is two groups of 4', async () => {
    const store = Store.open(path.join(tempDir(), 'g.db'));
    const r = await new Ingestor(store, [path.join(logs, 'train_data_step2.jsonl')], { run: 'g', groupSize: 4 }).ingestOnce();
    assert.deepEqual([r.samples_added, r.grouping, r.warnings], [12, 'contiguous', undefined]);
    const stats = store.stepStats(store.requireRun('g').id);
    assert.deepEqual(
      stats.map((s) => [s.step, s.groups]),
      [[2, 3]],
    );
    store.close();
  });

  it('a file read in two passes (caught while being written) keeps its blocks: the block state rides with the cursor', async () => {
    const dir = tempDir();
    const lines = fs.readFileSync(path.join(logs, 'train_data_step1.jsonl'), 'utf8').split('\n');
    const file = path.join(dir, 'train_data_step1.jsonl');
    fs.writeFileSync(file, lines.slice(0, 6).join('\n') + '\n');
    const store = Store.open(path.join(tempDir(), 'p.db'));
    const first = await new Ingestor(store, [file], { run: 'p' }).ingestOnce();
    fs.appendFileSync(file, lines.slice(6).join('\n'));
    const second = await new Ingestor(store, [file], { run: 'p' }).ingestOnce();
    assert.deepEqual([first.samples_added, second.samples_added], [6, 6]);
    const rows = [...exportRun(store, store.requireRun('p').id)];
    assert.deepEqual([...new Set(rows.map((s) => s.group.slice(0, 2)))], ['b0', 'b1', 'b2']);
    assert.deepEqual(
      rows.map((s) => s.index),
      [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3],
    );
    store.close();
  });

  it('the prefix tree of a group is exact, from the logged token ids', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    await new Ingestor(store, [path.join(logs, 'train_data_step1.jsonl')], { run: 't' }).ingestOnce();
    const group = [...exportRun(store, store.requireRun('t').id)][0]!.group;
    const tree = groupTree(store, { run: 't', split: 'train', step: 1, group });
    assert.equal(tree.exact, true);
    // "The answer is" shared, then "5 . <|im_end|>" (samples 0, 2, 3) and "6 . <|im_end|>" (1).
    assert.deepEqual(
      tree.nodes.map((n) => [n.parent, n.depth, n.tokens, n.count, n.samples]),
      [
        [null, 0, 0, 4, [0, 1, 2, 3]],
        [0, 0, 3, 4, [0, 1, 2, 3]],
        [1, 3, 3, 3, [0, 2, 3]],
        [1, 3, 3, 1, [1]],
      ],
    );
    store.close();
  });

  it('a malformed row and a short token array are named by file and line; the rest is kept', async () => {
    const dir = tempDir();
    const lines = fs.readFileSync(path.join(logs, 'train_data_step1.jsonl'), 'utf8').trimEnd().split('\n');
    const short = JSON.parse(lines[1]!) as Row & Record<string, unknown>;
    short.generation_logprobs = [short.generation_logprobs[0]!.slice(0, 10)];
    const file = path.join(dir, 'train_data_step1.jsonl');
    fs.writeFileSync(
      file,
      [lines[0], JSON.stringify(short), '{"content": [["x"]], "rewards": [NaN], "idx": 2}', lines[3]].join('\n') + '\n',
    );
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [file], { run: 'b' }).ingestOnce();
    assert.equal(r.samples_added, 2);
    assert.deepEqual(
      r.errors.map((e) => [e.file, e.line, e.message]),
      [
        [file, 2, '"generation_logprobs" has 10 entries but input_lengths says 15 tokens'],
        [file, 3, 'malformed JSON: contains a bare NaN or Infinity (Python json.dumps with allow_nan); such values are not allowed'],
      ],
    );
    store.close();
  });
});
