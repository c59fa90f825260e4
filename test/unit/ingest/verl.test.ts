// verl rollout_data_dir / validation_data_dir dumps and file-logger metrics, written exactly as
// RayPPOTrainer._dump_generations writes them (test/fixtures/verl/make_verl_dump.py, facts.json).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import * as fs from 'node:fs';
import { FIXTURES, tempDir } from '../../helpers';

const verl = path.join(FIXTURES, 'verl');
// test/fixtures/verl-v1/make_verl_v1_dump.py: 2 steps × 16 prompts × 4 rollouts, prompts 14 and 15
// repeat the text of prompts 0 and 1.
const verlV1 = path.join(FIXTURES, 'verl-v1', 'rollout');

describe('verl dumps', () => {
  it('rebuilds groups from identical input within a step, keeps extras as components and acc as correct', async () => {
    const db = path.join(tempDir(), 'a.db');
    const store = Store.open(db);
    const r = await new Ingestor(store, [verl], { run: 'v' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.metrics_added > 0, r.errors], ['verl', 96 + 16, 4, true, []]);
    const all = [...exportRun(store, store.requireRun('v').id)];
    const train = all.filter((s) => s.split === 'train');
    const val = all.filter((s) => s.split === 'val');
    assert.equal(train.length, 96);
    assert.equal(val.length, 16);
    // facts.json: 4 prompts per step, G = 8, score sums 6, 10, 16
    for (const [step, sum] of [
      [1, 6],
      [2, 10],
      [3, 16],
    ] as const) {
      const rows = train.filter((s) => s.step === step);
      assert.equal(new Set(rows.map((s) => s.group)).size, 4);
      assert.ok(new Set(rows.map((s) => s.group)).size === new Set(rows.map((s) => s.prompt)).size);
      assert.equal(
        rows.reduce((a, s) => a + s.reward, 0),
        sum,
      );
    }
    const accTrue = train.filter((s) => s.step === 1 && s.correct === true).length;
    assert.equal(accTrue, 19);
    const s0 = train[0]!;
    assert.deepEqual(Object.keys(s0.components!).sort(), ['acc', 'overlong', 'overlong_reward']);
    assert.equal(typeof s0.meta!['pred'], 'string');
    assert.equal(typeof s0.ground_truth, 'string');
    assert.equal(
      val.reduce((a, s) => a + s.reward, 0),
      -10,
    );
    assert.equal(new Set(val.map((s) => s.group)).size, 4);
    const stats = store.stepStats(store.requireRun('v').id);
    assert.deepEqual(
      stats.map((s) => [s.split, s.step, s.samples, s.groups]),
      [
        ['train', 1, 32, 4],
        ['train', 2, 32, 4],
        ['train', 3, 32, 4],
        ['val', 0, 16, 4],
      ],
    );
    const scoreMean = store.db
      .prepare(
        "SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'critic/score/mean' ORDER BY m.step",
      )
      .raw()
      .all();
    assert.deepEqual(scoreMean, [
      [1, 0.09375],
      [2, 0.1875],
      [3, 0.4375],
    ]);
    store.close();
  });
});

describe('verl v1 trainer dumps (uid = {sample}_{rollout}_{output})', () => {
  it('groups by the uid, not the prompt text: 16 groups per step and an effective ratio of 0.375', async () => {
    const store = Store.open(path.join(tempDir(), 'v1.db'));
    const r = await new Ingestor(store, [verlV1], { run: 'v1' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.grouping, r.errors, r.warnings], ['verl', 128, 2, 'id', [], undefined]);
    const run = store.requireRun('v1');
    const stats = store.stepStats(run.id);
    assert.deepEqual(
      stats.map((s) => [s.step, s.samples, s.groups, (s as { effective_gradient_ratio?: number }).effective_gradient_ratio, s.grouping]),
      [
        [1, 64, 16, 0.375, 'id'],
        [2, 64, 16, 0.375, 'id'],
      ],
    );
    assert.deepEqual(
      store.listRuns().map((x) => [x.run, x.grouping, x.groups]),
      [['v1', 'id', 32]],
    );
    // The first row's uid names its group; its four rollouts are indices 0..3 in rollout order.
    const first = JSON.parse(fs.readFileSync(path.join(verlV1, '1.jsonl'), 'utf8').split('\n')[0]!) as { uid: string };
    const sample = first.uid.replace(/_\d+_\d+$/, '');
    const rows = [...exportRun(store, run.id, 1)].filter((s) => s.group === sample);
    assert.deepEqual(
      rows.map((s) => [s.index, s.meta!['rollout'], s.meta!['output'], s.meta!['uid']]),
      [0, 1, 2, 3].map((i) => [i, i, 0, `${sample}_${i}_0`]),
    );
    assert.equal(rows[0]!.components, undefined);
    // A re-ingest adds nothing.
    const again = await new Ingestor(store, [verlV1], { run: 'v1' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('without the uid the same rows group by text: 14 groups, ratio 0.5, and a warning naming each uneven step', async () => {
    const dir = tempDir();
    for (const f of ['1.jsonl', '2.jsonl']) {
      const lines = fs.readFileSync(path.join(verlV1, f), 'utf8').trimEnd().split('\n');
      const legacy = lines.map((l) => {
        const { uid: _uid, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return JSON.stringify(rest);
      });
      fs.writeFileSync(path.join(dir, f), legacy.join('\n') + '\n');
    }
    const store = Store.open(path.join(tempDir(), 'legacy.db'));
    const r = await new Ingestor(store, [dir], { run: 'legacy' }).ingestOnce();
    assert.equal(r.grouping, 'prompt-text');
    assert.deepEqual(r.warnings, [
      'step 1 (train): groups inferred by prompt-text differ in size (12 groups of 4, 2 of 8 samples); a group may be split, or two merged',
      'step 2 (train): groups inferred by prompt-text differ in size (12 groups of 4, 2 of 8 samples); a group may be split, or two merged',
    ]);
    const stats = store.stepStats(store.requireRun('legacy').id);
    assert.deepEqual(
      stats.map((s) => [s.step, s.groups, (s as { effective_gradient_ratio?: number }).effective_gradient_ratio, s.grouping]),
      [
        [1, 14, 0.5, 'prompt-text'],
        [2, 14, 0.5, 'prompt-text'],
      ],
    );
    store.close();
  });
});

describe('verl legacy rows with a request_id', () => {
  it('keeps request_id and non-numeric extras in meta; numeric and boolean extras become components', async () => {
    const dir = tempDir();
    const row = {
      input: 'user\nq\nassistant\n',
      output: 'Answer: 4',
      gts: '4',
      score: 1,
      step: 5,
      acc: true,
      pred: '4',
      overlong_reward: 0,
      request_id: 'req-17',
    };
    fs.writeFileSync(path.join(dir, '5.jsonl'), JSON.stringify(row) + '\n');
    const store = Store.open(path.join(tempDir(), 'r.db'));
    const r = await new Ingestor(store, [dir], { run: 'r' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.grouping], ['verl', 1, 'prompt-text']);
    const [s] = [...exportRun(store, store.requireRun('r').id)];
    assert.deepEqual(
      [s!.step, s!.components, s!.meta, s!.correct],
      [5, { acc: 1, overlong_reward: 0 }, { pred: '4', request_id: 'req-17' }, true],
    );
    store.close();
  });
});
