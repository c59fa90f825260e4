// The detector pass over one run: folds new samples into per-step detector state and judges
// windows of steps; a detector that throws is disabled for the run (recorded, logged once).
// Driven by update.ts (batches, transactions, thresholds, re-score sets).
import type { AlertThresholds } from '../../shared/alerts';
import { errorMessage } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import type { Store } from '../store/store';
import { Folder, type FoldChanges } from './fold';
import type { AlertPassReport, EvalContext, StepDetector, WindowStep } from './types';
import { VERIFIER_DETECTOR, judgeSet, setSteps } from './verifier';

export class Pass {
  private readonly db;
  private readonly disabled: Set<string>;
  private readonly folder: Folder;
  readonly report: AlertPassReport = { samples: 0, judgedFrom: {}, disabled: [] };

  constructor(
    store: Store,
    private readonly runId: number,
    private readonly t: AlertThresholds,
    private readonly detectors: readonly StepDetector[],
    private readonly onError: ((m: string) => void) | undefined,
  ) {
    this.db = store.db;
    this.disabled = new Set(this.db.prepare('SELECT detector FROM alert_detectors WHERE run_id = ?').pluck().all(runId) as string[]);
    this.folder = new Folder(this.db, runId, detectors, this.disabled);
  }

  /** The detectors off for this run, as a fold in another thread must start from. */
  disabledIds(): string[] {
    return [...this.disabled];
  }

  active(): StepDetector[] {
    return this.detectors.filter((d) => !this.disabled.has(d.id));
  }

  /** Runs `fn`; a throw disables the detector for the run (recorded in this transaction). */
  guard<T>(id: string, fn: () => T): T | undefined {
    if (this.disabled.has(id)) return undefined;
    try {
      return fn();
    } catch (e) {
      this.disable(id, e);
      return undefined;
    }
  }

  /** Records the detector as off for the run (in the current transaction) and says so once. */
  private disable(id: string, e: unknown): void {
    const msg = typeof e === 'string' ? e : errorMessage(e);
    this.disabled.add(id);
    this.report.disabled.push(id);
    this.db
      .prepare('INSERT INTO alert_detectors (run_id, detector, error, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(this.runId, id, msg, Date.now());
    this.onError?.(`alert detector ${id} failed (${msg}); it is disabled for this run`);
  }

  /** Folds the next batch after `upto` and saves what changed (in the caller's transaction); the last id or null. */
  foldBatch(upto: number, limit: number, from: Map<Split, number>): number | null {
    const before = this.folder.samples;
    const last = this.folder.foldBatch(upto, limit);
    this.save(this.folder.drain(), this.folder.samples - before, this.folder.from, from);
    return last;
  }

  /**
   * Writes folded state rows (here or from a fold worker), records the detectors that failed while
   * folding, and widens `from` to the steps that took samples.
   */
  save(changes: FoldChanges, samples: number, folded: Iterable<[Split, number]>, from: Map<Split, number>): void {
    this.report.samples += samples;
    for (const [split, step] of folded) {
      const prev = from.get(split);
      if (prev === undefined || step < prev) from.set(split, step);
    }
    for (const [id, msg] of changes.failed) this.disable(id, msg);
    const save = this.db.prepare(
      'INSERT INTO alert_step_state (step_id, detector, state) VALUES (?, ?, ?) ON CONFLICT (step_id, detector) DO UPDATE SET state = excluded.state',
    );
    for (const [stepId, id, state] of changes.states) if (!this.disabled.has(id)) save.run(stepId, id, state);
  }

  /** Judges every active detector on the split's steps from `fromStep` on (with the window before it). */
  judge(split: Split, fromStep: number): void {
    const W = this.t.window;
    const before = this.db
      .prepare('SELECT step FROM steps WHERE run_id = ? AND split = ? AND step < ? ORDER BY step DESC LIMIT ?')
      .pluck()
      .all(this.runId, split, fromStep, W) as number[];
    const lo = before.length ? before[before.length - 1]! : fromStep;
    const steps = (
      this.db
        .prepare(
          `SELECT id, step, samples, reward_mean, mean_length, json_extract(stats, '$.all_correct_ratio') AS acr,
                  json_extract(stats, '$.effective_gradient_ratio') AS egr
             FROM steps WHERE run_id = ? AND split = ? AND step >= ? ORDER BY step`,
        )
        .all(this.runId, split, lo) as Array<{
        id: number;
        step: number;
        samples: number;
        reward_mean: number | null;
        mean_length: number | null;
        acr: number | null;
        egr: number | null;
      }>
    ).map((s): WindowStep<unknown> => ({
      stepId: s.id,
      split,
      step: s.step,
      samples: s.samples,
      rewardMean: s.reward_mean,
      meanLength: s.mean_length,
      allCorrectRatio: s.acr,
      effectiveGradientRatio: s.egr,
      state: undefined,
    }));
    const start = steps.findIndex((s) => s.step >= fromStep);
    if (start < 0) return;
    const prevJudge = this.report.judgedFrom[split];
    this.report.judgedFrom[split] = prevJudge === undefined ? fromStep : Math.min(prevJudge, fromStep);
    const stateOf = this.db.prepare(
      `SELECT a.step_id, a.state FROM alert_step_state a JOIN steps st ON st.id = a.step_id
        WHERE a.detector = ? AND st.run_id = ? AND st.split = ? AND st.step >= ?`,
    );
    const del = this.db.prepare('DELETE FROM alerts WHERE run_id = ? AND split = ? AND step >= ? AND source = ?');
    const ins = this.db.prepare(
      'INSERT INTO alerts (run_id, split, step, kind, source, score, message, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const ctx: EvalContext = { allCorrectSamples: (stepId, limit) => this.allCorrectSamples(stepId, limit) };
    for (const d of this.active()) {
      this.guard(d.id, () => {
        const byStep = new Map<number, unknown>();
        if (d.init) {
          for (const r of stateOf.all(d.id, this.runId, split, lo) as Array<{ step_id: number; state: string }>)
            byStep.set(r.step_id, JSON.parse(r.state));
        }
        const w = steps.map((s) => ({ ...s, state: byStep.get(s.stepId) }));
        const found: Array<[WindowStep<unknown>, NonNullable<ReturnType<StepDetector['evaluate']>>]> = [];
        let prev = false;
        for (let i = Math.max(0, start - 1); i < w.length; i++) {
          const f = i + 1 >= W ? d.evaluate(w.slice(i - W + 1, i + 1), this.t, ctx) : null;
          if (i >= start && f && (!d.onset || !prev)) found.push([w[i]!, f]);
          prev = f !== null;
        }
        // Written only once the detector got through every step: a throw leaves its old alerts.
        del.run(this.runId, split, fromStep, d.id);
        for (const [s, f] of found) ins.run(this.runId, split, s.step, d.kind, d.id, f.score, f.message, JSON.stringify(f.samples));
      });
    }
  }

  private allCorrectSamples(stepId: number, limit: number): number[] {
    return this.db
      .prepare(
        `SELECT s.id FROM samples s JOIN groups g ON g.id = s.group_id
          WHERE g.step_id = ? AND g.size > 0
            AND (CASE WHEN g.correct_known = g.size THEN g.correct_n ELSE g.positive_n END) = g.size
          ORDER BY s.id LIMIT ?`,
      )
      .pluck()
      .all(stepId, limit) as number[];
  }

  /** Re-judges the re-score sets whose counters changed since they were judged (all of them when `all`). */
  judgeSets(stored: Record<string, string>, all: boolean): Record<string, string> {
    const sets = this.db
      .prepare('SELECT id, label, status, scored, errors FROM rescore_sets WHERE run_id = ? ORDER BY id')
      .all(this.runId) as Array<{ id: number; label: string; status: string; scored: number; errors: number }>;
    const del = this.db.prepare('DELETE FROM alerts WHERE run_id = ? AND source = ?');
    for (const id of Object.keys(stored)) if (!sets.some((s) => String(s.id) === id)) del.run(this.runId, `set:${id}`);
    const ins = this.db.prepare(
      `INSERT INTO alerts (run_id, split, step, kind, source, score, message, samples) VALUES (?, ?, ?, 'verifier_disagreement', ?, ?, ?, ?)`,
    );
    // Every set counts as seen, judged or not (a disabled detector judges none), so idle passes stay read-only.
    const next: Record<string, string> = {};
    for (const s of sets) {
      const sig = `${s.status}:${s.scored}:${s.errors}`;
      next[String(s.id)] = sig;
      if (!all && stored[String(s.id)] === sig) continue;
      this.guard(VERIFIER_DETECTOR, () => {
        const found = judgeSet(setSteps(this.db, s.id), s.label, this.t);
        del.run(this.runId, `set:${s.id}`);
        for (const f of found) ins.run(this.runId, f.split, f.step, `set:${s.id}`, f.score, f.message, JSON.stringify(f.samples));
      });
    }
    return next;
  }
}
