// What the group view shows of rewards without a verifier (docs/native-format.md#judges-reward-models-and-preference),
// built by the engine (src/core/views/groupJudging.ts) from the group's rows, as logged. The view
// recomputes advantages from it with src/shared/judgedAdvantages.ts when the user switches estimator.
import type { PairwiseVote, Stage } from '../../judging';

export interface PairwiseSampleView {
  index: number;
  /** The stored verdict under the default rule (1, −1; 0 for the reference; null when not judged). */
  verdict: number | null;
  /** The sample it was judged against (the reference's index), null for the reference or when unjudged. */
  against: number | null;
  votes: PairwiseVote[];
}

export interface GroupPairwise {
  /** The reference's index; null when no sample was marked the reference. */
  reference: number | null;
  samples: PairwiseSampleView[];
  /** Problems only the whole group shows (votes naming a sample not in the group, uneven vote counts). */
  problems: string[];
}

export interface RewardModelSampleView {
  index: number;
  /** Each model's score (a component). */
  scores: Record<string, number>;
  /** LongWriter words in the response, and the range the length model predicted (when logged). */
  words: number;
  length_range: [number, number] | null;
}

export interface GroupRewardModels {
  models: string[];
  samples: RewardModelSampleView[];
}

export interface AnswerSampleView {
  index: number;
  p: number;
  logp: number | null;
  answer_offset: number | null;
}

export interface GroupJudging {
  pairwise: GroupPairwise | null;
  reward_models: GroupRewardModels | null;
  /** VeriFree: p(reference) per sample. */
  answers: AnswerSampleView[] | null;
  /** Cog-Rethinker stage per sample index; null when none was logged. */
  stages: Record<string, Stage> | null;
}
