// Parsed batches of a JSON-lines file, for passJsonl to write: read, parsed, validated and with
// reflection keywords counted. A large pass runs them in a worker thread (ingestWorker.ts) while this
// thread writes the previous batch, so on two cores parsing costs no wall time; a small one (a tail
// poll) parses here, where a worker's start would cost more than it saves.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { FoldJob, FoldResult } from '../alerts/foldWorker';
import { BatchParser, type BatchSource, type ParsedBatch, type ParseJob } from './batchParser';
import type { TrlRead } from './trlFormat';

/** A pass with at least this many new bytes of JSON lines (over all its files) parses in a worker thread. */
export const WORKER_MIN_BYTES = 8 << 20;

/** Batches the worker may run ahead of the writer: bounds memory to a few batches of text. */
const AHEAD = 2;

/**
 * Rows per batch from a worker, and so per transaction: more only holds more text in memory.
 * Measured on the bench's 2.1 GB native JSONL end to end: 1000 rows peaked at 284–296 MB RSS
 * (budget 300) in 36.9–37.6 s, 500 rows at 216–220 MB in 36.4–37.5 s, 250 rows at 197 MB in 39.0 s.
 */
const WORKER_BATCH_ROWS = 500;

/**
 * The worker's script: the bundle's ingestWorker.js beside this bundle, or under tsx the TypeScript
 * source through tsx's require hook. Undefined when neither is there (parsing then stays here).
 * The alert fold (alerts/foldWorker.ts) runs in the same script.
 */
export function workerSource(): { code: string; eval: boolean } | undefined {
  const bundled = path.join(__dirname, 'ingestWorker.js');
  if (!__filename.endsWith('.ts')) return fs.existsSync(bundled) ? { code: bundled, eval: false } : undefined;
  const ts = path.join(__dirname, 'ingestWorker.ts');
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve('tsx/cjs');
  } catch {
    return undefined;
  }
  return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, eval: true };
}

/** What the worker posts, tagged with the job it belongs to (the alert fold's answer has none). */
export type JobMessage =
  { job: number; kind: 'batch'; batch: ParsedBatch } | { job: number; kind: 'end' } | { job: number; kind: 'error'; message: string };
export type WorkerMessage =
  | JobMessage
  | { job: 0; kind: 'fold'; result: FoldResult }
  | { job: 0; kind: 'fold-error'; message: string }
  | { job: number; kind: 'trl'; read: TrlRead }
  | { job: number; kind: 'trl-error'; message: string; badInput: boolean };

/** What the writer posts to the worker: a range to parse, a TRL parquet to read, or the alert fold's result. */
export type WorkerRequest =
  | { kind: 'parse'; job: WorkerJob }
  | { kind: 'trl'; id: number; file: string; rewardNames: string[] | null; reflection: ParseJob['reflection'] }
  | { kind: 'finish-fold' };

/** While the writer is behind, the parser folds alerts, or sleeps at most this long before looking again. */
const FOLD_WAIT_MS = 20;

/** A job sent to the worker: the range to parse and its id. */
export interface WorkerJob extends ParseJob {
  id: number;
}

interface OpenJob {
  queue: JobMessage[];
  waiting: ((m: JobMessage | 'stopped') => void) | undefined;
  /** The worker was stopped before this job had handed out a batch: it parses here instead. */
  stopped: boolean;
}

/**
 * One parsing worker thread, reused for every file of an ingest pass. Jobs queue in the worker and
 * run in order, so the next file's job can be posted while this thread still writes the current
 * one's batches: a verl dump (one small file per step) then overlaps parsing and writing across
 * files instead of waiting for each file's first batch.
 */
export class ParseWorker {
  /** [0]: batches posted and not yet taken, over all jobs; [1]: 1 when the writer stopped early. */
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, OpenJob>();
  private nextId = 1;
  /** Set when the thread failed: later jobs parse on the calling thread instead. */
  failed = false;
  /** TRL parquet reads asked of the thread and not answered yet. */
  private readonly trl = new Map<number, { file: string; resolve: (r: TrlRead) => void; reject: (e: Error) => void }>();
  /** The alert fold: asked of the first thread started; its state dies with that thread. */
  private fold: { job: FoldJob; state: 'waiting' | 'running' | 'lost'; answer?: (r: FoldResult | Error) => void } | undefined;

  private constructor(
    private readonly src: { code: string; eval: boolean },
    fold: FoldJob | undefined,
  ) {
    if (fold) this.fold = { job: fold, state: 'waiting' };
  }

  /** Undefined where no worker script exists (then parsing stays on this thread). `fold`: alerts too. */
  static create(fold?: FoldJob): ParseWorker | undefined {
    const src = workerSource();
    return src ? new ParseWorker(src, fold) : undefined;
  }

  /**
   * After the last row is committed: the alert fold's result, an Error when the thread that held it
   * failed or was restarted, or undefined when no fold ran (then the writer folds, as without one).
   */
  async finishFold(): Promise<FoldResult | Error | undefined> {
    const fold = this.fold;
    if (!fold || fold.state === 'waiting') return undefined;
    if (fold.state === 'lost' || !this.worker) return new Error('the parsing worker stopped, and its alert fold with it');
    const answer = new Promise<FoldResult | Error>((resolve) => (fold.answer = resolve));
    this.worker.postMessage({ kind: 'finish-fold' } satisfies WorkerRequest);
    return answer;
  }

  private foldLost(message: string): void {
    const fold = this.fold;
    if (!fold || fold.state !== 'running') return;
    fold.state = 'lost';
    fold.answer?.(new Error(message));
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    Atomics.store(this.flags, 0, 0);
    Atomics.store(this.flags, 1, 0);
    const folding = this.fold?.state === 'waiting' ? this.fold : undefined;
    if (folding) folding.state = 'running';
    const w = new Worker(this.src.code, {
      eval: this.src.eval,
      workerData: { flags: this.flags, alerts: folding?.job },
      // Its garbage is short-lived: a small young generation keeps the process's peak RSS down
      // (measured on 100 MB: 8 MiB, 1000-row batches 245 MB; default, 4000 rows 433 MB; same speed).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'fold' || m.kind === 'fold-error') this.fold?.answer?.(m.kind === 'fold' ? m.result : new Error(m.message));
      else if (m.kind === 'trl' || m.kind === 'trl-error') this.answerTrl(m);
      else this.deliver(m.job, m);
    });
    const fail = (message: string): void => {
      this.foldLost(message);
      this.trlLost(message);
      // The file in hand reports it; the pass's later files parse on this thread.
      this.failed = true;
      // The oldest open job is the one being written; jobs queued behind it parse here instead.
      const [current, ...queued] = [...this.jobs.keys()];
      if (current !== undefined) this.deliver(current, { job: current, kind: 'error', message });
      for (const id of queued) this.deliver(id, 'stopped');
    };
    w.on('error', (e) => fail(`the parsing worker failed: ${errorMessage(e)}`));
    w.on('exit', () => fail('the parsing worker exited'));
    this.worker = w;
    return w;
  }

  private deliver(id: number, m: JobMessage | 'stopped'): void {
    const j = this.jobs.get(id);
    if (!j) return;
    const w = j.waiting;
    if (w) {
      j.waiting = undefined;
      w(m);
    } else if (m === 'stopped') j.stopped = true;
    else j.queue.push(m);
  }

  /**
   * Reads, decodes and counts the keywords of a TRL parquet in the thread. Rejects with the file's
   * LensError for bad input, or a plain Error when the thread went away (then read it here).
   */
  readTrl(file: string, rewardNames: ReadonlySet<string> | undefined, reflection: ParseJob['reflection']): Promise<TrlRead> {
    const id = this.nextId++;
    return new Promise<TrlRead>((resolve, reject) => {
      this.trl.set(id, { file, resolve, reject });
      this.ensure().postMessage({
        kind: 'trl',
        id,
        file,
        rewardNames: rewardNames ? [...rewardNames] : null,
        reflection,
      } satisfies WorkerRequest);
    });
  }

  private answerTrl(m: Extract<WorkerMessage, { kind: 'trl' | 'trl-error' }>): void {
    const p = this.trl.get(m.job);
    this.trl.delete(m.job);
    if (m.kind === 'trl') p?.resolve(m.read);
    else p?.reject(m.badInput ? new LensError(ErrorCode.BadInput, m.message, { file: p.file }) : new Error(m.message));
  }

  private trlLost(message: string): void {
    for (const p of this.trl.values()) p.reject(new Error(message));
    this.trl.clear();
  }

  /** Queues a job; its batches come from the returned source, in order after earlier jobs'. */
  run(job: ParseJob): BatchSource {
    const id = this.nextId++;
    const open: OpenJob = { queue: [], waiting: undefined, stopped: false };
    this.jobs.set(id, open);
    this.ensure().postMessage({ kind: 'parse', job: { ...job, id } } satisfies WorkerRequest);
    let ended = false;
    let taken = 0;
    let fallback: BatchParser | undefined;
    return {
      next: async () => {
        if (fallback) return fallback.next();
        if (ended) return undefined;
        const m =
          open.queue.shift() ??
          (open.stopped ? 'stopped' : await new Promise<JobMessage | 'stopped'>((resolve) => (open.waiting = resolve)));
        if (m === 'stopped') {
          // Another file's early stop ended the worker before this job began: nothing of it was
          // written, so parsing it here from the same start gives the same batches.
          if (taken > 0) throw new Error('the parsing worker was stopped');
          fallback = new BatchParser(job);
          return fallback.next();
        }
        if (m.kind === 'error') {
          ended = true;
          this.jobs.delete(id);
          await this.stop();
          throw new Error(m.message);
        }
        if (m.kind === 'end') {
          ended = true;
          this.jobs.delete(id);
          return undefined;
        }
        taken++;
        Atomics.sub(this.flags, 0, 1);
        Atomics.notify(this.flags, 0);
        return m.batch;
      },
      close: async () => {
        this.jobs.delete(id);
        // Stopped before its end (a cancel, a failed write): the worker may be mid-batch; a fresh one
        // for the next job is simpler than telling its late messages apart.
        if (!ended && !fallback) await this.stop();
      },
    };
  }

  /** Ends the thread; jobs queued in it parse on this thread, a later job starts a new one. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    this.foldLost('the parsing worker stopped, and its alert fold with it');
    this.trlLost('the parsing worker stopped');
    Atomics.store(this.flags, 1, 1);
    Atomics.notify(this.flags, 0);
    w.removeAllListeners('exit');
    w.removeAllListeners('message');
    w.removeAllListeners('error');
    w.on('error', () => undefined);
    await w.terminate();
    for (const [id, j] of this.jobs) {
      j.queue.length = 0;
      this.deliver(id, 'stopped');
    }
  }
}

class InlineBatches implements BatchSource {
  constructor(private readonly parser: BatchParser) {}
  next(): Promise<ParsedBatch | undefined> {
    return Promise.resolve(this.parser.next());
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Batches of a byte range: from the pass's worker when it has one, else parsed on this thread. */
export function parsedBatches(job: ParseJob, worker: ParseWorker | undefined): BatchSource {
  if (!worker || worker.failed) return new InlineBatches(new BatchParser(job));
  return worker.run({ ...job, batchRows: Math.min(job.batchRows, WORKER_BATCH_ROWS) });
}

/** The worker's loop (ingestWorker.ts): post batches, at most AHEAD untaken, until the end or a stop. */
export function runParseWorker(job: WorkerJob, flags: Int32Array, post: (m: WorkerMessage) => void, foldStep?: () => boolean): void {
  const id = job.id;
  try {
    const parser = new BatchParser(job);
    for (;;) {
      for (let n = Atomics.load(flags, 0); n >= AHEAD; n = Atomics.load(flags, 0)) {
        if (Atomics.load(flags, 1)) return;
        // Ahead of the writer: time for a batch of the alert fold, if it has committed rows.
        if (foldStep?.()) continue;
        Atomics.wait(flags, 0, n, foldStep ? FOLD_WAIT_MS : undefined);
      }
      if (Atomics.load(flags, 1)) return;
      const batch = parser.next();
      if (!batch) break;
      Atomics.add(flags, 0, 1);
      post({ job: id, kind: 'batch', batch });
    }
    post({ job: id, kind: 'end' });
  } catch (e) {
    post({ job: id, kind: 'error', message: errorMessage(e) });
  }
}
