// AReaL rollout/{version}/{task_id}.jsonl dumps, written as WorkflowExecutor._dump_trajectory writes
// them (test/fixtures/areal/make_areal_dump.py; the newer writer's multi-turn `segments`:
// make_areal_multiturn.py): task_id is the group, the version folder the step.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

// What a user points at: the trial's log folder; the rollout files are three levels below it.
const trial = path.join(FIXTURES, 'areal', 'fileroot', 'logs', 'areal', 'gsm8k-grpo', 'trial0');

describe('AReaL dumps', () => {
  it('reads task_id groups from the trial folder, the version folder as the step, eval-rollout as val', async () => {
    const store = Store.open(path.join(tempDir(), 'a.db'));
    const r = await new Ingestor(store, [trial], { run: 'a' }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      ['areal', 5, 17, 3, [], 'id', undefined],
    );
    const id = store.requireRun('a').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 8, 2, 0.375],
        ['train', 2, 7, 2, 0.5714285714285714],
        ['val', 2, 2, 1, 0.5],
      ],
    );
    const rows = [...exportRun(store, id)];
    // Task 2 skipped its empty third sample: the logged sample_idx values stay as they are.
    assert.deepEqual(
      rows.filter((s) => s.group === '2').map((s) => [s.index, s.reward]),
      [
        [0, 1],
        [1, 1],
        [3, 0],
      ],
    );
    const stale = rows.find((s) => s.group === '3')!;
    assert.deepEqual(stale.meta, { seqlen: 11, prompt_len: 7, head_version: 1, tail_version: 2 });
    assert.equal(stale.prompt, '<|im_start|>user\nWhat is 9 + 2?<|im_end|>\n<|im_start|>assistant\n');
    assert.equal(stale.response, 'The answer is 11.<|im_end|>');
    assert.equal(stale.response_ids, undefined);
    // No token ids: the tree is an approximation, and says so.
    assert.equal(groupTree(store, { run: 'a', split: 'train', step: 2, group: '3' }).exact, false);
    const again = await new Ingestor(store, [trial], { run: 'a' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('newer dumps: the segments of a multi-turn sample are its turns, gen trained and context not; the rest stays in meta', async () => {
    const multi = path.join(FIXTURES, 'areal', 'fileroot', 'logs', 'areal', 'tau2-multiturn', 'trial0');
    const store = Store.open(path.join(tempDir(), 'm.db'));
    const r = await new Ingestor(store, [multi], { run: 'm' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['areal', 1, 2, 1, [], 'id']);
    const id = store.requireRun('m').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [['train', 2, 2, 1, 0.5]],
    );
    const [tool, direct] = [...exportRun(store, id)];
    assert.equal(tool!.prompt, '<|im_start|>user\nWhat is 17 * 3? Use the calculator.<|im_end|>\n<|im_start|>assistant\n');
    assert.deepEqual(tool!.turns, [
      { role: 'assistant', content: '<tool_call>calc 17*3</tool_call><|im_end|>', trained: true },
      { role: 'environment', content: '\n<|im_start|>tool\n51<|im_end|>\n<|im_start|>assistant\n', trained: false },
      { role: 'assistant', content: 'The answer is 51.<|im_end|>', trained: true },
    ]);
    assert.equal(
      tool!.response,
      '<tool_call>calc 17*3</tool_call><|im_end|>\n<|im_start|>tool\n51<|im_end|>\n<|im_start|>assistant\nThe answer is 51.<|im_end|>',
    );
    assert.deepEqual(tool!.meta, {
      seqlen: 20,
      prompt_len: 10,
      head_version: 1,
      tail_version: 2,
      version_rle: [
        [1, 2],
        [2, 4],
      ],
      original_reward: 1,
    });
    // One trained run: the writer logs no segments, and the sample has no turns.
    assert.deepEqual([direct!.index, direct!.reward, direct!.turns, direct!.response], [1, 0, undefined, 'The answer is 41.<|im_end|>']);
    store.close();
  });

  it('a malformed segment is an error naming the file and line', async () => {
    const dir = path.join(tempDir(), 'rollout', '2');
    fs.mkdirSync(dir, { recursive: true });
    const src = path.join(FIXTURES, 'areal', 'fileroot', 'logs', 'areal', 'tau2-multiturn', 'trial0', 'rollout', '2', '7.jsonl');
    const [first, second] = fs.readFileSync(src, 'utf8').split('\n');
    const file = path.join(dir, '7.jsonl');
    fs.writeFileSync(file, `${second!}\n${first!.replace('"role": "context"', '"role": "tool"')}\n`);
    const store = Store.open(path.join(tempDir(), 'n.db'));
    const r = await new Ingestor(store, [path.dirname(dir)], { run: 'n' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added], ['areal', 1]);
    assert.deepEqual(r.errors, [{ file, line: 2, message: '"segments"[2].role must be prompt, gen or context, got a string ("tool")' }]);
    store.close();
  });

  it('is detected from its keys, and a bad line is named by file and line', async () => {
    const dir = path.join(tempDir(), 'rollout', '4');
    fs.mkdirSync(dir, { recursive: true });
    const good = fs.readFileSync(path.join(trial, 'rollout', '1', '0.jsonl'), 'utf8').split('\n')[0]!;
    const file = path.join(dir, '7.jsonl');
    fs.writeFileSync(file, `${good}\n${good.replace('"reward": 1.0', '"reward": "high"')}\n`);
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [path.dirname(dir)], { run: 'b' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added], ['areal', 1]);
    assert.deepEqual(r.errors, [{ file, line: 2, message: '"reward" must be a finite number, got a string ("high")' }]);
    assert.deepEqual(
      store.stepStats(store.requireRun('b').id).map((s) => s.step),
      [4],
    );
    store.close();
  });
});
