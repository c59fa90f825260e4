// The alert fold of a bulk ingest, run in the parsing worker's thread (ingest/parsedBatches.ts)
// whenever that thread would otherwise wait for the writer, and between its files. It reads each
// committed batch through its own read-only connection (WAL lets it read while the ingest writes)
// and keeps the detector state in memory; when the ingest's last row is in, the writer asks for
// the result, the fold reads the rest, and the writer saves it in one transaction (update.ts,
// AlertJob.absorb). The parsing thread has slack on two cores, and sharing it costs no second
// isolate or malloc arena (a thread of its own raised peak RSS on 2.1 GB from 272 to 306–313 MB).
import { errorMessage } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { openDatabase } from '../store/database';
import type { SqliteDatabase } from '../store/nativeLoader';
import { Folder, type FoldChanges } from './fold';
import type { StepDetector } from './types';

/** What the fold starts from: the run's watermark and the detectors already off. */
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

/** It reads each row once, in rowid order: a small page cache keeps the process's peak RSS down. */
const FOLD_CACHE_KIB = 4096;
/** Between files, how long the fold sleeps once it has caught up with the writer. */
const IDLE_POLL_MS = 20;

/** The fold's side of the worker: batches while the parser waits, and the result on request. */
export class FoldLoop {
  private db: SqliteDatabase | undefined;
  private folder: Folder | undefined;
  private upto: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private done = false;
  /** A failure is kept and reported when the result is asked for (the writer then folds itself). */
  private failure: string | undefined;

  constructor(
    private readonly job: FoldJob,
    private readonly detectors: readonly StepDetector[],
  ) {
    this.upto = job.upto;
  }

  /** Folds one batch of committed rows if there is one; true when it did. */
  step(): boolean {
    if (this.done || this.failure !== undefined) return false;
    try {
      if (!this.folder) {
        this.db = openDatabase(this.job.db, { readonly: true });
        this.db.pragma(`cache_size = -${FOLD_CACHE_KIB}`);
        this.folder = new Folder(this.db, this.job.runId, this.detectors, new Set(this.job.disabled));
      }
      const last = this.folder.foldBatch(this.upto, this.job.batch);
      if (last === null) return false;
      this.upto = last;
      return true;
    } catch (e) {
      this.failure = errorMessage(e);
      return false;
    }
  }

  /** Between jobs: fold what is committed, yielding to messages after each batch. */
  idle(): void {
    if (this.done || this.timer) return;
    const tick = (): void => {
      this.timer = undefined;
      if (this.done) return;
      this.timer = setTimeout(tick, this.step() ? 0 : IDLE_POLL_MS);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Between jobs the parser stops the idle fold, so a job's batches are never held up by it. */
  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The writer committed its last row: fold the rest and hand over what changed. */
  finish(): FoldResult | Error {
    this.pause();
    // The first step opens the connection, so past this loop there is a folder or a failure.
    while (this.step());
    this.done = true;
    try {
      if (this.failure !== undefined || !this.folder) return new Error(this.failure ?? 'the alert fold did not start');
      const folder = this.folder;
      const mark = this.db!.prepare('SELECT coalesce(max(id), 0) FROM samples').pluck().get() as number;
      return { start: this.job.upto, upto: this.upto, mark, samples: folder.samples, from: [...folder.from], ...folder.drain() };
    } catch (e) {
      return new Error(errorMessage(e));
    } finally {
      this.db?.close();
    }
  }
}
