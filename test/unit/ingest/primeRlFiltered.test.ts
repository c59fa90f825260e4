// prime-rl's effective/ traces beside all/: which rollouts the trainer filtered out, and why. The
// fixture (test/fixtures/prime-rl/make_filtered_dump.py) is built from the record fields prime-rl's
// FileMonitor and verifiers' Episode.to_record() write (prime-rl needs GPUs and vLLM to run): a
// zero-advantage group, an errored trace, a trace carried over to the next step's batch, and a step
// whose batch has not shipped.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { listGroups, listSamples } from '../../../src/core/store/reads';
import { groupView } from '../../../src/core/views/groupView';
import { Store } from '../../../src/core/store/store';
import { EngineMethods } from '../../../src/shared/protocol/engine';
import { toStepColumns } from '../../../src/shared/protocol/webviews/dashboard';
import type { IngestReport } from '../../../src/shared/rollout';
import { FIXTURES, tempDir } from '../../helpers';

const root = path.join(FIXTURES, 'prime-rl', 'filtered');
const file = (step: number, subset: 'all' | 'effective'): string =>
  path.join(root, 'rollouts', `step_${step}`, 'train', subset, 'traces.jsonl');
const groupOf = (step: number, line: number): string =>
  (JSON.parse(fs.readFileSync(file(step, 'all'), 'utf8').split('\n')[line]!) as { group: { id: string } }).group.id;
const [A, B, C] = [groupOf(1, 0), groupOf(1, 4), groupOf(1, 8)];
const D = groupOf(2, 0);

async function ingest(store: Store, paths: string[]): Promise<void> {
  await new Ingestor(store, paths, { run: 'p' }).ingestOnce();
}

/** Each step's filtered share, and per group the samples' marks and reasons as the explorer lists them. */
function marks(store: Store): { steps: unknown[]; samples: unknown[]; counts: unknown[] } {
  const id = store.requireRun('p').id;
  const steps = store.stepStats(id).map((s) => [s.step, s.samples, s.trainer_filter ?? null]);
  const samples = store.db
    .prepare(
      `SELECT st.step, g.uid, s.idx, s.trained FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id
        ORDER BY st.step, s.id`,
    )
    .raw()
    .all();
  const counts = store.db.prepare('SELECT uid, trained_n, filtered_n FROM groups ORDER BY id').raw().all();
  return { steps, samples, counts };
}

const FINAL = {
  steps: [
    [1, 11, { known: 11, filtered: 5, filtered_ratio: 5 / 11 }],
    [2, 2, { known: 2, filtered: 0, filtered_ratio: 0 }],
    [3, 2, null],
  ],
  samples: [
    ...[0, 1, 2, 3].map((i) => [1, A, i, 1]),
    ...[0, 1, 2, 3].map((i) => [1, B, i, 0]),
    [1, C, 0, 0],
    [1, C, 1, 1],
    [1, C, 2, 1],
    [2, D, 0, 1],
    [2, D, 1, 1],
    [3, groupOf(3, 0), 0, null],
    [3, groupOf(3, 0), 1, null],
  ],
  counts: [
    [A, 4, 0],
    [B, 0, 4],
    [C, 2, 1],
    [D, 2, 0],
    [groupOf(3, 0), 0, 0],
  ],
};

describe('prime-rl: what the trainer filtered out', () => {
  it('a run folder marks all/ samples from effective/, stores them once, and says why each was filtered', async () => {
    const store = Store.open(path.join(tempDir(), 'f.db'));
    const r = await new Ingestor(store, [root], { run: 'p' }).ingestOnce();
    // Marks: step 1's 11 samples filtered when its batch is read, 5 of them then trained; step 2's 2
    // filtered, then they and C's carried-over trace trained.
    assert.deepEqual([r.files, r.samples_added, r.samples_marked, r.errors], [5, 15, 21, []]);
    assert.deepEqual(marks(store), FINAL);
    // The dashboard's column: step 3's batch is not known, which is no share at all rather than 0.
    assert.deepEqual(toStepColumns(store.stepStats(store.requireRun('p').id)).trainer_filter, {
      filtered_ratio: [5 / 11, 0, null],
      known: [11, 2, null],
    });
    const ref = { run: 'p', split: 'train' as const, step: 1 };
    const page = listGroups(store, ref, { offset: 0, limit: 10, filter: { filtered: true } });
    assert.deepEqual(
      page.rows.map((g) => [g.group, g.filtered_out]),
      [B, C].sort().map((g) => [g, g === B ? 4 : 1]),
    );
    assert.deepEqual(
      listSamples(store, { ...ref, group: C }).map((s) => [s.index, s.reward, s.filtered]),
      [
        [0, 0, 'errored (ModelError: context length exceeded)'],
        [1, 1.1, undefined],
        [2, 0.1, undefined],
      ],
    );
    assert.deepEqual(
      listSamples(store, { ...ref, group: B }, { filter: { filtered: true } }).map((s) => [s.index, s.filtered]),
      [0, 1, 2, 3].map((i) => [i, 'zero advantage (reward equals its group mean)']),
    );
    assert.deepEqual(listSamples(store, { ...ref, group: A }, { filter: { filtered: true } }), []);
    // The group view's rows carry the same reasons.
    assert.deepEqual(
      groupView(store, { ...ref, group: C }).view.samples.map((x) => x.filtered),
      ['errored (ModelError: context length exceeded)', undefined, undefined],
    );
    // The explorer asks the engine with the same filters; its schemas accept them.
    assert.equal(EngineMethods.listGroups.params.safeParse({ ...ref, offset: 0, limit: 10, filter: { filtered: true } }).success, true);
    assert.equal(EngineMethods.listSamples.params.safeParse({ ...ref, group: B, filter: { filtered: true } }).success, true);
    store.close();
  });

  it('the marks are the same whichever file arrives first, and counted once', async () => {
    const store = Store.open(path.join(tempDir(), 'o.db'));
    await ingest(store, [file(1, 'effective'), file(2, 'effective')]);
    await ingest(store, [file(1, 'all'), file(2, 'all'), file(3, 'all')]);
    assert.deepEqual(marks(store), FINAL);
    await ingest(store, [root]);
    assert.deepEqual(marks(store), FINAL);
    store.close();
  });

  it('following a run: a step is not known until its batch ships, and a carried-over trace turns trained', async () => {
    const dir = path.join(tempDir(), 'live');
    const copy = (step: number, subset: 'all' | 'effective'): string => {
      const to = path.join(dir, 'rollouts', `step_${step}`, 'train', subset, 'traces.jsonl');
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(file(step, subset), to);
      return to;
    };
    const store = Store.open(path.join(tempDir(), 'l.db'));
    await ingest(store, [copy(1, 'all')]);
    assert.deepEqual(marks(store).steps, [[1, 11, null]]);
    await ingest(store, [dir]);
    copy(1, 'effective');
    // A pass that reads only marks still reports progress (a follower refreshes its views on it).
    const marked = await new Ingestor(store, [dir], { run: 'p' }).ingestOnce();
    assert.deepEqual([marked.samples_added, marked.samples_marked], [0, 16]);
    // C's last clean trace waits for the next batch: filtered out for now, with no reason the data gives.
    assert.deepEqual(marks(store).steps, [[1, 11, { known: 11, filtered: 6, filtered_ratio: 6 / 11 }]]);
    const ref = { run: 'p', split: 'train' as const, step: 1, group: C };
    assert.deepEqual(
      listSamples(store, ref, { filter: { filtered: true } }).map((s) => [s.index, s.filtered]),
      [
        [0, 'errored (ModelError: context length exceeded)'],
        [2, 'not in effective/'],
      ],
    );
    copy(2, 'all');
    copy(2, 'effective');
    copy(3, 'all');
    await ingest(store, [dir]);
    assert.deepEqual(marks(store), FINAL);
    await ingest(store, [dir]);
    assert.deepEqual(marks(store), FINAL);
    store.close();
  });

  it('a follower reports a pass that only read effective/, so its views refresh', { timeout: 30_000 }, async () => {
    const dir = path.join(tempDir(), 'follow');
    // Whole files appear at once (a rename), so a poll never catches one half-copied.
    const put = (subset: 'all' | 'effective'): void => {
      const to = path.join(dir, 'rollouts', 'step_1', 'train', subset, 'traces.jsonl');
      const staged = path.join(tempDir(), 'traces.jsonl');
      fs.copyFileSync(file(1, subset), staged);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(staged, to);
    };
    put('all');
    const store = Store.open(path.join(tempDir(), 'w.db'));
    const controller = new AbortController();
    const waiting: Array<(r: IngestReport) => void> = [];
    const nextPass = (): Promise<IngestReport> => new Promise((resolve) => waiting.push(resolve));
    const first = nextPass();
    const following = new Ingestor(store, [dir], { run: 'p', signal: controller.signal }).follow({
      pollMs: 20,
      onPass: (r) => waiting.shift()?.(r),
    });
    assert.deepEqual([(await first).samples_added, (await first).samples_marked], [11, undefined]);
    const second = nextPass();
    put('effective');
    assert.deepEqual([(await second).samples_added, (await second).samples_marked], [11, 16]);
    controller.abort();
    await following;
    assert.deepEqual(marks(store).steps, [[1, 11, { known: 11, filtered: 6, filtered_ratio: 6 / 11 }]]);
    store.close();
  });

  it('an effective/ episode whose trace has no id is an error naming the line; the other lines still mark', async () => {
    const dir = path.join(tempDir(), 'bad');
    const at = (subset: string): string => path.join(dir, 'rollouts', 'step_1', 'train', subset, 'traces.jsonl');
    fs.mkdirSync(path.dirname(at('all')), { recursive: true });
    fs.mkdirSync(path.dirname(at('effective')), { recursive: true });
    fs.copyFileSync(file(1, 'all'), at('all'));
    const lines = fs.readFileSync(file(1, 'effective'), 'utf8').split('\n');
    const broken = JSON.parse(lines[0]!) as { id: string; traces: Array<{ id?: string }> };
    delete broken.traces[0]!.id;
    fs.writeFileSync(at('effective'), [JSON.stringify(broken), ...lines.slice(1)].join('\n'));
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [dir], { run: 'p' }).ingestOnce();
    assert.deepEqual(r.errors, [
      {
        file: at('effective'),
        line: 1,
        message: `effective/ episode ${broken.id} traces[0].id must be a non-empty string, got nothing (the key is missing)`,
      },
    ]);
    // A's first rollout is not marked trained; the batch is still known, so it counts as filtered out.
    assert.deepEqual(marks(store).steps, [[1, 11, { known: 11, filtered: 7, filtered_ratio: 7 / 11 }]]);
    store.close();
  });

  it('without effective/ nothing is called filtered', async () => {
    const store = Store.open(path.join(tempDir(), 'n.db'));
    await ingest(store, [file(1, 'all'), file(2, 'all'), file(3, 'all')]);
    const m = marks(store);
    assert.deepEqual(m.steps, [
      [1, 11, null],
      [2, 2, null],
      [3, 2, null],
    ]);
    assert.ok(m.samples.every((s) => (s as unknown[])[3] === null));
    store.close();
  });
});
