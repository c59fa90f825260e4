// TRL GRPOTrainer output, from a real TRL 1.13 run (test/fixtures/trl-real, facts.json written from the files).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor, type IngestOptions } from '../../../src/core/ingest/ingestor';
import { readTrlCounted, readTrlParquet } from '../../../src/core/ingest/trlFormat';
import { passTrlParquet } from '../../../src/core/ingest/wholeFile';
import { FileCursors } from '../../../src/core/store/files';
import { RolloutWriter } from '../../../src/core/store/rolloutWriter';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import type { IngestReport } from '../../../src/shared/rollout';
import { digestRun } from '../../dbcheck';
import { FIXTURES, sleep, tempDir } from '../../helpers';

const real = path.join(FIXTURES, 'trl-real');
const iter2 = path.join(FIXTURES, 'trl-real-iter2');

async function ingest(
  db: string,
  paths: string[],
  format: 'trl' | 'native' | 'auto' = 'trl',
  opts: Partial<IngestOptions> = {},
): Promise<IngestReport> {
  return (await ingestWith(db, paths, format, opts)).report;
}

async function ingestWith(
  db: string,
  paths: string[],
  format: 'trl' | 'native' | 'auto',
  opts: Partial<IngestOptions>,
): Promise<{ report: IngestReport; ingestor: Ingestor }> {
  const store = Store.open(db);
  try {
    const ingestor = new Ingestor(store, paths, { run: 'trl', format, ...opts });
    return { report: await ingestor.ingestOnce(), ingestor };
  } finally {
    store.close();
  }
}

/** Every sample's stored columns that the worker's read could change, and the groups' keyword counts. */
function storedRows(db: string): unknown[] {
  const store = Store.open(db);
  try {
    return store.db
      .prepare(
        `SELECT st.step, g.uid, s.idx, s.reward, s.components, s.response, g.reflect_n FROM samples s
           JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id ORDER BY s.id`,
      )
      .raw()
      .all();
  } finally {
    store.close();
  }
}

describe('TRL completions parquet (real TRL 1.13 output)', () => {
  it('stores every row, groups = contiguous blocks of the same prompt, reward = sum of reward columns', async () => {
    const db = path.join(tempDir(), 'a.db');
    const r = await ingest(db, [real]);
    assert.deepEqual([r.format, r.samples_added, r.samples_duplicate, r.steps, r.errors], ['trl', 48, 0, 6, []]);
    assert.deepEqual(digestRun(db, 'trl').groups, 12);
    const store = Store.open(db);
    const rows = [...exportRun(store, store.requireRun('trl').id)];
    const byStep = new Map<number, number>();
    for (const s of rows) byStep.set(s.step, (byStep.get(s.step) ?? 0) + s.reward);
    // facts.json per_file reward_sum (correctness + format_reward)
    assert.deepEqual(
      [...byStep.entries()],
      [
        [1, 4.5],
        [2, 5],
        [3, 5],
        [4, 6],
        [5, 6],
        [6, 5],
      ],
    );
    assert.deepEqual(Object.keys(rows[0]!.components!), ['correctness', 'format_reward']);
    assert.equal(typeof rows[0]!.advantage, 'number');
    assert.equal(rows[0]!.prompt, 'user\n8+8=\nassistant\n');
    const groups = new Set(rows.filter((s) => s.step === 1).map((s) => s.group));
    assert.equal(groups.size, 2);
    const metricKeys = store.db.prepare('SELECT COUNT(DISTINCT key_id) FROM metrics').pluck().get() as number;
    assert.ok(metricKeys > 10, `only ${metricKeys} metric keys from trainer_state.json / metrics.jsonl`);
    const reward3 = store.db
      .prepare(
        "SELECT m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'rewards/correctness/mean' AND m.step = 3",
      )
      .pluck()
      .get() as number;
    assert.equal(typeof reward3, 'number');
    store.close();
  });

  it('reads the parquet files in the parsing worker (decode, keyword counts, alert fold) and stores exactly the same', async () => {
    const here = path.join(tempDir(), 'a.db');
    await ingest(here, [real]);
    const there = path.join(tempDir(), 'a.db');
    const { report, ingestor } = await ingestWith(there, [real], 'trl', { workerMinBytes: 0 });
    assert.deepEqual([report.samples_added, report.steps, report.errors], [48, 6, []]);
    assert.equal(ingestor.alertWorker, 'absorbed');
    const rows = storedRows(there);
    assert.equal(rows.length, 48);
    assert.deepEqual(rows, storedRows(here));
    assert.deepEqual(digestRun(there, 'trl'), digestRun(here, 'trl'));
  });

  it('drops a read made ahead of a file that changed since, and reads it again: the cursor never covers unseen bytes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'completions_00001.parquet');
    fs.copyFileSync(path.join(real, 'completions', 'completions_00001.parquet'), file);
    const store = Store.open(path.join(dir, 'a.db'));
    try {
      const runId = store.ensureRun('trl', null);
      const ctx = {
        store,
        cursors: new FileCursors(store.db),
        writer: new RolloutWriter(store.db, runId),
        runId,
        batchRows: 4000,
        breathe: () => Promise.resolve(),
      };
      // A read of another file's bytes, made "before" a change: another size and mtime than now.
      const stale = readTrlCounted(path.join(real, 'completions', 'completions_00002.parquet'), null, null);
      const st = fs.statSync(file);
      const c = await passTrlParquet(ctx, file, () => undefined, {
        settling: false,
        ahead: { read: stale, size: st.size + 1, mtimeMs: st.mtimeMs - 1000 },
      });
      assert.equal(c.added, 8);
      const stored = store.db.prepare('SELECT response FROM samples ORDER BY id').pluck().all();
      assert.deepEqual(
        stored,
        (await readTrlParquet(file)).samples.map((x) => x.response),
      );
      assert.notDeepEqual(
        stored,
        (await stale).samples.map((x) => x.response),
      );
    } finally {
      store.close();
    }
  });

  it('does not double-count num_iterations=2 repeats (the same rollouts logged under the next step)', async () => {
    const db = path.join(tempDir(), 'a.db');
    const r = await ingest(db, [iter2]);
    assert.deepEqual([r.samples_added, r.samples_duplicate], [16, 16]);
    assert.deepEqual(digestRun(db, 'trl').steps, 2);
  });

  it('re-reads a parquet rewritten in place (the final summary) without duplicates', async () => {
    const dir = tempDir();
    fs.cpSync(real, path.join(dir, 'out'), { recursive: true });
    const db = path.join(dir, 'a.db');
    await ingest(db, [path.join(dir, 'out')]);
    const last = path.join(dir, 'out', 'completions', 'completions_00006.parquet');
    await sleep(20);
    fs.writeFileSync(last, fs.readFileSync(last)); // same bytes, new mtime: what TRL's summary does
    const r = await ingest(db, [path.join(dir, 'out')]);
    assert.deepEqual([r.samples_added, r.samples_duplicate], [0, 8]);
  });

  it('reports a truncated parquet by name and keeps the other files', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(real, 'completions'), path.join(dir, 'completions'), { recursive: true });
    const broken = path.join(dir, 'completions', 'completions_00003.parquet');
    fs.writeFileSync(broken, fs.readFileSync(broken).subarray(0, 1000));
    // The same on the writing thread and through the parsing worker.
    for (const [name, workerMinBytes] of [
      ['here.db', undefined],
      ['worker.db', 0],
    ] as const) {
      const r = await ingest(path.join(dir, name), [dir], 'trl', workerMinBytes === undefined ? {} : { workerMinBytes });
      assert.equal(r.samples_added, 40);
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]!.file, broken);
      assert.match(r.errors[0]!.message, /completions_00003\.parquet: not a readable parquet file \(truncated or still being written\?\)/);
    }
  });

  it("refuses the output folder in auto mode, where the companion logger's JSONL sits beside the parquet", async () => {
    await assert.rejects(
      ingest(path.join(tempDir(), 'a.db'), [real], 'auto'),
      /rollout files of different formats: .*native.*trl|rollout files of different formats: .*trl.*native/,
    );
  });

  it("the companion logger's native JSONL of the same run has the same rewards, with token ids", async () => {
    const db = path.join(tempDir(), 'a.db');
    const r = await ingest(db, [real], 'native');
    assert.equal(r.samples_added, 48);
    const store = Store.open(db);
    const rows = [...exportRun(store, store.requireRun('trl').id)];
    store.close();
    const sum = rows.reduce((a, s) => a + s.reward, 0);
    assert.equal(sum, 4.5 + 5 + 5 + 6 + 6 + 5);
    assert.ok(rows.every((s) => Array.isArray(s.response_ids) && s.response_ids.length > 0));
    assert.deepEqual(rows.filter((s) => s.finish_reason === 'length').length, 1);
  });

  it('follows a TRL output folder as the files appear', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out', 'completions');
    fs.mkdirSync(out, { recursive: true });
    const store = Store.open(path.join(dir, 'a.db'));
    const controller = new AbortController();
    const passes: number[] = [];
    const following = new Ingestor(store, [path.join(dir, 'out')], { run: 'live', format: 'trl', signal: controller.signal }).follow({
      pollMs: 30,
      onPass: (r) => passes.push(r.samples_added),
    });
    for (const f of fs.readdirSync(path.join(real, 'completions')).sort()) {
      fs.copyFileSync(path.join(real, 'completions', f), path.join(out, f));
      await sleep(80);
    }
    controller.abort();
    const report = await following;
    store.close();
    assert.equal(report.samples_added, 48);
    assert.ok(passes.length >= 3, `expected several passes, got ${passes.join(',')}`);
  });
});
