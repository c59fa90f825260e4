// Group-relative outcome advantages (GRPO, Dr. GRPO, RLOO), pure and defined once: the engine
// (src/core/analysis/advantages.ts adds validation and per-uid batches) and the group view (which
// switches estimators on the rewards it already has) both use these. Definitions and their verl
// sources: docs/algorithms.md#advantages.

/** ε added to the std before dividing (verl's epsilon). */
export const ADVANTAGE_EPS = 1e-6;

export const OUTCOME_ESTIMATORS = ['grpo', 'drgrpo', 'rloo'] as const;
export type OutcomeEstimator = (typeof OUTCOME_ESTIMATORS)[number];

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (÷(n−1), as torch.Tensor.std()); NaN for fewer than two values. */
export function sampleStd(xs: readonly number[], mu = mean(xs)): number {
  if (xs.length < 2) return NaN;
  let ss = 0;
  for (const x of xs) ss += (x - mu) * (x - mu);
  return Math.sqrt(ss / (xs.length - 1));
}

/** True when every reward equals the first (exactly: the case where every estimator gives 0). */
export function allEqual(xs: readonly number[]): boolean {
  const x0 = xs[0];
  for (const x of xs) if (x !== x0) return false;
  return true;
}

/**
 * Mean and std the GRPO family uses for a group: the singleton guard μ = 0, s = 1 for G = 1; an
 * all-equal group gets μ = R₀ exactly so R − μ is exactly 0 (a float mean of 0.1s is not 0.1).
 */
export function groupMoments(rewards: readonly number[]): { mean: number; std: number } {
  if (rewards.length === 1) return { mean: 0, std: 1 };
  if (allEqual(rewards)) return { mean: rewards[0] as number, std: 0 };
  const mu = mean(rewards);
  return { mean: mu, std: sampleStd(rewards, mu) };
}

/**
 * One group's advantages: GRPO (R − μ)/(s + ε), or R − μ without std normalisation (Dr. GRPO,
 * `normStd: false`); RLOO R·G/(G−1) − μ·G/(G−1) (verl's form), a singleton keeping A = R.
 * No validation: callers that take untrusted rewards check them first.
 */
export function outcomeAdvantageValues(
  rewards: readonly number[],
  estimator: OutcomeEstimator,
  opts: { normStd?: boolean; eps?: number } = {},
): number[] {
  if (rewards.length === 0) return [];
  const g = rewards.length;
  if (estimator === 'rloo') {
    if (g === 1) return [rewards[0] as number];
    const { mean: mu } = groupMoments(rewards);
    const f = g / (g - 1);
    return rewards.map((r) => r * f - mu * f);
  }
  const normStd = estimator === 'grpo' && (opts.normStd ?? true);
  const eps = opts.eps ?? ADVANTAGE_EPS;
  const { mean: mu, std: s } = groupMoments(rewards);
  return rewards.map((r) => (normStd ? (r - mu) / (s + eps) : r - mu));
}
