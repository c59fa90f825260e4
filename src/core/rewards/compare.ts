// Compares a re-score set with the logged rewards or with another set: per-sample Δ, correctness
// and advantage-sign flips, agreement and its 2×2 confusion matrix, per-step Δ mean reward and
// Δ effective-gradient ratio, and the groups whose GRPO advantages move most.
import { ErrorCode, LensError } from '../../shared/errors';
import { grpoAdvantages } from '../analysis/advantages';
import { effectiveSamplesOf } from '../analysis/groupAggregates';
import type { Comparison, Confusion, Flips, GroupDiff, SampleDiff } from '../../shared/rescore';
import { RescoreStore, type CompareRow } from '../store/rescoreStore';
import type { Store } from '../store/store';

export interface CompareOptions {
  set: number;
  against: 'logged' | number;
  /** Include unchanged samples in `samples` (default: only those with Δ ≠ 0 or a flip). */
  allSamples?: boolean;
  /** At most this many entries in `samples` (default 1000); `samples_truncated` says when more existed. */
  sampleLimit?: number;
  /** How many groups to list in `groups_most_changed` (default 10). */
  topGroups?: number;
  /**
   * Against the logged rewards: compare with this logged component instead of the reward; `null`:
   * the reward. Default: like with like (`loggedBaselineFor`).
   */
  loggedComponent?: string | null;
}

// Functions whose score is a correctness verdict on the 1/0 scale (math's defaults): their like among
// logged rewards is the correctness component, not a total that adds format or length terms.
const CORRECTNESS_FUNCTIONS = new Set(['math']);
const CORRECTNESS_COMPONENTS = ['correctness', 'accuracy', 'acc', 'correct'];

/**
 * What a set is compared with among the logged rewards: a spec that is one correctness function
 * (weight 1, no constant) is compared with the run's logged correctness component when there is
 * one; anything else with the logged reward.
 */
export function loggedBaselineFor(rs: RescoreStore, set: { spec: string; run_id: number }): string | null {
  let spec: unknown;
  try {
    spec = JSON.parse(set.spec);
  } catch {
    return null;
  }
  const s = spec as { constant?: unknown; terms?: Array<{ fn?: unknown; weight?: unknown }> };
  const term = Array.isArray(s.terms) && s.terms.length === 1 ? s.terms[0] : undefined;
  if (!term || (s.constant ?? 0) !== 0 || term.weight !== 1 || typeof term.fn !== 'string' || !CORRECTNESS_FUNCTIONS.has(term.fn))
    return null;
  return CORRECTNESS_COMPONENTS.find((c) => rs.runHasComponent(set.run_id, c)) ?? null;
}

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

interface StepAcc {
  split: string;
  step: number;
  n: number;
  before: number;
  after: number;
  effBefore: number;
  effAfter: number;
  flips: number;
}

export function compareSet(store: Store, opts: CompareOptions): Comparison {
  const rs = new RescoreStore(store.db);
  const set = rs.getSet(opts.set);
  if (!set) throw new LensError(ErrorCode.NotFound, `${store.file}: no re-score set ${opts.set}`);
  if (opts.against !== 'logged') {
    const other = rs.getSet(opts.against);
    if (!other) throw new LensError(ErrorCode.NotFound, `${store.file}: no re-score set ${opts.against} to compare against`);
    if (other.run_id !== set.run_id)
      throw new LensError(ErrorCode.BadInput, `re-score sets ${opts.set} and ${opts.against} belong to different runs`);
  }
  const component =
    opts.against !== 'logged' ? null : opts.loggedComponent !== undefined ? opts.loggedComponent : loggedBaselineFor(rs, set);
  const limit = opts.sampleLimit ?? 1000;
  const confusion: Confusion = {
    correct_correct: 0,
    correct_incorrect: 0,
    incorrect_correct: 0,
    incorrect_incorrect: 0,
  };
  const flips: Flips = {
    correct_to_incorrect: 0,
    incorrect_to_correct: 0,
    advantage_sign: 0,
    advantage_sign_changed: 0,
  };
  const steps = new Map<string, StepAcc>();
  const groups: GroupDiff[] = [];
  const samples: SampleDiff[] = [];
  let truncated = false;
  let compared = 0;
  let skipped = 0;
  let sumBefore = 0;
  let sumAfter = 0;
  let effBefore = 0;
  let effAfter = 0;
  let groupCount = 0;
  const top = Math.max(0, opts.topGroups ?? 10);

  const flush = (rows: CompareRow[]): void => {
    if (rows.length === 0) return;
    const ok = rows.filter((r) => r.before !== null && r.after !== null && r.before_error === null && r.after_error === null);
    skipped += rows.length - ok.length;
    if (ok.length === 0) return;
    const first = ok[0]!;
    const before = ok.map((r) => r.before as number);
    const after = ok.map((r) => r.after as number);
    const advBefore = grpoAdvantages(first.uid, before).advantages;
    const advAfter = grpoAdvantages(first.uid, after).advantages;
    const key = `${first.split}\u0000${first.step}`;
    let st = steps.get(key);
    if (!st)
      steps.set(
        key,
        (st = {
          split: first.split,
          step: first.step,
          n: 0,
          before: 0,
          after: 0,
          effBefore: 0,
          effAfter: 0,
          flips: 0,
        }),
      );
    // Effective-gradient ratio: the step metrics' own rule, on each side's rewards.
    const eb = effectiveSamplesOf(before);
    const ea = effectiveSamplesOf(after);
    st.n += ok.length;
    st.effBefore += eb;
    st.effAfter += ea;
    effBefore += eb;
    effAfter += ea;
    let change = 0;
    ok.forEach((r, i) => {
      const b = before[i]!;
      const a = after[i]!;
      const cb = r.before_correct !== null ? r.before_correct === 1 : b > 0;
      const ca = r.after_correct !== null ? r.after_correct === 1 : a > 0;
      if (cb && ca) confusion.correct_correct++;
      else if (cb) confusion.correct_incorrect++;
      else if (ca) confusion.incorrect_correct++;
      else confusion.incorrect_incorrect++;
      const sb = sign(advBefore[i]!);
      const sa = sign(advAfter[i]!);
      if (cb !== ca) {
        if (cb) flips.correct_to_incorrect++;
        else flips.incorrect_to_correct++;
        st.flips++;
      }
      if (sb * sa < 0) flips.advantage_sign++;
      if (sb !== sa) flips.advantage_sign_changed++;
      change += Math.abs(advAfter[i]! - advBefore[i]!);
      st.before += b;
      st.after += a;
      sumBefore += b;
      sumAfter += a;
      compared++;
      if (opts.allSamples || a !== b || cb !== ca || sb !== sa) {
        if (samples.length < limit) {
          samples.push({
            sample_id: r.sample_id,
            split: r.split,
            step: r.step,
            group: r.uid,
            index: r.idx,
            before: b,
            after: a,
            delta: a - b,
            correct_before: cb,
            correct_after: ca,
            advantage_before: advBefore[i]!,
            advantage_after: advAfter[i]!,
          });
        } else truncated = true;
      }
    });
    groupCount++;
    if (change === 0) return;
    groups.push({
      split: first.split,
      step: first.step,
      group: first.uid,
      samples: ok.length,
      advantage_change: change,
      rewards_before: before,
      rewards_after: after,
      advantages_before: advBefore,
      advantages_after: advAfter,
      partial: ok.length < rows.length,
    });
    // Keep only the leaders: a million-sample set has a hundred thousand groups.
    if (groups.length > 4 * top) {
      groups.sort((a, b) => b.advantage_change - a.advantage_change);
      groups.length = top;
    }
  };

  let current: CompareRow[] = [];
  for (const row of rs.compareRows(opts.set, opts.against, component ?? undefined)) {
    if (current.length && current[0]!.group_id !== row.group_id) {
      flush(current);
      current = [];
    }
    current.push(row);
  }
  flush(current);

  const agreeing = confusion.correct_correct + confusion.incorrect_incorrect;
  const ratio = (x: number, n: number): number | null => (n ? x / n : null);
  groups.sort((a, b) => b.advantage_change - a.advantage_change);
  return {
    set: opts.set,
    against: opts.against,
    baseline: opts.against !== 'logged' ? `set ${opts.against}` : component ? `logged component ${component}` : 'logged reward',
    summary: {
      samples: compared,
      skipped,
      agreement: ratio(agreeing, compared),
      confusion,
      flips,
      mean_reward_before: ratio(sumBefore, compared),
      mean_reward_after: ratio(sumAfter, compared),
      effective_gradient_ratio_before: ratio(effBefore, compared),
      effective_gradient_ratio_after: ratio(effAfter, compared),
      groups: groupCount,
    },
    steps: [...steps.values()].map((s) => ({
      split: s.split,
      step: s.step,
      samples: s.n,
      mean_reward_before: s.before / s.n,
      mean_reward_after: s.after / s.n,
      delta_mean_reward: (s.after - s.before) / s.n,
      effective_gradient_ratio_before: s.effBefore / s.n,
      effective_gradient_ratio_after: s.effAfter / s.n,
      delta_effective_gradient_ratio: (s.effAfter - s.effBefore) / s.n,
      flips: s.flips,
    })),
    groups_most_changed: groups.slice(0, top),
    samples,
    samples_truncated: truncated,
  };
}
