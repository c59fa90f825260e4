// ROLL rollout_dump_dir dumps: one line per step file, a dict of lists. The fixtures are written by
// test/fixtures/roll/make_roll_dumps.py, which follows write_to_json_process and the columns of the
// RLVR and agentic dumps (ROLL itself cannot be installed here: it needs Ray and torch).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { detectJsonl } from '../../../src/core/ingest/sources';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const rlvr = path.join(FIXTURES, 'roll', 'rlvr');
const agentic = path.join(FIXTURES, 'roll', 'agentic');
const step1 = path.join(rlvr, 'rollout_dump_data.step_1.jsonl');

describe('ROLL rollout dumps', () => {
  it('RLVR: a step per file, the dataset id as the group, the scores as rewards', async () => {
    const store = Store.open(path.join(tempDir(), 'r.db'));
    const r = await new Ingestor(store, [rlvr], { run: 'r' }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      ['roll', 2, 16, 2, [], 'id', undefined],
    );
    const id = store.requireRun('r').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 8, 2, 0.5],
        ['train', 2, 8, 2, 0.75],
      ],
    );
    const rows = [...exportRun(store, id)];
    const s = rows.find((x) => x.group === 'gsm-2' && x.index === 2)!;
    assert.deepEqual(
      [s.step, s.reward, s.ground_truth, s.data_source, s.meta],
      [1, 1, '12', 'gsm8k', { difficulty: 'easy', tag: 'math_rule', domain: 'math_rule' }],
    );
    assert.equal(s.prompt, 'system: Reason step by step.\n\nuser: A box holds 4 rows of 3 eggs. How many eggs?');
    assert.equal(s.response, '4 × 3 = 12. \\boxed{12}');
    const again = await new Ingestor(store, [rlvr], { run: 'r' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('RLVR without an id column: groups are the rows of one prompt text', async () => {
    const o = JSON.parse(fs.readFileSync(step1, 'utf8')) as Record<string, unknown>;
    delete o['id'];
    const file = path.join(tempDir(), 'rollout_dump_data.step_1.jsonl');
    fs.writeFileSync(file, JSON.stringify(o) + '\n');
    const store = Store.open(path.join(tempDir(), 'p.db'));
    const r = await new Ingestor(store, [file], { run: 'p' }).ingestOnce();
    assert.deepEqual([r.samples_added, r.grouping], [8, 'prompt-text']);
    assert.deepEqual(
      store.stepStats(store.requireRun('p').id).map((x) => [x.step, x.groups, x.reward_mean]),
      [[1, 2, 0.5]],
    );
    store.close();
  });

  it('RLVR: one id over two prompts in a step (two sources numbering alike) is split by prompt', async () => {
    const o = JSON.parse(fs.readFileSync(step1, 'utf8')) as Record<string, unknown[]>;
    o['id'] = o['id']!.map(() => '0');
    const file = path.join(tempDir(), 'rollout_dump_data.step_1.jsonl');
    fs.writeFileSync(file, JSON.stringify(o) + '\n');
    const store = Store.open(path.join(tempDir(), 'i.db'));
    const r = await new Ingestor(store, [file], { run: 'i' }).ingestOnce();
    assert.deepEqual([r.samples_added, r.grouping, r.warnings], [8, 'id', undefined]);
    const rows = [...exportRun(store, store.requireRun('i').id)];
    assert.deepEqual(
      [...new Set(rows.map((s) => s.group))].map((g) => /^0-[0-9a-f]{8}$/.test(g)),
      [true, true],
    );
    assert.deepEqual(
      rows.map((s) => s.index),
      [0, 1, 2, 3, 0, 1, 2, 3],
    );
    store.close();
  });

  it('agentic: trajectories as multi-turn samples, grouped by their env group', async () => {
    const store = Store.open(path.join(tempDir(), 'a.db'));
    const r = await new Ingestor(store, [agentic], { run: 'a' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.errors, r.grouping], ['roll', 4, 1, [], 'id']);
    const id = store.requireRun('a').id;
    assert.deepEqual(
      store.stepStats(id).map((x) => [x.split, x.step, x.samples, x.groups, x.reward_mean]),
      [['train', 0, 4, 2, 0.75]],
    );
    const rows = [...exportRun(store, id)];
    assert.deepEqual(
      rows.map((x) => [x.group, x.index, x.reward]),
      [
        ['FrozenLake_0_3_42', 0, 1],
        ['FrozenLake_0_3_42', 1, 0],
        ['FrozenLake_1_3_43', 0, 1],
        ['FrozenLake_1_3_43', 1, 1],
      ],
    );
    const first = rows[0]!;
    assert.equal(first.prompt, 'system: You are walking on a frozen lake.\n\nuser: You are at S. Goal G is right.');
    assert.deepEqual(first.turns, [
      { role: 'assistant', content: '<answer>Right</answer>', trained: true },
      { role: 'user', content: 'You are next to G.', trained: false },
      { role: 'assistant', content: '<answer>Right</answer>', trained: true },
    ]);
    assert.deepEqual(
      [first.finish_reason, first.data_source, first.meta],
      [
        'FINISH',
        'FrozenLake',
        {
          trajectory_id: 'FrozenLake_0_1_0_0_3_42_20260101_000000_000000',
          env_id: 0,
          step_rewards: [0, 1],
          exp_name: 'frozen_lake_grpo',
        },
      ],
    );
    store.close();
  });

  it('agentic from the proxy env manager (no env_info): groups by prompt text', async () => {
    // proxy_env_manager.py: trajectory_data_dict without env_info, messages as one message list.
    const traj = (reward: number, answer: string): [string, string] => {
      const messages = [
        { role: 'user', content: 'Fix the failing test.' },
        { role: 'assistant', content: answer },
      ];
      const td = {
        trajectory_id: `proxy_0_3_42_${reward}`,
        num_actions: 1,
        reward_info: { episode_reward: reward, step_reward: reward },
        messages,
        finish_reason: 'stop',
      };
      return [JSON.stringify(td), JSON.stringify(messages)];
    };
    const rows = [traj(1, 'patched'), traj(0, 'gave up')];
    const line = {
      trajectory_data: rows.map((r) => r[0]),
      messages: rows.map((r) => r[1]),
      tools: ['null', 'null'],
      exp_name: ['swe', 'swe'],
      global_step: [5, 5],
    };
    const file = path.join(tempDir(), 'rollout_dump_data.step_5.jsonl');
    fs.writeFileSync(file, JSON.stringify(line) + '\n');
    const store = Store.open(path.join(tempDir(), 'x.db'));
    const r = await new Ingestor(store, [file], { run: 'x' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.grouping, r.errors], ['roll', 2, 'prompt-text', []]);
    const out = [...exportRun(store, store.requireRun('x').id)];
    assert.deepEqual(
      out.map((s) => [s.step, s.index, s.prompt, s.response, s.reward, s.finish_reason]),
      [
        [5, 0, 'user: Fix the failing test.', 'patched', 1, 'stop'],
        [5, 1, 'user: Fix the failing test.', 'gave up', 0, 'stop'],
      ],
    );
    store.close();
  });

  it('is told apart from ms-swift, verl and each other on the first line', () => {
    const dir = tempDir();
    const verlRow = path.join(dir, '1.jsonl');
    fs.writeFileSync(verlRow, JSON.stringify({ input: 'q', output: 'a', score: 1, step: 1, responses: 'x', scores: 1 }) + '\n');
    assert.deepEqual(
      [step1, path.join(agentic, 'rollout_dump_data.step_0.jsonl'), verlRow].map((f) => detectJsonl(f)),
      ['roll', 'roll', 'verl'],
    );
  });

  it('a step line too long to detect from (over 16 MiB) is known by its file name', async () => {
    const o = JSON.parse(fs.readFileSync(step1, 'utf8')) as Record<string, unknown[]>;
    o['responses'] = o['responses']!.map((r, i) => `${String(r)} ${'x'.repeat(2_200_000 + i)}`);
    const file = path.join(tempDir(), 'rollout_dump_data.step_1.jsonl');
    fs.writeFileSync(file, JSON.stringify(o) + '\n');
    const other = path.join(path.dirname(file), 'other.jsonl');
    fs.copyFileSync(file, other);
    assert.deepEqual([detectJsonl(file), detectJsonl(other)], ['roll', { unknown: 'first line is longer than 16 MiB' }]);
    const store = Store.open(path.join(tempDir(), 'l.db'));
    const r = await new Ingestor(store, [file], { run: 'l' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.errors], ['roll', 8, []]);
    store.close();
  });

  it('a line whose lists differ in length is one error naming them; the other step files are kept', async () => {
    const dir = tempDir();
    fs.copyFileSync(step1, path.join(dir, 'rollout_dump_data.step_1.jsonl'));
    const o = JSON.parse(fs.readFileSync(path.join(rlvr, 'rollout_dump_data.step_2.jsonl'), 'utf8')) as Record<string, unknown[]>;
    o['scores'] = o['scores']!.slice(0, 6);
    const bad = path.join(dir, 'rollout_dump_data.step_2.jsonl');
    fs.writeFileSync(bad, JSON.stringify(o) + '\n');
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [dir], { run: 'b' }).ingestOnce();
    assert.equal(r.samples_added, 8);
    assert.deepEqual(r.errors, [
      {
        file: bad,
        line: 1,
        message:
          'columns differ in length (id 8, source 8, difficulty 8, messages 8, ground_truth 8, tag 8, domain 8, responses 8, scores 6, sampling_params 8, global_step 8); the step is skipped',
      },
    ]);
    store.close();
  });
});
