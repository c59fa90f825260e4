// DTOs of a prompt's life across steps (and runs): every group it was asked in, and when it
// stopped carrying gradient. What `rollout-lens prompt --json` prints and the timeline view shows.
import type { Split } from './rollout';

/** One appearance of the prompt: the group it was asked in at a step. */
export interface PromptTimelineRow {
  step: number;
  split: Split;
  group: string;
  samples: number;
  reward_mean: number | null;
  /** Share of solved samples, under the run's success rule (src/shared/success.ts). */
  solve_rate: number | null;
  /** All rewards equal: the group gave no policy gradient. */
  degenerate: boolean;
}

/** A row with the extras the view and `rollout-lens prompt` show. */
export interface PromptTimelinePoint extends PromptTimelineRow {
  /** reward max − min within the group. */
  spread: number | null;
  /** Mean response length, in tokens when every sample logged ids, else in characters. */
  mean_length: number | null;
  length_unit: 'tokens' | 'chars';
}

export interface PromptTimeline {
  run: string;
  /** SHA-1 of the prompt text, hex: what --prompt-id takes. */
  prompt_id: string;
  prompt: string;
  /** What "solved" means in this run, in words (describeSuccessRule): the solve rates follow it. */
  success_rule: string;
  points: PromptTimelinePoint[];
  /**
   * First step from which every later appearance (of this split) was degenerate, with what it was:
   * all correct, all wrong, or an equal reward that is neither. null while it still gives gradient.
   */
  stopped: { step: number; split: Split; kind: 'all-correct' | 'all-wrong' | 'constant' } | null;
}

/** A row of the run-level list: how long a prompt stayed trainable. */
export interface PromptLifeRow {
  prompt_id: string;
  preview: string;
  appearances: number;
  /** Appearances whose group was not degenerate (gave gradient). */
  trainable: number;
  first_step: number;
  last_step: number;
  /** Last step at which it gave gradient; null if never. */
  last_trainable_step: number | null;
}
