// rLLM episode logs, written as EpisodeLogger.log_episode writes them (test/fixtures/rllm/make_rllm_episodes.py,
// from the logger's exact field list: rLLM itself cannot be installed here): one episode per file,
// the episode id's task the group, the step folder the split and step.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { WholeFilePass } from '../../../src/core/ingest/formats';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { rllmEpisodes } from '../../../src/core/ingest/rllmFormat';
import { exportRun } from '../../../src/core/store/exporter';
import { FileCursors } from '../../../src/core/store/files';
import { RolloutWriter } from '../../../src/core/store/rolloutWriter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const run = path.join(FIXTURES, 'rllm', 'logs', 'deepcoder', 'run1');
const step1 = path.join(run, 'episodes', 'train_step_1_epoch_0');

describe('rLLM episode logs', () => {
  it('reads one sample per episode file: task id groups, rollout index, step folders, turns of a tool agent', async () => {
    const store = Store.open(path.join(tempDir(), 'r.db'));
    const r = await new Ingestor(store, [run], { run: 'r' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['rllm', 7, 7, 3, [], 'id']);
    // The batch summaries beside the episodes are listed as not read.
    assert.deepEqual(
      r.skipped.map((s) => path.relative(run, s.file)),
      [
        'episodes/train_step_1_epoch_0/batch_summary.json',
        'episodes/train_step_2_epoch_0/batch_summary.json',
        'episodes/val_step_2_epoch_0/batch_summary.json',
      ],
    );
    const id = store.requireRun('r').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 4, 2, 0.5],
        ['train', 2, 2, 1, 0],
        ['val', 2, 1, 1, 1],
      ],
    );
    const rows = [...exportRun(store, id)];
    assert.deepEqual(
      rows.map((s) => [s.split, s.step, s.group, s.index, s.reward, s.correct, s.finish_reason]),
      [
        ['train', 1, 't-add', 0, 1, true, 'env_done'],
        ['train', 1, 't-add', 1, 0, false, 'env_done'],
        ['train', 1, 't-mul', 0, 1, true, 'env_done'],
        ['train', 1, 't-mul', 1, 0, false, 'env_done'],
        ['train', 2, 't-sub', 0, 0, false, 'env_done'],
        ['train', 2, 't-sub', 1, 0, false, 'max_turns_exceeded'],
        ['val', 2, 't-add', 0, 1, true, 'env_done'],
      ],
    );
    const agent = rows.find((s) => s.group === 't-mul' && s.index === 0)!;
    assert.equal(agent.prompt, 'system: You can call python.\n\nuser: What is 6 * 7? Use python.');
    assert.deepEqual(agent.turns, [
      { role: 'assistant', content: '[tool_call python({"code": "print(6*7)"})]', trained: true },
      { role: 'tool', content: '42', trained: false },
      { role: 'assistant', content: 'It is 42.', trained: true },
    ]);
    assert.deepEqual([agent.ground_truth, agent.data_source], ['42', 'math']);
    const single = rows.find((s) => s.group === 't-add' && s.index === 1)!;
    assert.deepEqual([single.prompt, single.response, single.turns], ['user: What is 2 + 3?', 'The answer is \\boxed{6}.', undefined]);
    assert.deepEqual(single.meta, {
      episode_id: 't-add:1',
      epoch: 0,
      metrics: { solver_acc: 0 },
      trajectories: [{ name: 'solver', reward: 0, num_steps: 1 }],
    });
    const again = await new Ingestor(store, [run], { run: 'r' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('an episode without trajectories is one error naming the file; the others are stored', async () => {
    const dir = path.join(tempDir(), 'episodes', 'train_step_3_epoch_1');
    fs.mkdirSync(dir, { recursive: true });
    const good = path.join(dir, 'episode_hashc1910da2_idt-add_0.json');
    fs.copyFileSync(path.join(step1, 'episode_hashc1910da2_idt-add_0.json'), good);
    const bad = path.join(dir, 'episode_hashc1910da2_idt-add_1.json');
    const o = JSON.parse(fs.readFileSync(path.join(step1, 'episode_hashc1910da2_idt-add_1.json'), 'utf8')) as Record<string, unknown>;
    delete o['trajectories'];
    fs.writeFileSync(bad, JSON.stringify(o, null, 2));
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [path.dirname(dir)], { run: 'b' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added], ['rllm', 1]);
    assert.deepEqual(r.errors, [
      { file: bad, line: null, message: 'no "trajectories" list (got nothing (the key is missing)): not an rLLM episode' },
    ]);
    assert.deepEqual(
      store.stepStats(store.requireRun('b').id).map((s) => [s.split, s.step, s.samples]),
      [['train', 3, 1]],
    );
    store.close();
  });

  it('following a run: a new episode file and a half-written one that completes later are each stored once', async () => {
    const dir = path.join(tempDir(), 'episodes', 'train_step_1_epoch_0');
    fs.mkdirSync(dir, { recursive: true });
    const store = Store.open(path.join(tempDir(), 'c.db'));
    const runId = store.ensureRun('c', null);
    const ctx = {
      store,
      cursors: new FileCursors(store.db),
      writer: new RolloutWriter(store.db, runId),
      runId,
      batchRows: 4000,
      breathe: () => Promise.resolve(),
    };
    const pass = async (name: string, settling: boolean): Promise<[number, number, string[]]> => {
      const file = path.join(dir, name);
      const p: WholeFilePass = { ctx, file, settling, notes: { rewardNames: new Set() }, ahead: undefined };
      const c = await rllmEpisodes.pass(p);
      return [c.added, c.duplicate, c.errors.map((e) => e.message)];
    };
    const a = 'episode_hash4750396e_idt-mul_0.json';
    const b = 'episode_hash4750396e_idt-mul_1.json';
    fs.copyFileSync(path.join(step1, a), path.join(dir, a));
    assert.deepEqual(await pass(a, true), [1, 0, []]);
    assert.deepEqual(await pass(a, true), [0, 0, []]);
    // The second episode is caught half written: it waits, and is stored once complete.
    const full = fs.readFileSync(path.join(step1, b), 'utf8');
    fs.writeFileSync(path.join(dir, b), full.slice(0, 700));
    assert.deepEqual(await pass(b, true), [0, 0, []]);
    assert.deepEqual(await pass(b, true), [0, 0, []]);
    fs.writeFileSync(path.join(dir, b), full);
    assert.deepEqual(await pass(b, true), [1, 0, []]);
    assert.deepEqual(await pass(b, false), [0, 0, []]);
    assert.deepEqual(await pass(a, false), [0, 0, []]);
    assert.deepEqual(store.db.prepare('SELECT idx, reward FROM samples ORDER BY idx').raw().all(), [
      [0, 1],
      [1, 0],
    ]);
    // Still cut off when the follow stops: the last read says so and stores nothing.
    const c = 'episode_hashc1910da2_idt-add_0.json';
    fs.writeFileSync(path.join(dir, c), fs.readFileSync(path.join(step1, c), 'utf8').slice(0, 300));
    const [added, , errors] = await pass(c, false);
    assert.equal(added, 0);
    assert.match(errors[0]!, /^malformed JSON: .*; an episode file is read when it is complete JSON$/);
    store.close();
  });
});
