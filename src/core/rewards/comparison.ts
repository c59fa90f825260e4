// The comparison of a re-score set with its baseline, built one group at a time: a set can hold a
// million samples, so nothing here keeps more than the counts, the per-step totals, the leading
// groups and the first samples that changed.
import { grpoAdvantages } from '../analysis/advantages';
import { effectiveSamplesOf } from '../analysis/groupAggregates';
import type { Comparison, Confusion, Flips, GroupDiff, SampleDiff, StepDiff } from '../../shared/rescore';
import type { CompareRow } from '../store/rescoreStore';

export interface ComparisonLimits {
  /** Include unchanged samples in `samples` (default: only those with Δ ≠ 0 or a flip). */
  allSamples?: boolean;
  /** At most this many entries in `samples` (default 1000); `samples_truncated` says when more existed. */
  sampleLimit?: number;
  /** How many groups to list in `groups_most_changed` (default 10). */
  topGroups?: number;
}

/** What the comparison says, less what was compared with what. */
export type ComparisonResult = Pick<Comparison, 'summary' | 'steps' | 'groups_most_changed' | 'samples' | 'samples_truncated'>;

/** A row with a score on both sides and no error: the only rows that are compared. */
type ScoredRow = CompareRow & { before: number; after: number };

const isScored = (r: CompareRow): r is ScoredRow =>
  r.before !== null && r.after !== null && r.before_error === null && r.after_error === null;

/** One group's compared rows, their rewards on each side and the GRPO advantages those give. */
interface ScoredGroup {
  rows: ScoredRow[];
  before: number[];
  after: number[];
  advantagesBefore: number[];
  advantagesAfter: number[];
}

function scoreGroup(rows: ScoredRow[]): ScoredGroup {
  const uid = rows[0]!.uid;
  const before = rows.map((r) => r.before);
  const after = rows.map((r) => r.after);
  return {
    rows,
    before,
    after,
    advantagesBefore: grpoAdvantages(uid, before).advantages,
    advantagesAfter: grpoAdvantages(uid, after).advantages,
  };
}

/** Sums over one step's compared samples; the step's means are taken at the end. */
interface StepTotals {
  split: string;
  step: number;
  samples: number;
  before: number;
  after: number;
  effectiveBefore: number;
  effectiveAfter: number;
  flips: number;
}

const stepDiff = (s: StepTotals): StepDiff => ({
  split: s.split,
  step: s.step,
  samples: s.samples,
  mean_reward_before: s.before / s.samples,
  mean_reward_after: s.after / s.samples,
  delta_mean_reward: (s.after - s.before) / s.samples,
  effective_gradient_ratio_before: s.effectiveBefore / s.samples,
  effective_gradient_ratio_after: s.effectiveAfter / s.samples,
  delta_effective_gradient_ratio: (s.effectiveAfter - s.effectiveBefore) / s.samples,
  flips: s.flips,
});

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
const ratio = (x: number, n: number): number | null => (n ? x / n : null);
const byAdvantageChange = (a: GroupDiff, b: GroupDiff): number => b.advantage_change - a.advantage_change;

/** One sample's verdicts: correct on each side (logged: the run's success rule; a re-score: its verdict, else score > 0) and its advantage's sign. */
interface Verdicts {
  correctBefore: boolean;
  correctAfter: boolean;
  signBefore: number;
  signAfter: number;
}

function verdictsOf(g: ScoredGroup, i: number): Verdicts {
  const r = g.rows[i]!;
  return {
    correctBefore: r.before_correct !== null ? r.before_correct === 1 : g.before[i]! > 0,
    correctAfter: r.after_correct !== null ? r.after_correct === 1 : g.after[i]! > 0,
    signBefore: sign(g.advantagesBefore[i]!),
    signAfter: sign(g.advantagesAfter[i]!),
  };
}

/** Fed a set's groups one at a time with `add`, in the order they should be listed; `result` gives the comparison so far. */
export class ComparisonAccumulator {
  private readonly allSamples: boolean;
  private readonly sampleLimit: number;
  private readonly topGroups: number;
  private readonly confusion: Confusion = { correct_correct: 0, correct_incorrect: 0, incorrect_correct: 0, incorrect_incorrect: 0 };
  private readonly flips: Flips = { correct_to_incorrect: 0, incorrect_to_correct: 0, advantage_sign: 0, advantage_sign_changed: 0 };
  private readonly steps = new Map<string, StepTotals>();
  /** The groups whose advantages moved, cut back to the leaders now and then. */
  private readonly groups: GroupDiff[] = [];
  private readonly samples: SampleDiff[] = [];
  private truncated = false;
  private compared = 0;
  private skipped = 0;
  private groupCount = 0;
  private sumBefore = 0;
  private sumAfter = 0;
  private effectiveBefore = 0;
  private effectiveAfter = 0;

  constructor(limits: ComparisonLimits) {
    this.allSamples = limits.allSamples ?? false;
    this.sampleLimit = limits.sampleLimit ?? 1000;
    this.topGroups = Math.max(0, limits.topGroups ?? 10);
  }

  /** One group's rows, in sample order; rows without a score on both sides are only counted as skipped. */
  add(rows: readonly CompareRow[]): void {
    const scored = rows.filter(isScored);
    this.skipped += rows.length - scored.length;
    if (scored.length === 0) return;
    const g = scoreGroup(scored);
    const step = this.stepOf(scored[0]!);
    this.addEffectiveSamples(g, step);
    let change = 0;
    for (let i = 0; i < scored.length; i++) change += this.addSample(g, i, step);
    this.groupCount++;
    if (change !== 0) this.keepGroup(g, change, scored.length < rows.length);
  }

  result(): ComparisonResult {
    const agreeing = this.confusion.correct_correct + this.confusion.incorrect_incorrect;
    const n = this.compared;
    return {
      summary: {
        samples: n,
        skipped: this.skipped,
        agreement: ratio(agreeing, n),
        confusion: { ...this.confusion },
        flips: { ...this.flips },
        mean_reward_before: ratio(this.sumBefore, n),
        mean_reward_after: ratio(this.sumAfter, n),
        effective_gradient_ratio_before: ratio(this.effectiveBefore, n),
        effective_gradient_ratio_after: ratio(this.effectiveAfter, n),
        groups: this.groupCount,
      },
      steps: [...this.steps.values()].map(stepDiff),
      groups_most_changed: [...this.groups].sort(byAdvantageChange).slice(0, this.topGroups),
      samples: [...this.samples],
      samples_truncated: this.truncated,
    };
  }

  private stepOf(row: CompareRow): StepTotals {
    const key = `${row.split}\u0000${row.step}`;
    let totals = this.steps.get(key);
    if (!totals) {
      totals = { split: row.split, step: row.step, samples: 0, before: 0, after: 0, effectiveBefore: 0, effectiveAfter: 0, flips: 0 };
      this.steps.set(key, totals);
    }
    return totals;
  }

  /** Effective-gradient ratio: the step metrics' own rule, on each side's rewards. */
  private addEffectiveSamples(g: ScoredGroup, step: StepTotals): void {
    const before = effectiveSamplesOf(g.before);
    const after = effectiveSamplesOf(g.after);
    step.samples += g.rows.length;
    step.effectiveBefore += before;
    step.effectiveAfter += after;
    this.effectiveBefore += before;
    this.effectiveAfter += after;
  }

  /** Counts sample i of the group and returns how far its advantage moved. */
  private addSample(g: ScoredGroup, i: number, step: StepTotals): number {
    const v = verdictsOf(g, i);
    this.countConfusion(v);
    this.countFlips(v, step);
    const before = g.before[i]!;
    const after = g.after[i]!;
    step.before += before;
    step.after += after;
    this.sumBefore += before;
    this.sumAfter += after;
    this.compared++;
    if (this.allSamples || after !== before || v.correctBefore !== v.correctAfter || v.signBefore !== v.signAfter) this.keepSample(g, i, v);
    return Math.abs(g.advantagesAfter[i]! - g.advantagesBefore[i]!);
  }

  private countConfusion({ correctBefore, correctAfter }: Verdicts): void {
    if (correctBefore && correctAfter) this.confusion.correct_correct++;
    else if (correctBefore) this.confusion.correct_incorrect++;
    else if (correctAfter) this.confusion.incorrect_correct++;
    else this.confusion.incorrect_incorrect++;
  }

  private countFlips({ correctBefore, correctAfter, signBefore, signAfter }: Verdicts, step: StepTotals): void {
    if (correctBefore !== correctAfter) {
      if (correctBefore) this.flips.correct_to_incorrect++;
      else this.flips.incorrect_to_correct++;
      step.flips++;
    }
    if (signBefore * signAfter < 0) this.flips.advantage_sign++;
    if (signBefore !== signAfter) this.flips.advantage_sign_changed++;
  }

  private keepSample(g: ScoredGroup, i: number, v: Verdicts): void {
    if (this.samples.length >= this.sampleLimit) {
      this.truncated = true;
      return;
    }
    const r = g.rows[i]!;
    this.samples.push({
      sample_id: r.sample_id,
      split: r.split,
      step: r.step,
      group: r.uid,
      index: r.idx,
      before: g.before[i]!,
      after: g.after[i]!,
      delta: g.after[i]! - g.before[i]!,
      correct_before: v.correctBefore,
      correct_after: v.correctAfter,
      advantage_before: g.advantagesBefore[i]!,
      advantage_after: g.advantagesAfter[i]!,
    });
  }

  private keepGroup(g: ScoredGroup, change: number, partial: boolean): void {
    const first = g.rows[0]!;
    this.groups.push({
      split: first.split,
      step: first.step,
      group: first.uid,
      samples: g.rows.length,
      advantage_change: change,
      rewards_before: g.before,
      rewards_after: g.after,
      advantages_before: g.advantagesBefore,
      advantages_after: g.advantagesAfter,
      partial,
    });
    // Keep only the leaders: a million-sample set has a hundred thousand groups.
    if (this.groups.length > 4 * this.topGroups) {
      this.groups.sort(byAdvantageChange);
      this.groups.length = this.topGroups;
    }
  }
}
