import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { getSample, listGroups, listSamples, listSteps } from '../../../src/core/store/reads';
import { searchText } from '../../../src/core/store/fts';
import { Store } from '../../../src/core/store/store';
import { tempDir, writeJsonl } from '../../helpers';

let store: Store;

before(async () => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  const rows = [];
  // step 1: group a = [1,0,0,0] (one truncated), group b = [1,1] (degenerate), group c = [0.5] (singleton)
  for (const [i, reward] of [1, 0, 0, 0].entries()) {
    rows.push({
      step: 1,
      group: 'a',
      prompt: 'system\nBe brief.\nuser\nWhat is 2+2?\nassistant\n',
      response: `Answer ${i}: wait, ${reward ? '4' : '5'}`,
      reward,
      finish_reason: i === 3 ? 'length' : 'stop',
    });
  }
  rows.push({ step: 1, group: 'b', prompt: 'q2', response: 'yes', reward: 1, correct: true, advantage: 0.25 });
  rows.push({ step: 1, group: 'b', prompt: 'q2', response: 'yes!', reward: 1, correct: true });
  rows.push({ step: 1, group: 'c', prompt: 'q3', response: 'alone with a <script>alert(1)</script>', reward: 0.5 });
  for (let s = 2; s <= 30; s++) rows.push({ step: s, group: 'z', prompt: 'q', response: 'r', reward: s });
  writeJsonl(file, rows);
  store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
});

describe('explorer queries', () => {
  it('pages steps in order with their totals', () => {
    const page = listSteps(store, 'r', 10, 5);
    assert.equal(page.total, 30);
    assert.deepEqual(
      page.rows.map((r) => r.step),
      [11, 12, 13, 14, 15],
    );
    const first = listSteps(store, 'r', 0, 1).rows[0]!;
    assert.deepEqual([first.samples, first.groups, first.effective_gradient_ratio], [7, 3, 4 / 7]);
  });

  it('under a filter lists only the steps that have a matching group (issue #25 item 15)', () => {
    const steps = (filter: object): number[] => listSteps(store, 'r', 0, 100, undefined, { filter }).rows.map((r) => r.step);
    assert.deepEqual(steps({ truncated: true }), [1]);
    assert.deepEqual(steps({ text: 'script' }), [1]);
    assert.deepEqual(listSteps(store, 'r', 0, 100, undefined, { filter: { degenerate: false } }).total, 1);
    assert.equal(listSteps(store, 'r', 0, 100, undefined, { filter: { degenerate: true } }).total, 30);
    assert.deepEqual(steps({ text: 'nowhere' }), []);
  });

  it('ranks groups across every step of the run, saying where each is (issue #25 item 15)', () => {
    const page = listGroups(store, { run: 'r' }, { offset: 0, limit: 3, sort: 'reward', descending: true });
    assert.equal(page.total, 32);
    assert.deepEqual(
      page.rows.map((g) => [g.step, g.split, g.group, g.reward_mean]),
      [
        [30, 'train', 'z', 30],
        [29, 'train', 'z', 29],
        [28, 'train', 'z', 28],
      ],
    );
    const truncated = listGroups(store, { run: 'r' }, { offset: 0, limit: 10, sort: 'solve_rate', filter: { truncated: true } });
    assert.deepEqual(
      truncated.rows.map((g) => [g.step, g.group, g.solve_rate]),
      [[1, 'a', 0.25]],
    );
  });

  it('lists groups with solve rate, spread and a degenerate badge, sorted on request', () => {
    const page = listGroups(store, { run: 'r', split: 'train', step: 1 }, { offset: 0, limit: 10, sort: 'solve_rate', descending: true });
    assert.deepEqual(
      page.rows.map((g) => [g.group, g.size, g.solve_rate, g.degenerate, g.truncated]),
      [
        ['b', 2, 1, true, 0],
        ['c', 1, 1, true, 0],
        ['a', 4, 0.25, false, 1],
      ],
    );
    assert.equal(page.rows[2]!.prompt_preview, 'What is 2+2?');
  });

  it('filters groups: degenerate, truncated, and by text through the full-text index', () => {
    const ref = { run: 'r', split: 'train' as const, step: 1 };
    const names = (filter: object): string[] => listGroups(store, ref, { offset: 0, limit: 10, filter }).rows.map((g) => g.group);
    assert.deepEqual(names({ degenerate: true }), ['b', 'c']);
    assert.deepEqual(names({ degenerate: false }), ['a']);
    assert.deepEqual(names({ truncated: true }), ['a']);
    assert.deepEqual(names({ text: 'script' }), ['c']);
  });

  it("lists a group's samples with logged or GRPO advantages", () => {
    const rows = listSamples(store, { run: 'r', split: 'train', step: 1, group: 'a' }, { sort: 'reward', descending: true });
    assert.deepEqual(
      rows.map((r) => r.index),
      [0, 1, 2, 3],
    );
    assert.ok(Math.abs(rows[0]!.advantage - 1.499997000006) < 1e-9);
    assert.equal(rows[0]!.advantage_source, 'grpo');
    const b = listSamples(store, { run: 'r', split: 'train', step: 1, group: 'b' });
    assert.deepEqual(
      b.map((r) => [r.advantage, r.advantage_source]),
      [
        [0.25, 'logged'],
        [0, 'grpo'],
      ],
    );
  });

  it('returns a sample in full', () => {
    const s = getSample(store, { run: 'r', split: 'train', step: 1, group: 'c', index: 0 });
    assert.equal(s.response, 'alone with a <script>alert(1)</script>');
    assert.equal(s.prompt, 'q3');
    assert.ok(Math.abs(s.advantage - 0.5 / (1 + 1e-6)) < 1e-12);
  });

  it('names what is missing for an unknown step, group or sample', () => {
    assert.throws(() => listGroups(store, { run: 'r', split: 'train', step: 99 }, { offset: 0, limit: 1 }), /run "r" has no train step 99/);
    assert.throws(() => listSamples(store, { run: 'r', split: 'train', step: 1, group: 'nope' }), /step 1 of "r" has no group "nope"/);
    assert.throws(
      () => getSample(store, { run: 'r', split: 'train', step: 1, group: 'a', index: 9 }),
      /group "a" of step 1 has no sample 9/,
    );
  });

  it('searches text; a query that is not FTS5 syntax is searched for as one literal phrase, and says so', () => {
    assert.deepEqual(searchText(store, 'wait').hits.map((h) => [h.step, h.group]).length, 4);
    assert.equal(searchText(store, 'wait').literal, false);
    // Markup and LaTeX are not FTS5 syntax: the words are searched for in order instead of failing.
    const markup = searchText(store, '<script>alert(1)');
    assert.deepEqual([markup.literal, markup.hits.map((h) => [h.step, h.group, h.index])], [true, [[1, 'c', 0]]]);
    assert.deepEqual(searchText(store, '"unbalanced'), { hits: [], literal: true, order: 'best', more: null });
    assert.deepEqual(
      listGroups(store, { run: 'r', split: 'train', step: 1 }, { offset: 0, limit: 10, filter: { text: '<script>alert(1)' } }).rows.map(
        (g) => g.group,
      ),
      ['c'],
    );
  });
});
