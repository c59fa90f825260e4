// Failure clusters of a stored run (docs/algorithms.md#failure-clusters): the selections (wrong under
// the run's rule, flipped by a re-score set, behind an alert, matching a text query), the step range
// and the cap, with literal counts.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { failureClusters, failureClustersPausing } from '../../../src/core/analysis/failureClusters';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { addLabel } from '../../../src/core/store/labels';
import { RescoreStore } from '../../../src/core/store/rescoreStore';
import { Store } from '../../../src/core/store/store';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir, writeJsonl } from '../../helpers';
import { craftedFailures, failureRun } from './failureTexts';

const crafted = craftedFailures([40, 30, 20]);
const kindOf = new Map(crafted.map((c) => [c.text, c.kind]));

describe('failure clusters of a stored run', () => {
  let store: Store;
  before(async () => {
    const dir = tempDir();
    writeJsonl(path.join(dir, 'r.jsonl'), failureRun());
    store = Store.open(path.join(dir, 'db.sqlite'));
    await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
  });
  after(() => store.close());

  const kindsOf = (sampleIds: number[]): string[] =>
    sampleIds.map((id) => kindOf.get(store.db.prepare('SELECT response FROM samples WHERE id = ?').pluck().get(id) as string) ?? 'right');

  test('wrong under the logged verdict: 90 of 136, three clusters of one kind each', () => {
    const r = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    assert.equal(r.selection_label, 'wrong (solved = the logged verdict)');
    assert.deepEqual([r.selected, r.clustered, r.capped, r.k, r.k_rule], [90, 90, false, 3, 'silhouette']);
    assert.deepEqual(
      r.clusters.map((c) => [c.id, c.size, c.named_by, c.examples.length]),
      [
        [1, 40, 'terms', 3],
        [2, 30, 'terms', 3],
        [3, 20, 'terms', 3],
      ],
    );
    assert.deepEqual(
      r.clusters.map((c) => [...new Set(kindsOf(c.examples.map((e) => e.sample_id)))]),
      [['arithmetic slip'], ['never answers'], ['wrong unit']],
    );
    const e = r.clusters[2]!.examples[0]!;
    assert.deepEqual(Object.keys(e).sort(), ['group', 'index', 'preview', 'run', 'sample_id', 'split', 'step']);
    assert.ok(e.preview.length <= 160);
  });

  test('pausing between k-means runs gives the same report; a pause that throws stops the work', async () => {
    let pauses = 0;
    const paused = await failureClustersPausing(store, { run: 'r', selection: { kind: 'wrong' } }, async () => {
      pauses++;
    });
    assert.deepEqual(paused, failureClusters(store, { run: 'r', selection: { kind: 'wrong' } }));
    // One after reading, 3 restarts for each k tried (2 … 9) and 3 for the final k.
    assert.equal(pauses, 1 + 3 * 8 + 3);
    await assert.rejects(
      failureClustersPausing(store, { run: 'r', selection: { kind: 'wrong' } }, () =>
        Promise.reject(new LensError(ErrorCode.Cancelled, 'cancelled')),
      ),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.Cancelled,
    );
  });

  test('a label selects the samples it is on, on themselves or through their group, within the range', () => {
    const first = store.db
      .prepare(`SELECT st.step, g.uid FROM groups g JOIN steps st ON st.id = g.step_id ORDER BY st.step, g.uid LIMIT 1`)
      .get() as { step: number; uid: string };
    const size = store.db
      .prepare('SELECT size FROM groups g JOIN steps st ON st.id = g.step_id WHERE st.step = ? AND g.uid = ?')
      .pluck()
      .get(first.step, first.uid) as number;
    addLabel(store, { run: 'r', split: 'train', step: first.step, group: first.uid }, 'look-here', { user: 't' });
    addLabel(store, { run: 'r', split: 'train', step: first.step, group: first.uid, index: 0 }, 'one', { user: 't' });
    const byGroup = failureClusters(store, { run: 'r', selection: { kind: 'label', tag: 'look-here' } });
    assert.equal(byGroup.selection_label, 'labelled "look-here"');
    assert.equal(byGroup.selected, size);
    assert.equal(failureClusters(store, { run: 'r', selection: { kind: 'label', tag: 'one' } }).selected, 1);
    assert.equal(failureClusters(store, { run: 'r', from: first.step + 1, selection: { kind: 'label', tag: 'one' } }).selected, 0);
  });

  test('a step range and a text query narrow the selection', () => {
    assert.equal(failureClusters(store, { run: 'r', from: 2, to: 2, selection: { kind: 'wrong' } }).selected, 30);
    assert.equal(failureClusters(store, { run: 'r', from: 3, selection: { kind: 'wrong' } }).selected, 30);
    const inches = failureClusters(store, { run: 'r', selection: { kind: 'text', query: 'inches' } });
    assert.equal(inches.selection_label, 'matching "inches"');
    assert.equal(inches.selected, 11);
    assert.equal(crafted.filter((c) => c.text.includes('inches')).length, 11);
    // LaTeX is not FTS5 syntax: searched as a literal phrase, as the explorer does.
    assert.equal(
      failureClusters(store, { run: 'r', selection: { kind: 'text', query: '\\boxed{12}' } }).selection_label,
      'matching "\\\\boxed{12}" (as a literal phrase)',
    );
  });

  test('the cap clusters a seeded sample and says so; the same seed the same sample', () => {
    const a = failureClusters(store, { run: 'r', selection: { kind: 'wrong' }, cap: 30, seed: 5 });
    assert.deepEqual([a.selected, a.clustered, a.capped, a.cap, a.seed], [90, 30, true, 30, 5]);
    assert.deepEqual(failureClusters(store, { run: 'r', selection: { kind: 'wrong' }, cap: 30, seed: 5 }), a);
  });

  test("a re-score set's flips, either way", () => {
    const runId = store.requireRun('r').id;
    const sets = new RescoreStore(store.db);
    const ids = store.db.prepare('SELECT id, correct FROM samples ORDER BY id').all() as Array<{ id: number; correct: number }>;
    const wrong = ids.filter((s) => s.correct === 0).slice(0, 5);
    const right = ids.filter((s) => s.correct === 1).slice(0, 3);
    const same = ids.filter((s) => s.correct === 0).slice(5, 9);
    const set = sets.createSet(runId, '{"reward":"test"}', 'test', '{}', 12);
    const row = (id: number, ok: boolean) => ({
      sample_id: id,
      score: ok ? 1 : 0,
      correct: ok,
      components: null,
      rationale: null,
      extracted: null,
      error: null,
    });
    sets.writeResults(set, [
      ...wrong.map((s) => row(s.id, true)),
      ...right.map((s) => row(s.id, false)),
      ...same.map((s) => row(s.id, false)),
    ]);
    const r = failureClusters(store, { run: 'r', selection: { kind: 'flipped', set } });
    assert.equal(r.selected, 8);
    assert.equal(r.selection_label, `flipped by re-score set ${set} (test) against the logged verdicts`);
    assert.throws(
      () => failureClusters(store, { run: 'r', selection: { kind: 'flipped', set: set + 100 } }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound,
    );
  });

  test("an alert kind's samples in the range", () => {
    const runId = store.requireRun('r').id;
    const ids = store.db.prepare('SELECT id FROM samples ORDER BY id LIMIT 7').pluck().all() as number[];
    const add = store.db.prepare(
      "INSERT INTO alerts (run_id, split, step, kind, score, message, samples) VALUES (?, 'train', ?, 'degenerate_output', 1, 'test', ?)",
    );
    add.run(runId, 1, JSON.stringify(ids.slice(0, 4)));
    add.run(runId, 2, JSON.stringify([...ids.slice(2, 7), 999_999]));
    const all = failureClusters(store, { run: 'r', selection: { kind: 'alert', alert: 'degenerate_output' } });
    assert.equal(all.selection_label, "behind the run's Degenerate output alerts (2)");
    assert.equal(all.selected, 7);
    // Up to step 1: the first alert only, and of its four samples the three that are at step 1.
    assert.equal(failureClusters(store, { run: 'r', to: 1, selection: { kind: 'alert', alert: 'degenerate_output' } }).selected, 3);
  });

  test('an empty range is bad input; an empty selection has no clusters', () => {
    assert.throws(
      () => failureClusters(store, { run: 'r', from: 3, to: 2, selection: { kind: 'wrong' } }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput,
    );
    const none = failureClusters(store, { run: 'r', selection: { kind: 'text', query: 'zebra' } });
    assert.deepEqual([none.selected, none.k, none.clusters], [0, 0, []]);
  });
});
