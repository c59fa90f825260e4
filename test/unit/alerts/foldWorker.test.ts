// The alert fold of a bulk ingest runs in the parsing worker's thread beside it (alerts/foldWorker.ts):
// the alerts, the saved detector state and the watermark must equal the fold on the ingesting thread.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DETECTORS, alertFoldJob, updateAlerts, updateAlertsAsync } from '../../../src/core/alerts/update';
import { FoldLoop } from '../../../src/core/alerts/foldWorker';
import { ParseWorker } from '../../../src/core/ingest/parsedBatches';
import * as fs from 'node:fs';
import { alertRows } from '../../../src/core/alerts/alertList';
import { Ingestor, type IngestOptions } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import type { NativeRollout } from '../../../src/shared/rollout';
import { tempDir, writeJsonl } from '../../helpers';

/**
 * 20 steps of 4 groups × 4 (sample id 16·step + 4·group + index + 1). Group p is all-correct from
 * step 4·(p + 1) on; at step 12 one response is empty, one loops and one has three boxed answers.
 */
function row(s: number, p: number, i: number): NativeRollout {
  const c = p < Math.min(4, Math.floor(s / 4)) || (s + p + i) % 2 === 0;
  let response = `Adding ${p} and ${i} gives the result. The answer is \\boxed{${c ? p + i : p + i + 1}}.`;
  if (s === 12 && p === 0 && i === 0) response = '';
  if (s === 12 && p === 1 && i === 1) response = 'the answer is five '.repeat(30);
  if (s === 12 && p === 2 && i === 2) response = 'Either \\boxed{1} or \\boxed{2} or \\boxed{3}.';
  return {
    step: s,
    group: `s${s}-p${p}`,
    index: i,
    prompt: `What is ${p} + ${i}?`,
    response,
    reward: c ? 1 : 0,
    correct: c,
    components: { correctness: c ? 1 : 0 },
  };
}

const rows = (steps: readonly number[]): NativeRollout[] =>
  steps.flatMap((s) => [0, 1, 2, 3].flatMap((p) => [0, 1, 2, 3].map((i) => row(s, p, i))));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, k) => a + k);

async function ingest(db: string, data: readonly NativeRollout[], name: string, opts: Partial<IngestOptions>): Promise<Ingestor> {
  const file = path.join(path.dirname(db), name);
  writeJsonl(file, data);
  const store = Store.open(db);
  try {
    const ing = new Ingestor(store, [file], { run: 'r', enrich: false, ...opts });
    await ing.ingestOnce();
    return ing;
  } finally {
    store.close();
  }
}

interface Saved {
  alerts: Array<[string, number, number[]]>;
  states: number;
  stateText: string;
  upto: number;
}

function saved(db: string): Saved {
  const store = Store.open(db);
  try {
    const runId = store.requireRun('r').id;
    const states = store.db
      .prepare('SELECT step_id, detector, state FROM alert_step_state ORDER BY step_id, detector')
      .raw()
      .all() as unknown[][];
    return {
      alerts: alertRows(store, runId).map((a) => [a.kind, a.step, a.samples]),
      states: states.length,
      stateText: JSON.stringify(states),
      upto: store.db.prepare('SELECT samples_upto FROM alert_runs WHERE run_id = ?').pluck().get(runId) as number,
    };
  } finally {
    store.close();
  }
}

const EXPECTED: Saved['alerts'] = [
  ['degenerate_output', 12, [193, 198, 203]],
  // Groups 0–2 are all-correct at step 12: ids 193–204.
  ['saturation', 12, [193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204]],
];

describe('the alert fold beside a bulk ingest', () => {
  it('folds in a worker thread and saves the same alerts, state rows and watermark as the fold after the ingest', async () => {
    const here = path.join(tempDir('rl-fold-'), 'a.db');
    const here_ = await ingest(here, rows(range(0, 20)), 'a.jsonl', { alerts: { batch: 13 } });
    assert.equal(here_.alertWorker, undefined);
    const worker = path.join(tempDir('rl-fold-'), 'a.db');
    const worker_ = await ingest(worker, rows(range(0, 20)), 'a.jsonl', { workerMinBytes: 0, alerts: { batch: 13 } });
    assert.equal(worker_.alertWorker, 'absorbed');
    const a = saved(here);
    assert.deepEqual(a.alerts, EXPECTED);
    // 20 steps × 5 feeding detectors (length, format, boxes, segments, degenerate); the watermark is the last id.
    assert.equal(a.states, 100);
    assert.equal(a.upto, 320);
    assert.deepEqual(saved(worker), a);
  });

  it('two bulk passes (steps 0–9, then 10–19) with the worker equal one pass without it', async () => {
    const once = path.join(tempDir('rl-fold-'), 'a.db');
    await ingest(once, rows(range(0, 20)), 'a.jsonl', {});
    const twice = path.join(tempDir('rl-fold-'), 'a.db');
    const first = await ingest(twice, rows(range(0, 10)), 'a.jsonl', { workerMinBytes: 0, alerts: { batch: 7 } });
    assert.equal(first.alertWorker, 'absorbed');
    assert.deepEqual(saved(twice).alerts, []);
    const second = await ingest(twice, rows(range(10, 20)), 'b.jsonl', { workerMinBytes: 0, alerts: { batch: 7 } });
    assert.equal(second.alertWorker, 'absorbed');
    assert.deepEqual(saved(twice), saved(once));
  });

  it('discards the worker’s fold when another pass folded the same samples first: nothing counts twice', async () => {
    const db = path.join(tempDir('rl-fold-'), 'a.db');
    await ingest(db, rows(range(0, 20)), 'a.jsonl', { alerts: false });
    const store = Store.open(db);
    try {
      const runId = store.requireRun('r').id;
      // The fold the parsing worker runs, here on this thread; it reads everything stored.
      const job = alertFoldJob(store, runId, {});
      assert.ok(job);
      const folded = new FoldLoop(job, DETECTORS).finish();
      assert.ok(!(folded instanceof Error));
      assert.equal(folded.samples, 320);
      // A dashboard's alert list folds everything before the ingest saves the worker's result.
      updateAlerts(store, runId);
      const r = await updateAlertsAsync(store, runId, { folded });
      assert.equal(r.worker, 'discarded');
      assert.equal(r.samples, 0);
    } finally {
      store.close();
    }
    const once = path.join(tempDir('rl-fold-'), 'a.db');
    await ingest(once, rows(range(0, 20)), 'a.jsonl', {});
    assert.deepEqual(saved(db), saved(once));
  });

  it('a parsing worker stopped mid-pass loses its fold, and says so', async () => {
    const db = path.join(tempDir('rl-fold-'), 'a.db');
    await ingest(db, rows(range(0, 2)), 'a.jsonl', { alerts: false });
    const store = Store.open(db);
    try {
      const worker = ParseWorker.create(alertFoldJob(store, store.requireRun('r').id, {}));
      assert.ok(worker);
      // Before any parse job no thread ran, so there is no fold to ask for.
      assert.equal(await worker.finishFold(), undefined);
      const file = path.join(path.dirname(db), 'a.jsonl');
      const fd = fs.openSync(file, 'r');
      try {
        const src = worker.run({
          fd,
          file,
          offset: 0,
          line: 0,
          limit: fs.statSync(file).size,
          format: 'native',
          split: 'train',
          batchRows: 8,
          reflection: null,
          state: null,
        });
        assert.equal((await src.next())?.items.length, 8);
        await worker.stop();
        const r = await worker.finishFold();
        assert.ok(r instanceof Error);
        assert.equal(r.message, 'the parsing worker stopped, and its alert fold with it');
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      store.close();
    }
  });

  it('a fold that failed leaves the fold to the ingesting thread, with the same result', async () => {
    const db = path.join(tempDir('rl-fold-'), 'a.db');
    await ingest(db, rows(range(0, 20)), 'a.jsonl', { alerts: false });
    const store = Store.open(db);
    try {
      const r = await updateAlertsAsync(store, store.requireRun('r').id, { folded: new Error('the alert worker exited') });
      assert.equal(r.worker, 'failed: the alert worker exited');
      assert.equal(r.samples, 320);
    } finally {
      store.close();
    }
    assert.deepEqual(saved(db).alerts, EXPECTED);
  });
});
