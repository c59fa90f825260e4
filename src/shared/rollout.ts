// Domain DTOs shared by every bundle (engine, CLI, extension host, webviews). No runtime dependencies.
import type { ImageRef, SampleBoxes, SampleSegments, VideoRef } from './media';

/**
 * The formats a rollout source can be read as: the ids of the rollout formats in
 * src/core/ingest/formats.ts, in its order (kept here for the webviews; a type there checks it).
 */
export const ROLLOUT_FORMATS = [
  'native',
  'verl',
  'trl',
  'prime-rl',
  'nemo-rl',
  'areal',
  'slime',
  'vlm-r1-debug',
  'videochat-r1-debug',
  'oat-eval',
  'rllm',
  'art',
  'ms-swift',
  'roll',
  'skyrl-eval',
] as const;
export type RolloutFormat = (typeof ROLLOUT_FORMATS)[number];
/**
 * The files of a VLM-R1 / GUI-G1 reward debug log (format `vlm-r1-debug`): the trainers' run scripts
 * name LOG_PATH `debug_log…txt`, and their reward functions write `…_iou.txt` / `…_hit.txt` beside it.
 * Here because the extension asks for a dataset when it is given one (src/shared is what it imports).
 */
export function isDebugLogName(name: string): boolean {
  return (name.startsWith('debug_log') && name.endsWith('.txt')) || /_(iou|hit)\.txt$/.test(name);
}

/** What `--format` and the engine's ingest request take: `auto` detects each file. */
/**
 * True for the start of a VideoChat-R1 / Time-R1 IoU reward debug log (format `videochat-r1-debug`):
 * LOG_PATH is any name there, so the log is known by its first block's `Content:` and `pred second:` lines.
 */
export function isVideoRewardLogHead(head: string): boolean {
  return head.startsWith('Content: ') && /\npred second: [^\n]*\ngt second: /.test(head);
}

export const FORMAT_CHOICES = ['auto', ...ROLLOUT_FORMATS] as const;
export type FormatChoice = (typeof FORMAT_CHOICES)[number];

export type Split = 'train' | 'val';

/**
 * How a run's groups were found (docs/formats.md): `id` read from the data (verl uid, prime-rl
 * group.id, AReaL task_id, slime group_index, native group), `prompt-text` rebuilt from identical
 * prompts within a step, `contiguous` from blocks of consecutive rows with the same prompt.
 */
export const GROUPINGS = ['id', 'prompt-text', 'contiguous'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** One conversation turn of a multi-turn / agentic rollout (docs/native-format.md#a-sample). */
export interface Turn {
  role: 'assistant' | 'tool' | 'user' | 'environment';
  content: string;
  trained: boolean;
  /** Images shown with this turn (multi-turn and multi-player rollouts), as references. */
  images?: ImageRef[];
}

/** A tool-use sample: a tool or an environment answered in one of its turns (the explorer's badge and filter). */
export function usesTools(turns: readonly Pick<Turn, 'role'>[] | null | undefined): boolean {
  return turns?.some((t) => t.role === 'tool' || t.role === 'environment') ?? false;
}

/** A native JSONL rollout line, as documented in docs/native-format.md. */
export interface NativeRollout {
  step: number;
  group: string;
  prompt: string;
  response: string;
  reward: number;
  index?: number;
  components?: Record<string, number>;
  rationale?: string | Record<string, string>;
  ground_truth?: string;
  correct?: boolean;
  finish_reason?: string;
  response_ids?: number[];
  response_tokens?: string[];
  logprobs?: number[];
  train_logprobs?: number[];
  ref_logprobs?: number[];
  entropy?: number[];
  advantage?: number;
  token_advantages?: number[];
  split?: Split;
  data_source?: string;
  turns?: Turn[];
  /** The images the model saw (docs/native-format.md#images-and-boxes). */
  images?: ImageRef[];
  boxes?: SampleBoxes;
  /** The video of a temporal-grounding sample, and its segments in seconds (docs/native-format.md#video-and-segments). */
  video?: VideoRef;
  segments?: SampleSegments;
  meta?: Record<string, unknown>;
}

/** One problem met while reading input: the file, the 1-based line (when there is one) and why. */
export interface IngestError {
  file: string;
  line: number | null;
  message: string;
}

/** What `rollout-lens ingest --json` prints and the engine's `ingest` request returns. */
export interface IngestReport {
  run: string;
  format: RolloutFormat | 'mixed' | 'none';
  files: number;
  samples_added: number;
  samples_duplicate: number;
  steps: number;
  metrics_added: number;
  errors: IngestError[];
  /** Files under an ingested folder that were not read, and why (e.g. `notes.txt`: not a rollout file). */
  skipped: Array<{ file: string; reason: string }>;
  /** Sample marks (trained, filtered out) this ingest set or changed, from prime-rl effective/ files; absent when none. */
  samples_marked?: number;
  /** True when the ingest was cancelled before every file was read; what was read is stored. */
  cancelled?: boolean;
  /** How this ingest found its groups (null when it read no rollouts). */
  grouping?: Grouping | null;
  /** Things worth knowing that lost nothing, e.g. inferred groups of uneven size in a step. */
  warnings?: string[];
}

/** A row of `rollout-lens runs --json`. */
export interface RunSummary {
  run: string;
  format: string | null;
  /** How the run's groups were found; null for runs ingested before this was recorded. */
  grouping: Grouping | null;
  /** The success rules its samples used, most certain first (src/shared/success.ts), e.g. "component:correctness". */
  success_rule: string | null;
  /** The success threshold the user set for the run, or null. */
  success_threshold: number | null;
  steps: number;
  groups: number;
  samples: number;
  first_step: number | null;
  last_step: number | null;
}

/** A row of `rollout-lens stats --json`; later issues add keys, never rename them. */
export interface StepStats {
  step: number;
  split: Split;
  samples: number;
  groups: number;
  reward_mean: number | null;
  reward_std: number | null;
  mean_length: number | null;
  /** `tokens` when every sample of the step has logged token ids, else `chars`. */
  length_unit: 'tokens' | 'chars';
  /** The run's grouping (see RunSummary), repeated on each row so one row says how it was grouped. */
  grouping?: Grouping | null;
  /** The run's success rules (see RunSummary), repeated on each row: what solve rate, pass@k and difficulty count. */
  success_rule?: string | null;
}

export const DIFFICULTY_BUCKETS = ['extremely_hard', 'hard', 'medium', 'easy', 'extremely_easy'] as const;
export type DifficultyBucket = (typeof DIFFICULTY_BUCKETS)[number];

/**
 * A step's row as the store keeps it: the basic columns plus the metrics computed with them
 * (src/core/analysis/groupAggregates.ts). The extra keys are optional: a database written by an
 * older version may lack some.
 */
export type StepStatsRow = StepStats & {
  effective_gradient_ratio?: number | null;
  effective_prompt_ratio?: number | null;
  all_correct_ratio?: number | null;
  all_wrong_ratio?: number | null;
  zero_accuracy_ratio?: number | null;
  clip_ratio?: number | null;
  difficulty?: Partial<Record<DifficultyBucket, number>>;
  mean_length_correct?: number | null;
  mean_length_wrong?: number | null;
  mean_length_stopped?: number | null;
  reflection?: { mean_per_response: number; share_responses: number; share_groups: number } | null;
  pass_at_k?: Record<string, number>;
  /** BRPO under the default rule (τ = 0.6, win every vote, a tie loses), over the step's judged groups. */
  brpo?: { groups: number; dropped_ratio: number; mean_preference: number | null; mean_abs_skew: number } | null;
  /** VeriFree: mean p(reference) and the share of samples with p = 0. */
  p_reference?: { samples: number; mean: number; zero_ratio: number } | null;
  /** Cog-Rethinker: prompts whose direct rollouts all failed, and how many each later stage rescued. */
  rescued?: { zero_accuracy: number; decompose: number; reflect: number } | null;
  /** Samples whose trained-or-filtered mark is known (prime-rl effective/ read), and the share filtered out. */
  trainer_filter?: { known: number; filtered: number; filtered_ratio: number } | null;
};

/** Progress of a long operation, sent as a notification. */
export interface ProgressInfo {
  message: string;
  /** 0..1 when known. */
  fraction?: number;
  samples?: number;
}
