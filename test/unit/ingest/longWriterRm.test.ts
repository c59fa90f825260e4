// A LongWriter-Zero-style run with three reward models (test/fixtures/longwriter-rm, written by its
// make_fixture.py with numpy): components length / writing / format, `reward_models` naming them, the length
// model's `length_range`, and the logged advantage = the mean of the per-model GRPO advantages. No
// LongWriter-Zero training code is public and the companion logger does not take these fields yet, so the
// script writes the native lines with json directly; the three scores are deterministic stand-ins.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupView } from '../../../src/core/views/groupView';
import { multiRmAdvantages } from '../../../src/shared/judgedAdvantages';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'longwriter-rm');
const MODELS = ['length', 'writing', 'format'];
const GROUPS: Array<[number, string]> = [
  [1, 'lw-1-0'],
  [1, 'lw-1-1'],
  [2, 'lw-2-2'],
  [2, 'lw-2-3'],
];
const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 1e4) / 1e4);

describe('LongWriter-style run: three reward models averaged per model', () => {
  let store: Store;
  const view = (step: number, group: string) => groupView(store, { run: 'lw', split: 'train', step, group }).view;
  before(async () => {
    store = Store.open(path.join(tempDir(), 'lw.db'));
    const r = await new Ingestor(store, [dir], { run: 'lw', format: 'native' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.errors, r.warnings], ['native', 16, 2, [], undefined]);
  });
  after(() => store.close());

  it('the mean of the per-model advantages of the stored scores is the logged advantage, for every sample', () => {
    for (const [step, group] of GROUPS) {
      const v = view(step, group);
      const rm = v.judging?.reward_models;
      assert.ok(rm, group);
      assert.deepEqual(rm.models, MODELS);
      const mine = multiRmAdvantages(
        rm.samples.map((s) => s.scores),
        rm.models,
      );
      v.samples.forEach((s, i) => {
        assert.equal(s.advantage_source, 'logged');
        assert.ok(Math.abs(s.advantage - mine.advantages[i]!) < 1e-6, `${group} sample ${i}: ${s.advantage} vs ${mine.advantages[i]}`);
        // The three contributions (A_k / 3) add up to the logged advantage too.
        const sum = MODELS.reduce((acc, m) => acc + mine.contributions[m]![i]!, 0);
        assert.ok(Math.abs(s.advantage - sum) < 1e-6);
      });
    }
  });

  it('shows each model score, the word count against the predicted range, and the per-model advantages (literals)', () => {
    const rm = view(1, 'lw-1-0').judging!.reward_models!;
    assert.deepEqual(
      rm.samples.map((s) => [s.index, s.words, s.length_range, s.scores]),
      [
        [0, 16, [30, 45], { length: 0.5333, writing: 0.875, format: 1 }],
        [1, 38, [30, 45], { length: 1, writing: 0.8421, format: 1 }],
        [2, 58, [30, 45], { length: 0.7111, writing: 0.7586, format: 1 }],
        [3, 33, [30, 45], { length: 1, writing: 0.2424, format: 0 }],
      ],
    );
    const m = multiRmAdvantages(
      rm.samples.map((s) => s.scores),
      MODELS,
    );
    // The same as make_fixture.py's numpy values (meta.per_model_advantage in rollouts.jsonl).
    assert.deepEqual(round(m.perModel['length']!), [-1.2084, 0.8217, -0.435, 0.8217]);
    assert.deepEqual(round(m.perModel['writing']!), [0.6615, 0.5502, 0.2676, -1.4792]);
    assert.deepEqual(round(m.perModel['format']!), [0.5, 0.5, 0.5, -1.5]);
    assert.deepEqual(round(m.advantages), [-0.0156, 0.624, 0.1109, -0.7192]);
    assert.deepEqual(round(view(1, 'lw-1-0').samples.map((s) => s.advantage)), [-0.0156, 0.624, 0.1109, -0.7192]);
  });

  it('counts CJK characters as words (LongWriter), and a model whose scores are all equal adds 0', () => {
    const cjk = view(1, 'lw-1-1').judging!.reward_models!;
    assert.deepEqual(
      cjk.samples.map((s) => [s.words, s.length_range]),
      [
        [53, [40, 60]],
        [24, [40, 60]],
        [106, [40, 60]],
        [42, [40, 60]],
      ],
    );
    const flat = view(2, 'lw-2-2').judging!.reward_models!;
    const m = multiRmAdvantages(
      flat.samples.map((s) => s.scores),
      MODELS,
    );
    assert.deepEqual(m.perModel['format'], [0, 0, 0, 0]);
    assert.deepEqual(round(m.advantages), [0.1098, -0.2502, 0.0307, 0.1098]);
  });
});
