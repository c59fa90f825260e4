// Domain DTOs shared by every bundle (engine, CLI, extension host, webviews). No runtime dependencies.

/** The formats a rollout source can be read as. `auto` detects per file. */
export const ROLLOUT_FORMATS = ['native', 'verl', 'trl'] as const;
export type RolloutFormat = (typeof ROLLOUT_FORMATS)[number];
export type FormatChoice = RolloutFormat | 'auto';

export type Split = 'train' | 'val';

/** One conversation turn of a multi-turn / agentic rollout (DESIGN.md §3.1). */
export interface Turn {
  role: 'assistant' | 'tool' | 'user' | 'environment';
  content: string;
  trained: boolean;
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
  advantage?: number;
  token_advantages?: number[];
  split?: Split;
  data_source?: string;
  turns?: Turn[];
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
  /** True when the ingest was cancelled before every file was read; what was read is stored. */
  cancelled?: boolean;
}

/** A row of `rollout-lens runs --json`. */
export interface RunSummary {
  run: string;
  format: string | null;
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
}

/** Progress of a long operation, sent as a notification. */
export interface ProgressInfo {
  message: string;
  /** 0..1 when known. */
  fraction?: number;
  samples?: number;
}
