// Re-score DTOs shared by the engine, the CLI, the extension host and the comparison webview.
import type { Split } from './rollout';

/**
 * The LLM verifier of the settings (`rolloutLens.verifier.url` and `.model`) as a reward spec, for
 * the re-score picker; undefined until both are set (the verifier needs both).
 */
export function verifierSpec(url: string, model: string): string | undefined {
  const u = url.trim();
  const m = model.trim();
  if (!u || !m) return undefined;
  return `verifier(url=${JSON.stringify(u)}, model=${JSON.stringify(m)})`;
}

/** Which samples of a run a re-score covers; every field narrows it. */
export interface Selection {
  split?: Split;
  step?: number;
  /** A group uid (with `step` when uids repeat across steps). */
  group?: string;
  /** Index within the group (needs `group`). */
  index?: number;
  /** One sample by its database id. */
  sampleId?: number;
}

export type RescoreStatus = 'running' | 'complete' | 'incomplete';

export interface RescoreSetRow {
  id: number;
  run_id: number;
  spec: string;
  label: string;
  selection: string;
  created_at: number;
  updated_at: number;
  status: RescoreStatus;
  reason: string | null;
  total: number;
  scored: number;
  errors: number;
}

export interface Confusion {
  /** before correct → after correct, and so on; "before" is the baseline. */
  correct_correct: number;
  correct_incorrect: number;
  incorrect_correct: number;
  incorrect_incorrect: number;
}

export interface Flips {
  correct_to_incorrect: number;
  incorrect_to_correct: number;
  /** Advantages that changed sign between + and −. */
  advantage_sign: number;
  /** Advantages whose sign (−, 0, +) changed at all, e.g. 0 → + when a degenerate group gains signal. */
  advantage_sign_changed: number;
}

export interface SampleDiff {
  sample_id: number;
  split: string;
  step: number;
  group: string;
  index: number;
  before: number;
  after: number;
  delta: number;
  correct_before: boolean;
  correct_after: boolean;
  advantage_before: number;
  advantage_after: number;
}

export interface StepDiff {
  split: string;
  step: number;
  samples: number;
  mean_reward_before: number;
  mean_reward_after: number;
  delta_mean_reward: number;
  effective_gradient_ratio_before: number;
  effective_gradient_ratio_after: number;
  delta_effective_gradient_ratio: number;
  flips: number;
}

export interface GroupDiff {
  split: string;
  step: number;
  group: string;
  samples: number;
  /** Σ|A_after − A_before| over the group's compared samples. */
  advantage_change: number;
  rewards_before: number[];
  rewards_after: number[];
  advantages_before: number[];
  advantages_after: number[];
  /** Some of the group's samples are missing on one side (errors, partial selection). */
  partial: boolean;
}

export interface Comparison {
  set: number;
  against: 'logged' | number;
  /** What `before` is: "logged reward", "logged component correctness" (like with like), or "set N". */
  baseline: string;
  summary: {
    samples: number;
    /** Samples without a score on one side (an error, or absent from the baseline set). */
    skipped: number;
    agreement: number | null;
    confusion: Confusion;
    flips: Flips;
    mean_reward_before: number | null;
    mean_reward_after: number | null;
    effective_gradient_ratio_before: number | null;
    effective_gradient_ratio_after: number | null;
    groups: number;
  };
  steps: StepDiff[];
  groups_most_changed: GroupDiff[];
  samples: SampleDiff[];
  samples_truncated: boolean;
}

/** What a re-score request returns (the CLI's `rescore --json` prints the same fields). */
export interface RescoreSummary {
  set: number;
  run: string;
  spec: unknown;
  label: string;
  status: 'complete' | 'incomplete';
  reason: string | null;
  /** True when an unfinished set was continued; `reused` when a complete one was returned as is. */
  resumed: boolean;
  reused: boolean;
  samples: number;
  scored: number;
  errors: number;
  /** True when any term is approximate or a model (e.g. the symbolic stage, an LLM verifier). */
  approximate: boolean;
  cancelled?: boolean;
}
