// DTOs of the run explorer: pages of steps, groups and samples, and one sample in full.
import type { AlertKind } from './alerts';
import type { Split, StepStats, Turn } from './rollout';

/** A sample's identity (docs/architecture.md#sample-identity). */
export interface SampleRef {
  run: string;
  split: Split;
  step: number;
  group: string;
  index: number;
}

export interface GroupRef {
  run: string;
  split: Split;
  step: number;
  group: string;
}

export interface Page<T> {
  total: number;
  offset: number;
  rows: T[];
}

/** A step in the explorer: its basic statistics plus the few extras shown in the tree. */
export interface StepRow extends StepStats {
  effective_gradient_ratio: number | null;
  clip_ratio: number | null;
  reflection_share: number | null;
  /** Kinds of the reward-hacking alerts raised at this step (empty when none). */
  alerts: AlertKind[];
}

export interface GroupRow {
  group: string;
  /** Only when groups are ranked across the run (groups/rank): where the group is. */
  split?: Split;
  step?: number;
  size: number;
  reward_mean: number | null;
  reward_std: number | null;
  reward_min: number | null;
  reward_max: number | null;
  /** Share of solved samples, under the run's success rule (src/shared/success.ts). */
  solve_rate: number | null;
  /** All rewards equal: no policy gradient from this group (docs/algorithms.md#degenerate-groups). */
  degenerate: boolean;
  truncated: number;
  reflecting: number;
  /** Samples with a tool or environment turn (usesTools): a tool-use group. */
  tool_use: number;
  /**
   * A pairwise-judged group (BRPO): its skew |Σ verdicts|/G and whether BRPO drops it (> 0.6), under
   * the default rule; absent when no sample was judged. Its advantages come from the verdicts, so
   * equal rewards do not make it degenerate.
   */
  brpo?: { skew: number; dropped: boolean };
  /** Samples the trainer filtered out (prime-rl: in all/, not in effective/); absent when none is known to be. */
  filtered_out?: number;
  prompt_preview: string;
  /** Tags of the labels on the group or any of its samples, sorted; absent when none. */
  labels?: string[];
}

export interface SampleRow {
  index: number;
  reward: number;
  /** As logged when the trainer logged it, else the GRPO advantage within the group. */
  advantage: number;
  advantage_source: 'logged' | 'grpo';
  /** The logged verdict, when the trainer logged one. */
  correct: boolean | null;
  /** Solved under the run's success rule (the verdict, a correctness component, the threshold, or R > 0). */
  success: boolean;
  finish_reason: string | null;
  length: number;
  length_unit: 'tokens' | 'chars';
  reflection_count: number | null;
  preview: string;
  /** Tags of the labels on this sample, sorted; absent when none. */
  labels?: string[];
  /** Filtered out by the trainer (prime-rl: in all/, not in effective/): why, as far as the data tells. Absent: trained, or not known. */
  filtered?: string;
}

export interface SampleDetail extends SampleRef {
  prompt: string;
  response: string;
  reward: number;
  advantage: number;
  advantage_source: 'logged' | 'grpo';
  components: Record<string, number> | null;
  rationale: string | Record<string, string> | null;
  ground_truth: string | null;
  correct: boolean | null;
  /** Solved under the run's success rule. */
  success: boolean;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
  reflection_count: number | null;
  /** Reflection keywords in the response (UTF-16 offsets), for highlighting. */
  reflection_hits: Array<{ keyword: string; start: number; end: number }>;
  data_source: string | null;
  has_token_ids: boolean;
  meta: Record<string, unknown> | null;
  /** A multi-turn rollout's turns (null for a single response; absent from older engines). */
  turns?: TurnView[] | null;
}

/** A turn as the sample view shows it. */
export interface TurnView extends Turn {
  /** Tokens in the turn: exact when the logged token strings spell the turns, else approximate pieces. */
  tokens: number;
  tokens_exact: boolean;
  /** `<tool_call>` blocks in an assistant turn. */
  tool_calls: number;
}

export const GROUP_SORTS = ['group', 'reward', 'spread', 'solve_rate', 'size'] as const;
export type GroupSort = (typeof GROUP_SORTS)[number];
export const GROUP_SORT_LABELS: Record<GroupSort, string> = {
  group: 'Group id',
  reward: 'Mean reward',
  spread: 'Reward spread (max − min)',
  solve_rate: 'Solve rate',
  size: 'Group size',
};
export const SAMPLE_SORTS = ['index', 'reward', 'advantage', 'length'] as const;
export type SampleSort = (typeof SAMPLE_SORTS)[number];

export interface GroupFilter {
  degenerate?: boolean;
  /** Groups with a tool-use sample. */
  tools?: boolean;
  truncated?: boolean;
  reflects?: boolean;
  /**
   * Hard-to-ground groups (docs/algorithms.md): every reward below `reward` and max − min below
   * `spread` (the thresholds rolloutLens.alerts.hardToGroundReward / hardToGroundSpread when picked).
   */
  hardToGround?: { reward: number; spread: number };
  /** Groups with a sample the trainer filtered out (prime-rl: in all/, not in effective/). */
  filtered?: boolean;
  /** FTS5 query over response text: groups with at least one matching sample. */
  text?: string;
  /** `text` also matches in tool / environment / user turns (default: the policy's trained turns only). */
  allTurns?: boolean;
  /** Groups with a label of this tag, on the group or on one of its samples. */
  label?: string;
}

export interface SampleFilter {
  truncated?: boolean;
  reflects?: boolean;
  /** Samples the trainer filtered out. */
  filtered?: boolean;
  text?: string;
  /** As GroupFilter.allTurns. */
  allTurns?: boolean;
  /** Samples with a label of this tag, or all of a group labelled with it. */
  label?: string;
}

/** Single-line preview of untrusted text: no control characters, bounded length. */
export function preview(text: string, max = 80): string {
  const flat = text
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
