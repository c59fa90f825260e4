// Verifier disagreement: a re-score set's verdicts against the logged ones, step by step. Judged
// when a set's counters change (not on every ingest pass): one read of that set's results.
import type { AlertThresholds } from '../../shared/alerts';
import type { Split } from '../../shared/rollout';
import { RescoreStore } from '../store/rescoreStore';
import type { SqliteDatabase } from '../store/nativeLoader';
import { pct, signedFixed, windowRise } from './trend';
import { pushId } from './types';

export const VERIFIER_DETECTOR = 'verifier_disagreement';
/** A set's trend needs at least this many of its steps. */
export const MIN_SET_STEPS = 3;

export interface SetStep {
  split: Split;
  step: number;
  compared: number;
  disagree: number;
  ids: number[];
}

export interface SetFinding {
  split: Split;
  step: number;
  score: number;
  message: string;
  samples: number[];
}

/** Per step: samples scored without error on both sides, and those whose verdicts differ. */
export function setSteps(db: SqliteDatabase, setId: number): SetStep[] {
  const out: SetStep[] = [];
  let cur: SetStep | undefined;
  for (const r of new RescoreStore(db).compareRows(setId, 'logged')) {
    if (r.before === null || r.after === null || r.before_error !== null || r.after_error !== null) continue;
    const split = r.split === 'val' ? 'val' : 'train';
    if (!cur || cur.split !== split || cur.step !== r.step) out.push((cur = { split, step: r.step, compared: 0, disagree: 0, ids: [] }));
    // The verdicts as the comparison view defines them: the run's success rule on the logged side, the function's own `correct` (else score > 0) on the re-scored one.
    const logged = r.before_correct !== null ? r.before_correct === 1 : r.before > 0;
    const rescored = r.after_correct !== null ? r.after_correct === 1 : r.after > 0;
    cur.compared++;
    if (logged !== rescored) {
      cur.disagree++;
      pushId(cur.ids, r.sample_id);
    }
  }
  return out;
}

/** Onset alerts over one set's steps (per split, in step order). */
export function judgeSet(steps: readonly SetStep[], label: string, t: AlertThresholds): SetFinding[] {
  const found: SetFinding[] = [];
  for (const split of ['train', 'val'] as const) {
    const s = steps.filter((x) => x.split === split && x.compared > 0).sort((a, b) => a.step - b.step);
    let prev = false;
    for (let i = 0; i < s.length; i++) {
      const w = s.slice(Math.max(0, i - t.window + 1), i + 1);
      const last = w[w.length - 1]!;
      const share = last.disagree / last.compared;
      const rise = windowRise(
        w.map((x) => x.step),
        w.map((x) => x.disagree / x.compared),
      );
      const cond = w.length >= MIN_SET_STEPS && share >= t.disagreement && rise >= t.disagreementGrowth;
      if (cond && !prev) {
        found.push({
          split,
          step: last.step,
          score: share,
          message:
            `re-score set "${label}" disagrees with the logged verdict on ${last.disagree} of ${last.compared} samples (${pct(share)}), ` +
            `${signedFixed(rise)} over steps ${w[0]!.step}–${last.step}`,
          samples: last.ids,
        });
      }
      prev = cond;
    }
  }
  return found;
}
