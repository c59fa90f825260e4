// The incremental alert pass, run after each ingest pass (and before alerts are listed): new
// samples since the run's watermark are folded into per-step detector state, then only the steps
// from the earliest one that changed are judged again. New thresholds re-judge the stored state
// (one row per step, no sample is read again). A detector that throws is recorded as disabled
// for the run and skipped from then on; the ingest never hears of it.
import {
  ALERT_THRESHOLD_DEFS,
  ALERT_THRESHOLD_NAMES,
  DEFAULT_ALERT_THRESHOLDS,
  isAlertThresholdName,
  type AlertThresholdDef,
  type AlertThresholds,
} from '../../shared/alerts';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { recomputeDirtySteps } from '../store/stepStore';
import type { Store } from '../store/store';
import { Pass } from './alertPass';
import type { FoldJob, FoldResult } from './foldWorker';
import { degenerateOutput, saturation } from './stepDetectors';
import { segmentGrowth } from './segmentGrowth';
import { boxGrowth, formatGaming, lengthExploitation } from './trendDetectors';
import type { AlertPassReport, StepDetector } from './types';
import { breathe } from '../breathe';

export type { AlertPassReport } from './types';

export const DETECTORS: readonly StepDetector[] = [
  lengthExploitation,
  formatGaming,
  boxGrowth,
  segmentGrowth,
  degenerateOutput,
  saturation,
] as readonly StepDetector[];

export interface AlertOptions {
  thresholds?: Partial<AlertThresholds> | undefined;
  /** The detectors fed by ingest (default DETECTORS); tests pass their own. */
  detectors?: readonly StepDetector[];
  /** Told once when a detector fails and is disabled for the run. */
  onDetectorError?: (message: string) => void;
  /** New samples per transaction. */
  batch?: number;
}

/** Defaults overlaid with the given values; a bad value is an error naming the threshold. */
export function resolveThresholds(t: Partial<AlertThresholds> = {}): AlertThresholds {
  const out: AlertThresholds = { ...DEFAULT_ALERT_THRESHOLDS };
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    if (!isAlertThresholdName(k))
      throw new LensError(ErrorCode.BadInput, `unknown alert threshold ${JSON.stringify(k)}: use ${ALERT_THRESHOLD_NAMES.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new LensError(ErrorCode.BadInput, `alert threshold ${k} must be a finite number`);
    const d: AlertThresholdDef = ALERT_THRESHOLD_DEFS[k];
    if (d.integer && (!Number.isInteger(v) || v < d.min || v > (d.max ?? Infinity)))
      throw new LensError(ErrorCode.BadInput, `alert threshold ${k} must be an integer from ${d.min} to ${d.max ?? '∞'}, got ${v}`);
    out[k] = v;
  }
  return out;
}

/** Read-only: no new sample, the same thresholds and the same re-score sets as last time. */
function upToDate(store: Store, runId: number, key: string): boolean {
  const db = store.db;
  const row = db.prepare('SELECT samples_upto, thresholds, sets FROM alert_runs WHERE run_id = ?').get(runId) as
    { samples_upto: number; thresholds: string | null; sets: string } | undefined;
  if (!row || row.thresholds !== key) return false;
  // Any newer sample, of any run: folding moves the watermark past other runs' samples too.
  if ((db.prepare('SELECT coalesce(max(id), 0) FROM samples').pluck().get() as number) > row.samples_upto) return false;
  const judged = JSON.parse(row.sets) as Record<string, string>;
  const sets = db
    .prepare("SELECT id, status || ':' || scored || ':' || errors AS sig FROM rescore_sets WHERE run_id = ?")
    .all(runId) as Array<{ id: number; sig: string }>;
  return sets.length === Object.keys(judged).length && sets.every((x) => judged[String(x.id)] === x.sig);
}

/** One alert pass: fold new samples batch by batch (one transaction each), then judge what changed. */
class AlertJob {
  private readonly t: AlertThresholds;
  private readonly key: string;
  private readonly pass: Pass;
  private readonly batch: number;
  private readonly from = new Map<Split, number>();
  readonly idle: boolean;

  constructor(
    private readonly store: Store,
    private readonly runId: number,
    opts: AlertOptions,
  ) {
    this.t = resolveThresholds(opts.thresholds);
    this.key = JSON.stringify(this.t);
    this.batch = opts.batch ?? 2000;
    this.idle = upToDate(store, runId, this.key);
    this.pass = new Pass(store, runId, this.t, opts.detectors ?? DETECTORS, opts.onDetectorError);
    if (!this.idle) store.write(() => store.db.prepare('INSERT INTO alert_runs (run_id) VALUES (?) ON CONFLICT DO NOTHING').run(runId));
  }

  /** Folds one batch; false when there was nothing left. */
  fold(): boolean {
    if (this.idle) return false;
    const { db } = this.store;
    return this.store.write(() => {
      const upto = db.prepare('SELECT samples_upto FROM alert_runs WHERE run_id = ?').pluck().get(this.runId) as number;
      const last = this.pass.foldBatch(upto, this.batch, this.from);
      // None left of this run: whatever newer samples exist belong to other runs; skip them for good.
      const mark = last ?? (db.prepare('SELECT coalesce(max(id), 0) FROM samples').pluck().get() as number);
      if (mark > upto) db.prepare('UPDATE alert_runs SET samples_upto = ? WHERE run_id = ?').run(mark, this.runId);
      return last !== null;
    });
  }

  /**
   * Saves what a fold worker folded beside the ingest, in one transaction. False (nothing saved)
   * when another pass moved the watermark meanwhile: the fold then runs here as usual.
   */
  absorb(r: FoldResult): boolean {
    if (this.idle) return false;
    const { db } = this.store;
    return this.store.write(() => {
      const upto = db.prepare('SELECT samples_upto FROM alert_runs WHERE run_id = ?').pluck().get(this.runId) as number;
      if (upto !== r.start) return false;
      this.pass.save(r, r.samples, r.from, this.from);
      const mark = Math.max(r.upto, r.mark);
      if (mark > upto) db.prepare('UPDATE alert_runs SET samples_upto = ? WHERE run_id = ?').run(mark, this.runId);
      return true;
    });
  }

  get report(): AlertPassReport {
    return this.pass.report;
  }

  finish(): AlertPassReport {
    if (this.idle) return this.pass.report;
    const { db } = this.store;
    this.store.write(() => {
      const row = db.prepare('SELECT thresholds, sets FROM alert_runs WHERE run_id = ?').get(this.runId) as {
        thresholds: string | null;
        sets: string;
      };
      // Judged on fresh step statistics: a pass started beside an ingest (a dashboard's list) may
      // see samples whose steps the ingest has not recomputed yet, and would not see them again.
      recomputeDirtySteps(db, this.runId);
      const changed = row.thresholds !== this.key;
      // New thresholds: judge every step again, from the stored state.
      if (changed) for (const split of ['train', 'val'] as const) this.from.set(split, 0);
      for (const [split, step] of this.from) this.pass.judge(split, step);
      const sets = this.pass.judgeSets(JSON.parse(row.sets) as Record<string, string>, changed);
      db.prepare('UPDATE alert_runs SET thresholds = ?, sets = ? WHERE run_id = ?').run(this.key, JSON.stringify(sets), this.runId);
    });
    return this.pass.report;
  }
}

/**
 * Brings a run's alerts up to date with what is stored: new samples, changed re-score sets and
 * changed thresholds. Cost follows what changed; with nothing new it only reads.
 */
export function updateAlerts(store: Store, runId: number, opts: AlertOptions = {}): AlertPassReport {
  const job = new AlertJob(store, runId, opts);
  while (job.fold());
  return job.finish();
}

/** The same, letting the event loop breathe between batches (ingest in the engine); a stop judges what was folded. */
export async function updateAlertsAsync(
  store: Store,
  runId: number,
  opts: AlertOptions & {
    signal?: AbortSignal | undefined;
    breathe?: () => Promise<void>;
    /** What the parsing worker folded beside the ingest (alertFoldJob): saved first, the rest folded here. */
    folded?: FoldResult | Error | undefined;
  } = {},
): Promise<AlertPassReport> {
  const job = new AlertJob(store, runId, opts);
  const folded = opts.folded;
  if (folded) job.report.worker = folded instanceof Error ? `failed: ${folded.message}` : job.absorb(folded) ? 'absorbed' : 'discarded';
  while (job.fold()) {
    if (opts.signal?.aborted) break;
    await opts.breathe?.();
  }
  return job.finish();
}

/**
 * The alert fold a bulk ingest's parsing worker runs beside it (only with the built-in detectors: a
 * test's own cannot cross threads). Undefined when it cannot: the fold then runs after the ingest.
 */
export function alertFoldJob(store: Store, runId: number, opts: AlertOptions): FoldJob | undefined {
  if (opts.detectors || store.file === ':memory:') return undefined;
  const db = store.db;
  const upto = (db.prepare('SELECT samples_upto FROM alert_runs WHERE run_id = ?').pluck().get(runId) as number | undefined) ?? 0;
  const disabled = db.prepare('SELECT detector FROM alert_detectors WHERE run_id = ?').pluck().all(runId) as string[];
  // Smaller batches than on this thread: the parser's pauses are short, and its text in hand counts against peak RSS.
  return { db: store.file, runId, upto, disabled, batch: Math.min(opts.batch ?? 2000, 500) };
}

/**
 * Brings a run's alerts up to date, yielding between batches (a database from before alerts existed
 * has every sample still to fold). A failure is reported through `onError`, never thrown: alerts are
 * advice. `false` options (alerts switched off) do nothing.
 */
export async function refreshRunAlerts(
  store: Store,
  run: string,
  opts: AlertOptions | false,
  onError: (message: string) => void,
): Promise<void> {
  if (opts === false) return;
  try {
    await updateAlertsAsync(store, store.requireRun(run).id, { ...opts, breathe });
  } catch (e) {
    onError(`alerts of run ${run} not updated: ${errorMessage(e)}`);
  }
}
