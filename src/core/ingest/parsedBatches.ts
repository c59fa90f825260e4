// Parsed batches of a JSON-lines file, for passJsonl to write: read, parsed, validated and with
// reflection keywords counted. A large pass runs them in a worker thread (parseWorker.ts) while this
// thread writes the previous batch, so on two cores parsing costs no wall time; a small one (a tail
// poll) parses here, where a worker's start would cost more than it saves.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Split } from '../../shared/rollout';
import { errorMessage } from '../../shared/errors';
import { reflectionMatcher, type ReflectionMatcher, type ReflectionMode } from '../analysis/reflection';
import { LineReader } from './lineReader';
import { parseMetricsLine, parseNativeLine } from './nativeFormat';
import type { ParsedRecord } from './records';
import type { FileFormat } from './sources';
import { parseVerlLine, stepFromFileName } from './verlFormat';

export interface ParsedLine {
  line: number;
  record: ParsedRecord;
  /** Reflection keywords in the sample's response, when a matcher was given. */
  reflections?: number;
}

export interface ParsedBatch {
  items: ParsedLine[];
  /** Reader position after the batch: the cursor committed with it. */
  offset: number;
  line: number;
  /** Lines skipped as too long: [line number, bytes]. */
  oversized: Array<[number, number]>;
}

/** What a worker needs to read and parse a byte range of an open file the same way as here. */
export interface ParseJob {
  fd: number;
  file: string;
  offset: number;
  line: number;
  limit: number;
  format: FileFormat;
  split: Split;
  batchRows: number;
  reflection: { keywords: readonly string[]; mode: ReflectionMode } | null;
}

export interface BatchSource {
  /** The next batch; undefined at the end of the range. */
  next(): Promise<ParsedBatch | undefined>;
  close(): Promise<void>;
}

export function lineParser(format: FileFormat, split: Split, file: string): (text: string) => ParsedRecord {
  switch (format) {
    case 'native':
      return (t) => parseNativeLine(t, split);
    case 'verl': {
      const step = stepFromFileName(path.basename(file));
      return (t) => parseVerlLine(t, split, step);
    }
    case 'native-metrics':
    case 'verl-metrics':
      return parseMetricsLine;
    default:
      throw new Error(`not a JSON-lines format: ${format}`);
  }
}

/** Reads and parses batches synchronously: the code the worker runs, and the small-read path. */
export class BatchParser {
  private readonly reader: LineReader;
  private readonly parse: (text: string) => ParsedRecord;
  private readonly matcher: ReflectionMatcher | undefined;

  constructor(private readonly job: ParseJob) {
    this.reader = new LineReader(job.fd, job.offset, job.line, job.limit);
    this.parse = lineParser(job.format, job.split, job.file);
    this.matcher = job.reflection ? reflectionMatcher(job.reflection) : undefined;
  }

  next(): ParsedBatch | undefined {
    const lines = this.reader.next(this.job.batchRows);
    if (lines.length === 0) return undefined;
    const items: ParsedLine[] = new Array<ParsedLine>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const record = this.parse(l.text);
      items[i] =
        record.kind === 'sample' && this.matcher
          ? { line: l.line, record, reflections: this.matcher.count(record.sample.response) }
          : { line: l.line, record };
    }
    return { items, offset: this.reader.offset, line: this.reader.line, oversized: this.reader.oversized.splice(0) };
  }
}

/** A pass with at least this many new bytes of JSON lines (over all its files) parses in a worker thread. */
export const WORKER_MIN_BYTES = 8 << 20;

/** Batches the worker may run ahead of the writer: bounds memory to a few batches of text. */
const AHEAD = 2;

/** Rows per batch from a worker, and so per transaction: more only holds more text in memory. */
const WORKER_BATCH_ROWS = 1000;

/**
 * The worker's script: the bundle's ingestWorker.js beside this bundle, or under tsx the TypeScript
 * source through tsx's require hook. Undefined when neither is there (parsing then stays here).
 */
function workerSource(): { code: string; eval: boolean } | undefined {
  const bundled = path.join(__dirname, 'ingestWorker.js');
  if (!__filename.endsWith('.ts')) return fs.existsSync(bundled) ? { code: bundled, eval: false } : undefined;
  const ts = path.join(__dirname, 'parseWorker.ts');
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve('tsx/cjs');
  } catch {
    return undefined;
  }
  return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, eval: true };
}

export type WorkerMessage = { kind: 'batch'; batch: ParsedBatch } | { kind: 'end' } | { kind: 'error'; message: string };

/**
 * One parsing worker thread, reused for every file of an ingest pass (a verl dump is one small file
 * per step: a worker per file would cost its start each time). One job at a time.
 */
export class ParseWorker {
  private readonly queue: WorkerMessage[] = [];
  private waiting: ((m: WorkerMessage) => void) | undefined;
  /** [0]: batches posted and not yet taken; [1]: 1 when the writer stopped early. */
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private worker: Worker | undefined;
  private busy = false;
  /** Set when the thread failed: later jobs parse on the calling thread instead. */
  failed = false;

  private constructor(private readonly src: { code: string; eval: boolean }) {}

  /** Undefined where no worker script exists (then parsing stays on this thread). */
  static create(): ParseWorker | undefined {
    const src = workerSource();
    return src ? new ParseWorker(src) : undefined;
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.src.code, {
      eval: this.src.eval,
      workerData: { flags: this.flags },
      // Its garbage is short-lived: a small young generation keeps the process's peak RSS down
      // (measured on 100 MB: 8 MiB, 1000-row batches 245 MB; default, 4000 rows 433 MB; same speed).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    w.on('message', (m: WorkerMessage) => this.push(m));
    w.on('error', (e) => {
      // The file in hand reports it; the pass's other files parse on this thread.
      this.failed = true;
      this.push({ kind: 'error', message: `the parsing worker failed: ${errorMessage(e)}` });
    });
    w.on('exit', () => this.push({ kind: 'error', message: 'the parsing worker exited' }));
    this.worker = w;
    return w;
  }

  private push(m: WorkerMessage): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w(m);
    } else this.queue.push(m);
  }

  /** Starts a job; its batches come from the returned source, which must be closed before the next. */
  run(job: ParseJob): BatchSource {
    if (this.busy) throw new Error('ParseWorker.run: the previous job is still open');
    this.busy = true;
    Atomics.store(this.flags, 0, 0);
    Atomics.store(this.flags, 1, 0);
    this.ensure().postMessage(job);
    let ended = false;
    return {
      next: async () => {
        if (ended) return undefined;
        const m = this.queue.shift() ?? (await new Promise<WorkerMessage>((resolve) => (this.waiting = resolve)));
        if (m.kind === 'error') {
          ended = true;
          await this.stop();
          throw new Error(m.message);
        }
        if (m.kind === 'end') {
          ended = true;
          return undefined;
        }
        Atomics.sub(this.flags, 0, 1);
        Atomics.notify(this.flags, 0);
        return m.batch;
      },
      close: async () => {
        // Stopped before its end (a cancel, a failed write): the worker may be mid-batch; a fresh one
        // for the next job is simpler than telling its late messages apart.
        if (!ended) await this.stop();
        this.busy = false;
      },
    };
  }

  /** Ends the thread; a later job starts a new one. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.queue.length = 0;
    this.waiting = undefined;
    if (!w) return;
    Atomics.store(this.flags, 1, 1);
    Atomics.notify(this.flags, 0);
    w.removeAllListeners('exit');
    w.removeAllListeners('message');
    await w.terminate();
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

/** The worker's loop (parseWorker.ts): post batches, at most AHEAD untaken, until the end or a stop. */
export function runParseWorker(job: ParseJob, flags: Int32Array, post: (m: WorkerMessage) => void): void {
  try {
    const parser = new BatchParser(job);
    for (;;) {
      for (let n = Atomics.load(flags, 0); n >= AHEAD; n = Atomics.load(flags, 0)) {
        if (Atomics.load(flags, 1)) return;
        Atomics.wait(flags, 0, n);
      }
      if (Atomics.load(flags, 1)) return;
      const batch = parser.next();
      if (!batch) break;
      Atomics.add(flags, 0, 1);
      post({ kind: 'batch', batch });
    }
    post({ kind: 'end' });
  } catch (e) {
    post({ kind: 'error', message: errorMessage(e) });
  }
}
