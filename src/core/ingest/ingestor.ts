// Ingests rollouts and metrics from paths into one run, once or following the files as they grow.
import * as path from 'node:path';
import { ErrorCode, LensError, errorMessage, isLensError } from '../../shared/errors';
import type { FormatChoice, Grouping, IngestError, IngestReport, ProgressInfo, RolloutFormat, Split } from '../../shared/rollout';
import { FileCursors } from '../store/files';
import { RolloutWriter } from '../store/rolloutWriter';
import type { Store } from '../store/store';
import { enrichPending } from '../store/enrich';
import { reflectionMatcher, type ReflectionMatcher } from '../analysis/reflection';
import * as fs from 'node:fs';
import { progressOf, type PassContext, type PassCounters } from './filePass';
import { FORMATS, type RunNotes } from './formats';
import { openJsonl, passJsonl, type OpenedJsonl } from './jsonlFile';
import { ParseWorker, WORKER_MIN_BYTES } from './parsedBatches';
import { discover, type Discovery, type SourceFile } from './sources';
import { inferredGroupSizeWarnings, leastCertain, saveRunGrouping } from './grouping';
import type { TrlAhead } from './wholeFile';
import { alertFoldJob, updateAlertsAsync, type AlertOptions } from '../alerts/update';
import type { FoldJob, FoldResult } from '../alerts/foldWorker';
import type { AlertPassReport } from '../alerts/types';
import { breathe } from '../breathe';

export interface IngestOptions {
  run: string;
  format?: FormatChoice;
  split?: Split;
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
  /** Rows per transaction: a few thousand is the measured sweet spot (docs/testing.md#sqlite-throughput). */
  batchRows?: number;
  /** After each pass, index text for search and count reflection keywords (default true). */
  enrich?: boolean;
  /** Keywords counted per response (default: the simplerl preset, whole words). */
  reflection?: ReflectionMatcher;
  /**
   * Rollouts per prompt (NeMo-RL `grpo.num_generations_per_prompt`): groups become fixed blocks of
   * this many rows. Without it, a block is a run of consecutive rows with the same prompt.
   */
  groupSize?: number;
  /**
   * Dataset files (JSON list or JSONL rows) for formats whose rollouts name their prompt or image
   * only by what they share with its dataset row (`--dataset`; docs/cli.md#ingest).
   */
  datasets?: readonly string[];
  /** Where the datasets' relative image paths start (`--image-root`; default: each dataset file's folder). */
  imageRoot?: string;
  /** Where the annotations' videos are (`--video-root`; default: each annotation file's folder), as the trainers' --video_folder. */
  videoRoot?: string;
  /** Reward-hacking alerts after each pass (thresholds, detectors); false skips them. */
  alerts?: AlertOptions | false;
  /** Problems that do not stop the ingest (a failed alert detector). */
  onWarning?: (message: string) => void;
  /** Reads at least this large parse in a worker thread (default 8 MiB; tests set 0 to force it). */
  workerMinBytes?: number;
}

export interface FollowOptions {
  pollMs?: number;
  /** Called after every pass that changed something. */
  onPass?: (report: IngestReport) => void;
}

const MAX_ERRORS = 1000;
const BULK_CACHE_KIB = 16 << 10;

/** Default run name for a path: its base name reduced to the run-name alphabet. */
export function defaultRunName(p: string): string {
  const base = path.basename(path.resolve(p)).replace(/\.(jsonl|parquet|json)$/, '');
  const cleaned = base
    .replace(/[^A-Za-z0-9._@+=-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return cleaned || 'run';
}

/** A file of a pass, opened ahead of its turn when it is JSON lines. */
interface Prepared {
  file: SourceFile;
  opened?: OpenedJsonl;
  /** A whole file being read in the worker. */
  ahead?: TrlAhead | undefined;
  error?: unknown;
}

const isJsonl = (f: SourceFile): boolean => FORMATS.get(f.format).reads === 'lines';
const readFirst = (f: SourceFile): boolean => {
  const fmt = FORMATS.get(f.format);
  return fmt.reads === 'whole-file' && fmt.readFirst === true;
};

export class Ingestor {
  private readonly runId: number;
  private readonly ctx: PassContext;
  private readonly notes: RunNotes = { rewardNames: new Set() };
  private readonly report: IngestReport;
  private readonly seenSteps = new Set<string>();
  private readonly formats = new Set<RolloutFormat>();
  private readonly filesSeen = new Set<string>();
  private readonly groupings = new Set<Grouping>();
  private readonly warnings = new Set<string>();
  private doneBytes = 0;
  /** How the last pass's alert fold went in the parsing worker, if it ran there (tests read it). */
  alertWorker: AlertPassReport['worker'];

  constructor(
    private readonly store: Store,
    private readonly paths: readonly string[],
    private readonly opts: IngestOptions,
  ) {
    this.runId = store.ensureRun(opts.run, null);
    // With enrichment on, rows are indexed and counted as they are written (the catch-up pass after
    // each pass then finds nothing to do, unless an earlier ingest left a backlog).
    const matcher = opts.enrich === false ? undefined : (opts.reflection ?? reflectionMatcher());
    this.ctx = {
      store,
      cursors: new FileCursors(store.db),
      writer: new RolloutWriter(store.db, this.runId, matcher),
      runId: this.runId,
      batchRows: opts.batchRows ?? 4000,
      ...(opts.groupSize ? { groupSize: opts.groupSize } : {}),
      ...(opts.datasets?.length ? { datasets: opts.datasets.map((d) => path.resolve(d)) } : {}),
      ...(opts.imageRoot ? { imageRoot: path.resolve(opts.imageRoot) } : {}),
      ...(opts.videoRoot ? { videoRoot: path.resolve(opts.videoRoot) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(matcher ? { reflection: matcher } : {}),
      breathe,
    };
    this.report = {
      run: opts.run,
      format: 'none',
      files: 0,
      samples_added: 0,
      samples_duplicate: 0,
      steps: 0,
      metrics_added: 0,
      errors: [],
      skipped: [],
    };
    // A crash may have left steps whose statistics were not recomputed.
    store.recomputeSteps(this.runId);
  }

  /** Reads everything there is now, once. */
  async ingestOnce(): Promise<IngestReport> {
    const d = this.discover(false);
    if (d.files.length === 0 && d.pending.length === 0) {
      const why = d.unknown.length ? `; not recognised: ${d.unknown.map((u) => `${u.path} (${u.reason})`).join('; ')}` : '';
      throw new LensError(ErrorCode.UnknownFormat, `${this.paths.join(', ')}: no rollout or metrics files found${why}`);
    }
    for (const p of d.pending) this.addError({ file: p, line: null, message: 'empty file: no records yet' });
    this.noteSkipped(d);
    await this.pass(d, false);
    return this.snapshot();
  }

  /** Follows the paths until the signal aborts, then drains once more and returns the totals. */
  async follow(opts: FollowOptions): Promise<IngestReport> {
    const pollMs = opts.pollMs ?? 500;
    const signal = this.opts.signal;
    for (;;) {
      const stopping = signal?.aborted === true;
      // The final drain reads what the trainer wrote before the stop, so it is not cancellable.
      if (stopping) this.ctx.signal = undefined;
      const before = progressOf(this.report);
      const d = this.discover(true);
      this.noteSkipped(d);
      await this.pass(d, !stopping);
      if (progressOf(this.report) !== before) opts.onPass?.(this.snapshot());
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          clearTimeout(t);
          resolve();
        };
        // The listener goes when the timer fires: one per poll would pile up over a long run.
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, pollMs);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    delete this.report.cancelled;
    return this.snapshot();
  }

  /** Records each file not read (once, also while following). */
  private noteSkipped(d: Discovery): void {
    for (const u of [...d.unknown, ...d.skipped]) {
      if (this.report.skipped.length >= MAX_ERRORS) break;
      if (!this.report.skipped.some((s) => s.file === u.path)) this.report.skipped.push({ file: u.path, reason: u.reason });
    }
  }

  private discover(following: boolean): Discovery {
    try {
      return discover(this.paths, this.opts.format ?? 'auto', this.opts.split);
    } catch (e) {
      // While following, a folder that does not exist yet is simply empty.
      if (following && isLensError(e) && e.code === ErrorCode.Unreadable) return { files: [], unknown: [], pending: [], skipped: [] };
      throw e;
    }
  }

  private async pass(d: Discovery, settling: boolean): Promise<void> {
    // Files others depend on first (trainer_state.json names TRL's reward columns).
    const ordered = [...d.files].sort((a, b) => Number(readFirst(b)) - Number(readFirst(a)));
    this.doneBytes = 0;
    let touched = new Set<string>();
    // Enough new JSON lines in this pass (a first ingest, a verl dump of many small files): one worker
    // parses them all while this thread writes. A tail poll's few KB stay here.
    const bulk = this.pendingBytes(ordered) >= (this.opts.workerMinBytes ?? WORKER_MIN_BYTES);
    // Beside a bulk pass, the parsing worker also folds the committed rows for the alerts.
    if (bulk) this.ctx.parseWorker = ParseWorker.create(this.opts.alerts !== false ? this.alertFoldJob(this.opts.alerts ?? {}) : undefined);
    // A bulk pass only appends: SQLite's page cache is cut to BULK_CACHE_KIB for it (measured on
    // 405 MB: peak RSS 284 → 224 MB at the same speed), then given back to the readers.
    const db = this.store.db;
    const cache = bulk ? (db.pragma('cache_size', { simple: true }) as number) : undefined;
    if (cache !== undefined) db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    let folded: FoldResult | Error | undefined;
    try {
      touched = await this.passFiles(ordered, settling);
      folded = await this.ctx.parseWorker?.finishFold();
    } finally {
      if (cache !== undefined) db.pragma(`cache_size = ${cache}`);
      await this.ctx.parseWorker?.stop();
      this.ctx.parseWorker = undefined;
    }
    if (this.ctx.signal?.aborted) this.report.cancelled = true;
    if (this.formats.size === 1) this.store.write(() => this.setRunFormat([...this.formats][0]!));
    if (this.groupings.size) this.store.write(() => saveRunGrouping(this.store.db, this.runId, this.groupings));
    this.store.recomputeSteps(this.runId);
    for (const w of inferredGroupSizeWarnings(this.store.db, this.runId, touched)) this.warnings.add(w);
    for (const w of this.ctx.writer.drainImageWarnings()) this.warnings.add(w);
    if (this.opts.alerts !== false) await this.updateAlerts(this.opts.alerts ?? {}, folded);
    if (this.ctx.reflection) {
      await enrichPending(this.store, this.ctx.reflection, {
        ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
        breathe,
      });
    }
  }

  private alertFoldJob(opts: AlertOptions): FoldJob | undefined {
    try {
      return alertFoldJob(this.store, this.runId, opts);
    } catch {
      // The fold then runs after the pass, on this thread, where a real problem is reported.
      return undefined;
    }
  }

  /** Alerts are advice: whatever goes wrong there is reported and the ingest goes on. */
  private async updateAlerts(opts: AlertOptions, folded: FoldResult | Error | undefined): Promise<void> {
    const warn = (m: string): void => this.opts.onWarning?.(`run ${this.opts.run}: ${m}`);
    try {
      const r = await updateAlertsAsync(this.store, this.runId, {
        onDetectorError: warn,
        ...opts,
        signal: this.ctx.signal,
        breathe,
        folded,
      });
      this.alertWorker = r.worker;
    } catch (e) {
      warn(`alerts not updated: ${isLensError(e) ? e.message : errorMessage(e)}`);
    }
  }

  /** Reads each file of the pass; returns the steps (`split:step`) it touched. */
  private async passFiles(ordered: readonly SourceFile[], settling: boolean): Promise<Set<string>> {
    const touched = new Set<string>();
    // With a worker, the next JSON-lines file is opened (its parse queued behind this one's) before
    // this one is written. Always in list order: the worker runs jobs in the order they were posted.
    let ahead: Prepared | undefined;
    try {
      for (let i = 0; i < ordered.length; i++) {
        const f = ordered[i]!;
        if (this.ctx.signal?.aborted) {
          this.report.cancelled = true;
          break;
        }
        const mine = ahead?.file === f ? ahead : this.prepare(f);
        ahead = undefined;
        const next = ordered[i + 1];
        if (this.ctx.parseWorker && mine.opened && next && isJsonl(next)) ahead = this.prepare(next);
        // A whole file the worker reads (TRL parquet): it decodes the next one while this one is
        // written (the files read first, e.g. trainer_state.json, are never read ahead of).
        if (!mine.ahead) mine.ahead = this.readAhead(f);
        const nextRead = mine.ahead && next ? this.readAhead(next) : undefined;
        if (next && nextRead) ahead = { file: next, ahead: nextRead };
        let counters: PassCounters;
        try {
          counters = await this.passFile(f, settling, mine);
        } catch (e) {
          if (isLensError(e) && (e.code === ErrorCode.DatabaseLocked || e.code === ErrorCode.DatabaseUnusable)) throw e;
          this.addError({ file: f.path, line: null, message: isLensError(e) ? e.message : errorMessage(e) });
          continue;
        }
        this.filesSeen.add(f.path);
        if (f.kind === 'rollouts') this.formats.add(f.format as RolloutFormat);
        this.report.samples_added += counters.added;
        this.report.samples_duplicate += counters.duplicate;
        this.report.metrics_added += counters.metrics;
        if (counters.marked) this.report.samples_marked = (this.report.samples_marked ?? 0) + counters.marked;
        for (const s of counters.steps) {
          this.seenSteps.add(s);
          touched.add(s);
        }
        for (const g of counters.groupings ?? []) this.groupings.add(g);
        for (const e of counters.errors) this.addError({ file: f.path, ...e });
        for (const w of counters.warnings ?? []) if (this.warnings.size < MAX_ERRORS) this.warnings.add(w);
        this.doneBytes += counters.bytes;
      }
    } finally {
      await ahead?.opened?.close();
    }
    return touched;
  }

  /** A changed whole file's read, asked of the pass's worker ahead of its turn; undefined without one. */
  private readAhead(f: SourceFile): TrlAhead | undefined {
    const fmt = FORMATS.get(f.format);
    return fmt.reads === 'whole-file' ? fmt.readAhead?.(this.ctx, f.path, this.notes) : undefined;
  }

  /** Opens a JSON-lines file for this pass (an error is kept for its turn); other formats open later. */
  private prepare(f: SourceFile): Prepared {
    if (!isJsonl(f)) return { file: f };
    try {
      return { file: f, opened: openJsonl(this.ctx, f.path, f.format, f.split) };
    } catch (e) {
      return { file: f, error: e };
    }
  }

  /** Bytes past the stored cursors of the pass's JSON-lines files, plus what its changed whole files hold. */
  private pendingBytes(files: readonly SourceFile[]): number {
    let n = 0;
    for (const f of files) {
      const fmt = FORMATS.get(f.format);
      if (fmt.reads === 'whole-file') {
        n += fmt.pendingBytes?.(this.ctx, f.path) ?? 0;
        continue;
      }
      let size = 0;
      try {
        size = fs.statSync(f.path).size;
      } catch {
        continue; // gone since discovery: its pass reports it
      }
      const offset = this.ctx.cursors.get(this.runId, f.path)?.offset ?? 0;
      n += size >= offset ? size - offset : size;
    }
    return n;
  }

  private setRunFormat(format: string): void {
    this.store.db.prepare('UPDATE runs SET format = ? WHERE id = ? AND format IS NULL').run(format, this.runId);
  }

  private async passFile(f: SourceFile, settling: boolean, prepared: Prepared): Promise<PassCounters> {
    if (prepared.error !== undefined) throw prepared.error;
    const progress = (bytes: number): void => {
      const done = this.report.samples_added + this.report.samples_duplicate;
      this.opts.onProgress?.({
        message: `${path.basename(f.path)}: ${((this.doneBytes + bytes) / 1e6).toFixed(1)} MB read`,
        samples: done,
      });
    };
    this.ctx.onBatch = progress;
    const fmt = FORMATS.get(f.format);
    if (fmt.reads === 'whole-file') {
      return fmt.pass({ ctx: this.ctx, file: f.path, settling, notes: this.notes, ahead: prepared.ahead });
    }
    return prepared.opened ? prepared.opened.run() : passJsonl(this.ctx, f.path, f.format, f.split);
  }

  private addError(e: IngestError): void {
    if (this.report.errors.length < MAX_ERRORS) this.report.errors.push(e);
    else if (this.report.errors.length === MAX_ERRORS) {
      this.report.errors.push({ file: e.file, line: null, message: `more than ${MAX_ERRORS} errors; the rest are not listed` });
    }
  }

  private snapshot(): IngestReport {
    return {
      ...this.report,
      format: this.formats.size === 0 ? 'none' : this.formats.size === 1 ? [...this.formats][0]! : 'mixed',
      files: this.filesSeen.size,
      steps: this.seenSteps.size,
      errors: [...this.report.errors],
      grouping: this.groupings.size ? leastCertain(this.groupings) : null,
      ...(this.warnings.size ? { warnings: [...this.warnings].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) } : {}),
      skipped: [...this.report.skipped],
    };
  }
}
