// The advantage a user can switch to in the group view (docs/algorithms.md#advantages). The
// sequence estimators are src/shared/advantages.ts, the engine's own; TEMPO's per-token values come
// from the engine's prefix tree; BRPO, multi-RM and VeriFree come from what the judges and reward
// models logged (src/shared/judgedAdvantages.ts); "logged" shows what the trainer wrote.
import { outcomeAdvantageValues, type OutcomeEstimator } from '../../advantages';
import { brpoAdvantages, multiRmAdvantages, verifreeAdvantages } from '../../judgedAdvantages';
import type { GroupJudging } from './judging';

export const ADVANTAGE_ESTIMATORS = ['grpo', 'drgrpo', 'rloo', 'tempo', 'logged', 'brpo', 'multi-rm', 'verifree'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];
/** The estimators that need what a judge or several reward models logged: offered only where the group has it. */
export type JudgedEstimator = Extract<AdvantageEstimator, 'brpo' | 'multi-rm' | 'verifree'>;

export const ESTIMATOR_LABELS: Record<AdvantageEstimator, string> = {
  grpo: 'GRPO',
  drgrpo: 'Dr.GRPO',
  rloo: 'RLOO',
  tempo: 'TEMPO',
  logged: 'logged',
  brpo: 'BRPO (pairwise)',
  'multi-rm': 'Multi-RM mean',
  verifree: 'VeriFree (RLOO on p)',
};

/** A sample as the view knows it: its index, reward and the advantage the engine gave (logged, or GRPO). */
export interface AdvantageSample {
  index: number;
  reward: number;
  advantage: number;
  advantage_source: 'logged' | 'grpo';
}

/** True when the group logged what the estimator needs (always, for the reward-only estimators). */
export function estimatorAvailable(estimator: AdvantageEstimator, judging: GroupJudging | null): boolean {
  if (estimator === 'brpo') return judging?.pairwise != null;
  if (estimator === 'multi-rm') return judging?.reward_models != null;
  if (estimator === 'verifree') return judging?.answers != null;
  return true;
}

function judgedAdvantages(
  samples: readonly AdvantageSample[],
  estimator: JudgedEstimator,
  judging: GroupJudging | null,
): Array<number | undefined> {
  const at = new Map(samples.map((s, i) => [s.index, i]));
  const out = new Array<number | undefined>(samples.length).fill(undefined);
  if (estimator === 'brpo' && judging?.pairwise) {
    const p = judging.pairwise;
    const byIndex = new Map(p.samples.map((s) => [s.index, s]));
    const votes = samples.map((s) => {
      const v = byIndex.get(s.index);
      return v && v.against !== null ? v.votes : null;
    });
    const ref = p.reference === null ? null : (at.get(p.reference) ?? null);
    return brpoAdvantages(ref, votes).advantages;
  }
  if (estimator === 'multi-rm' && judging?.reward_models) {
    const rm = judging.reward_models;
    const byIndex = new Map(rm.samples.map((s) => [s.index, s.scores]));
    return multiRmAdvantages(
      samples.map((s) => byIndex.get(s.index) ?? null),
      rm.models,
    ).advantages;
  }
  if (estimator === 'verifree' && judging?.answers) {
    const byIndex = new Map(judging.answers.map((a) => [a.index, a.p]));
    if (samples.some((s) => !byIndex.has(s.index))) return out;
    return verifreeAdvantages(samples.map((s) => byIndex.get(s.index) as number));
  }
  return out;
}

/**
 * Sequence advantages of a group's samples under a sequence estimator, or as logged (undefined for a
 * sample the trainer logged none for, or when the group lacks what a judged estimator needs). TEMPO
 * is per token: the caller reads it from the tree.
 */
export function sampleAdvantages(
  samples: readonly AdvantageSample[],
  estimator: OutcomeEstimator | 'logged' | JudgedEstimator,
  judging: GroupJudging | null = null,
): Array<number | undefined> {
  if (estimator === 'logged') return samples.map((s) => (s.advantage_source === 'logged' ? s.advantage : undefined));
  if (estimator === 'brpo' || estimator === 'multi-rm' || estimator === 'verifree') return judgedAdvantages(samples, estimator, judging);
  return outcomeAdvantageValues(
    samples.map((s) => s.reward),
    estimator,
  );
}
