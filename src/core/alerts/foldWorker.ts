// The alert fold of a bulk ingest, in a worker thread beside it. It reads each committed batch
// through its own read-only connection (WAL lets it read while the ingest writes) and keeps the
// detector state in memory; when the ingest's last batch is in, it folds the rest and hands the
// state back, and the ingesting thread saves it in one transaction (update.ts, AlertJob.absorb).
// On two cores this takes the fold (re-reading every response, ~0.5 s per 100 MB) off the wait.
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { openDatabase } from '../store/database';
import { workerSource } from '../ingest/parsedBatches';
import { Folder, type FoldChanges } from './fold';
import type { StepDetector } from './types';

/** What the worker starts from: the run's watermark and the detectors already off. */
export interface FoldJob {
  db: string;
  runId: number;
  upto: number;
  disabled: string[];
  batch: number;
}

export interface FoldResult extends FoldChanges {
  /** The watermark it started from: the result only holds if nobody folded since. */
  start: number;
  /** The run's last sample folded, or `start`. */
  upto: number;
  /** max(samples.id) once nothing of the run was left: later ids belong to other runs. */
  mark: number;
  samples: number;
  from: Array<[Split, number]>;
}

export type FoldMessage = { kind: 'done'; result: FoldResult } | { kind: 'error'; message: string };

const FOLD_CACHE_KIB = 4096;

/** How long the worker sleeps when it has caught up with the ingest. */
const POLL_MS = 20;

/** The worker's loop (parseWorker.ts). flags[0] becomes 1 once the ingest committed its last row. */
export function runAlertFold(job: FoldJob, detectors: readonly StepDetector[], flags: Int32Array, post: (m: FoldMessage) => void): void {
  let db;
  try {
    db = openDatabase(job.db, { readonly: true });
    // It reads each row once, in rowid order: a small page cache keeps the process's peak RSS down.
    db.pragma(`cache_size = -${FOLD_CACHE_KIB}`);
    const folder = new Folder(db, job.runId, detectors, new Set(job.disabled));
    let upto = job.upto;
    for (;;) {
      // Read before folding: a fold after the flag was seen has seen the last commit.
      const ended = Atomics.load(flags, 0) === 1;
      for (let last = folder.foldBatch(upto, job.batch); last !== null; last = folder.foldBatch(upto, job.batch)) upto = last;
      if (ended) break;
      Atomics.wait(flags, 0, 0, POLL_MS);
    }
    const mark = db.prepare('SELECT coalesce(max(id), 0) FROM samples').pluck().get() as number;
    post({ kind: 'done', result: { start: job.upto, upto, mark, samples: folder.samples, from: [...folder.from], ...folder.drain() } });
  } catch (e) {
    post({ kind: 'error', message: errorMessage(e) });
  } finally {
    db?.close();
  }
}

/** One fold worker for one ingest pass. */
export class AlertFoldWorker {
  private readonly result: Promise<FoldResult | Error>;

  private constructor(
    private readonly worker: Worker,
    private readonly flags: Int32Array,
  ) {
    this.result = new Promise((resolve) => {
      worker.once('message', (m: FoldMessage) => resolve(m.kind === 'done' ? m.result : new Error(m.message)));
      worker.once('error', (e) => resolve(new Error(`the alert worker failed: ${errorMessage(e)}`)));
      worker.once('exit', () => resolve(new Error('the alert worker exited')));
    });
  }

  /** Undefined where no worker script exists (the fold then runs after the ingest, on this thread). */
  static start(job: FoldJob): AlertFoldWorker | undefined {
    const src = workerSource();
    if (!src) return undefined;
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(src.code, {
      eval: src.eval,
      workerData: { flags, alerts: job },
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    return new AlertFoldWorker(w, flags);
  }

  /** The ingest's rows are all committed: the worker folds the rest and answers. */
  async finish(): Promise<FoldResult | Error> {
    Atomics.store(this.flags, 0, 1);
    Atomics.notify(this.flags, 0);
    const r = await this.result;
    await this.worker.terminate();
    return r;
  }

  /** The ingest failed or was stopped: nothing of the fold is kept. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
