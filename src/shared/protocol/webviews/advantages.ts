// Sequence advantages within one group for the estimators a user can switch between in the group
// view (docs/algorithms.md#advantages). Pure, so the webview computes them from the rewards it already has.
// TEMPO is not here: its per-token values come from the engine's prefix tree.

export const ADVANTAGE_ESTIMATORS = ['grpo', 'drgrpo', 'rloo', 'tempo'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

export const ESTIMATOR_LABELS: Record<AdvantageEstimator, string> = {
  grpo: 'GRPO',
  drgrpo: 'Dr.GRPO',
  rloo: 'RLOO',
  tempo: 'TEMPO',
};

const EPS = 1e-6;

/** GRPO (R − μ)/(s + ε) with the sample std; Dr.GRPO R − μ; RLOO G/(G−1)·(R − μ). G = 1 keeps R (÷(1+ε) for GRPO). */
export function groupAdvantages(rewards: readonly number[], estimator: Exclude<AdvantageEstimator, 'tempo'>): number[] {
  const g = rewards.length;
  if (g === 0) return [];
  if (g === 1) return [estimator === 'grpo' ? (rewards[0] as number) / (1 + EPS) : (rewards[0] as number)];
  let sum = 0;
  for (const r of rewards) sum += r;
  const mean = sum / g;
  if (estimator === 'drgrpo') return rewards.map((r) => r - mean);
  if (estimator === 'rloo') return rewards.map((r) => (g / (g - 1)) * (r - mean));
  let sq = 0;
  for (const r of rewards) sq += (r - mean) ** 2;
  const std = Math.sqrt(sq / (g - 1));
  return rewards.map((r) => (r - mean) / (std + EPS));
}
