// Sample rows as the store hands them to analysis, and the mean / sample-std helpers every
// estimator shares.

export interface StepSampleRow {
  group_id: number;
  reward: number;
  correct: number | null;
  /** Reward components as stored (JSON text), for the success rule; absent: none. */
  components?: string | null;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
}

export { mean, sampleStd } from '../../shared/advantages';
