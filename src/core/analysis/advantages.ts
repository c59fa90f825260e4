// Group-relative outcome advantages: GRPO, Dr. GRPO, RLOO (docs/algorithms.md#advantages, ports of verl
// core_algos.py). Every statistic is per uid, so groups of different sizes mix freely.
import { ErrorCode, LensError } from '../../shared/errors';
import { ADVANTAGE_EPS, groupMoments, outcomeAdvantageValues, type OutcomeEstimator } from '../../shared/advantages';

export { ADVANTAGE_EPS, OUTCOME_ESTIMATORS, allEqual, groupMoments, type OutcomeEstimator } from '../../shared/advantages';

export interface OutcomeOptions {
  /** GRPO only: divide by (std + ε). False is Dr. GRPO's advantage. Default true. */
  normStd?: boolean;
  eps?: number;
}

export interface GroupAdvantages {
  uid: string;
  /** The mean the estimator subtracted (0 for a singleton, as verl does). */
  mean: number;
  /** The std the estimator divided by (1 for a singleton); the group's sample std when it divides by none (null for a singleton). */
  std: number | null;
  advantages: number[];
  /** G = 1: the advantage is the raw reward, not 0 (docs/algorithms.md#advantages); the UI flags these groups. */
  singleton: boolean;
  /** Every reward equal (std = 0, including G = 1): no policy-gradient signal (docs/algorithms.md#degenerate-groups). */
  degenerate: boolean;
}

/** Rejects a group holding NaN or ±Inf rewards: the trainers' code does not guard against them. */
export function checkRewards(uid: string, rewards: readonly number[]): void {
  if (rewards.length === 0) throw new LensError(ErrorCode.BadInput, `group ${JSON.stringify(uid)} has no samples`, { group: uid });
  for (let i = 0; i < rewards.length; i++) {
    const r = rewards[i];
    if (typeof r !== 'number' || !Number.isFinite(r)) {
      throw new LensError(ErrorCode.BadInput, `group ${JSON.stringify(uid)}: sample ${i} has a non-finite reward (${String(r)})`, {
        group: uid,
        index: i,
      });
    }
  }
}

/** GRPO: A_i = (R_i − μ)/(s + ε), or R_i − μ without std normalisation (Dr. GRPO). */
export function grpoAdvantages(uid: string, rewards: readonly number[], opts: OutcomeOptions = {}): GroupAdvantages {
  checkRewards(uid, rewards);
  const normStd = opts.normStd ?? true;
  const eps = opts.eps ?? ADVANTAGE_EPS;
  const { mean: mu, std: s } = groupMoments(rewards);
  const singleton = rewards.length === 1;
  const advantages = outcomeAdvantageValues(rewards, 'grpo', { normStd, eps });
  return {
    uid,
    mean: mu,
    std: normStd ? s : singleton ? null : s,
    advantages,
    singleton,
    degenerate: singleton || s === 0,
  };
}

/** Dr. GRPO: A_i = R_i − μ, no std division (verl norm_adv_by_std_in_grpo=False). */
export function drGrpoAdvantages(uid: string, rewards: readonly number[]): GroupAdvantages {
  return grpoAdvantages(uid, rewards, { normStd: false });
}

/** RLOO: A_i = R_i·G/(G−1) − μ·G/(G−1) (verl's form); a singleton keeps A = R. */
export function rlooAdvantages(uid: string, rewards: readonly number[]): GroupAdvantages {
  checkRewards(uid, rewards);
  const g = rewards.length;
  if (g === 1) return { uid, mean: 0, std: null, advantages: [rewards[0] as number], singleton: true, degenerate: true };
  const { mean: mu, std: s } = groupMoments(rewards);
  return { uid, mean: mu, std: s, advantages: outcomeAdvantageValues(rewards, 'rloo'), singleton: false, degenerate: s === 0 };
}

export function outcomeAdvantages(
  uid: string,
  rewards: readonly number[],
  estimator: OutcomeEstimator,
  opts: OutcomeOptions = {},
): GroupAdvantages {
  switch (estimator) {
    case 'grpo':
      return grpoAdvantages(uid, rewards, opts);
    case 'drgrpo':
      return drGrpoAdvantages(uid, rewards);
    case 'rloo':
      return rlooAdvantages(uid, rewards);
  }
}

/**
 * Advantages of a flat batch (rows in any order, as a trainer holds them): groups by uid, applies
 * the estimator per group, and returns one advantage per row in the input order.
 */
export function advantagesByUid(
  rows: ReadonlyArray<{ uid: string; reward: number }>,
  estimator: OutcomeEstimator,
  opts: OutcomeOptions = {},
): number[] {
  const byUid = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = byUid.get(r.uid);
    if (list) list.push(i);
    else byUid.set(r.uid, [i]);
  });
  const out = new Array<number>(rows.length).fill(0);
  for (const [uid, idx] of byUid) {
    const g = outcomeAdvantages(
      uid,
      idx.map((i) => (rows[i] as { reward: number }).reward),
      estimator,
      opts,
    );
    idx.forEach((rowIndex, k) => {
      out[rowIndex] = g.advantages[k] as number;
    });
  }
  return out;
}
