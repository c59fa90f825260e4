// The advantage a user can switch to in the group view (docs/algorithms.md#advantages). The
// sequence estimators are src/shared/advantages.ts, the engine's own; TEMPO's per-token values come
// from the engine's prefix tree; "logged" shows what the trainer wrote.
import { outcomeAdvantageValues, type OutcomeEstimator } from '../../advantages';

export const ADVANTAGE_ESTIMATORS = ['grpo', 'drgrpo', 'rloo', 'tempo', 'logged'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

export const ESTIMATOR_LABELS: Record<AdvantageEstimator, string> = {
  grpo: 'GRPO',
  drgrpo: 'Dr.GRPO',
  rloo: 'RLOO',
  tempo: 'TEMPO',
  logged: 'logged',
};

/** A sample as the view knows it: its reward and the advantage the engine gave (logged, or GRPO). */
export interface AdvantageSample {
  reward: number;
  advantage: number;
  advantage_source: 'logged' | 'grpo';
}

/**
 * Sequence advantages of a group's samples under a sequence estimator, or as logged (undefined for a
 * sample the trainer logged none for). TEMPO is per token: the caller reads it from the tree.
 */
export function sampleAdvantages(samples: readonly AdvantageSample[], estimator: OutcomeEstimator | 'logged'): Array<number | undefined> {
  if (estimator === 'logged') return samples.map((s) => (s.advantage_source === 'logged' ? s.advantage : undefined));
  return outcomeAdvantageValues(
    samples.map((s) => s.reward),
    estimator,
  );
}
