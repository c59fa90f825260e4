// The explorer's text filter asks the index one step's sample id range at a time: a step whose
// samples arrived in two files has a range that holds other steps' samples, which never count for it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { listGroups, listSamples, listSteps } from '../../../src/core/store/reads';
import { Store } from '../../../src/core/store/store';
import { tempDir, writeJsonl } from '../../helpers';

let store: Store;

before(async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  const row = (step: number, group: string, index: number, response: string, reward = 0): object => ({
    step,
    group,
    index,
    prompt: 'p',
    response,
    reward,
  });
  // Step 2's group has sample 0 in a.jsonl (id 1) and sample 1 in b.jsonl (id 4): its range 1..4
  // holds step 3's samples (ids 2, 3).
  writeJsonl(a, [row(2, 'g2', 0, 'plain words'), row(3, 'g3', 0, 'a walrus appears', 1), row(3, 'h3', 0, 'nothing')]);
  writeJsonl(b, [row(2, 'g2', 1, 'the walrus again')]);
  store = Store.open(path.join(tempDir(), 't.db'));
  await new Ingestor(store, [a], { run: 'r' }).ingestOnce();
  await new Ingestor(store, [b], { run: 'r' }).ingestOnce();
});

describe('text filter by step range', () => {
  it('finds each step’s own matches only', () => {
    assert.deepEqual(store.db.prepare('SELECT step, first_sample_id, last_sample_id FROM steps ORDER BY step').raw().all(), [
      [2, 1, 4],
      [3, 2, 3],
    ]);
    const steps = (text: string): number[] => listSteps(store, 'r', 0, 10, 'train', { filter: { text } }).rows.map((r) => r.step);
    assert.deepEqual(steps('walrus'), [2, 3]);
    assert.deepEqual(steps('appears'), [3]);
    assert.deepEqual(steps('again'), [2]);
    assert.deepEqual(steps('missing'), []);
    const groups = (step: number, text: string): string[] =>
      listGroups(store, { run: 'r', split: 'train', step }, { offset: 0, limit: 10, filter: { text } }).rows.map((g) => g.group);
    assert.deepEqual(groups(2, 'appears'), []);
    assert.deepEqual(groups(3, 'walrus'), ['g3']);
    // Across the run (no step), ranked by reward: every step's matching groups.
    assert.deepEqual(
      listGroups(store, { run: 'r' }, { offset: 0, limit: 10, sort: 'reward', descending: true, filter: { text: 'walrus' } }).rows.map(
        (g) => [g.step, g.group],
      ),
      [
        [3, 'g3'],
        [2, 'g2'],
      ],
    );
    // With a group condition too: both walrus groups are degenerate (their rewards are all equal).
    assert.deepEqual(listSteps(store, 'r', 0, 10, 'train', { filter: { text: 'walrus', degenerate: false } }).rows, []);
    assert.deepEqual(
      listSteps(store, 'r', 0, 10, 'train', { filter: { text: 'walrus', degenerate: true } }).rows.map((r) => r.step),
      [2, 3],
    );
    assert.deepEqual(
      listSamples(store, { run: 'r', split: 'train', step: 2, group: 'g2' }, { filter: { text: 'walrus' } }).map((s) => s.index),
      [1],
    );
  });
});
