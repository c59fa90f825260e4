// What format adapters produce: normalised samples and metric rows, before they touch SQLite.
import type { AnswerProbability, Pairwise, RewardModels, Stage } from '../../shared/judging';
import type { ImageRef, SampleBoxes, SampleSegments, VideoRef } from '../../shared/media';
import type { Grouping, Split, Turn } from '../../shared/rollout';

export interface SampleRecord {
  split: Split;
  step: number;
  group: string;
  /** Explicit index within the group; when absent the writer numbers rows per (file, group). */
  index?: number;
  prompt: string;
  response: string;
  reward: number;
  components?: Record<string, number>;
  rationale?: string | Record<string, string>;
  groundTruth?: string;
  correct?: boolean;
  finishReason?: string;
  responseIds?: number[];
  responseTokens?: string[];
  /** What the sampler (inference engine) reported per response token. */
  logprobs?: number[];
  /** What the trainer recomputed for the same tokens (e.g. NeMo-RL prev_logprobs). */
  trainLogprobs?: number[];
  /** The reference model's logprobs (e.g. prime-rl reference_logprobs). */
  refLogprobs?: number[];
  /** Per-token entropy of the policy, when logged. */
  entropy?: number[];
  advantage?: number;
  tokenAdvantages?: number[];
  dataSource?: string;
  turns?: Turn[];
  /** Image references: paths absolute, data URIs still as URLs until the writer stores their bytes. */
  images?: ImageRef[];
  boxes?: SampleBoxes;
  /** A video path (absolute) and duration, and the predicted and target segments in seconds. */
  video?: VideoRef;
  segments?: SampleSegments;
  /** A pairwise judge's votes against the group's reference, or the mark of the reference (BRPO). */
  pairwise?: Pairwise;
  /** The components that are separate reward models, averaged per model (LongWriter-Zero). */
  rewardModels?: RewardModels;
  /** p(reference) and where the answer part starts (VeriFree). */
  answer?: AnswerProbability;
  /** Cog-Rethinker's rollout stage. */
  stage?: Stage;
  /** The trainer's id of the rollout this sample is a branch of (prime-rl: the verifiers trace id). */
  traceId?: string;
  /** Whether the trainer trained on it, when the record says (a native `trained`); absent: not known here. */
  trained?: boolean;
  /** Why the trainer could not train it, when the sample itself says (an error, an untrainable agent). */
  filterReason?: string;
  meta?: Record<string, unknown>;
}

export interface MetricRecord {
  step: number;
  values: Record<string, number>;
}

/** What parsing one line (or row) gave: a sample, metrics, nothing, or a problem to report. */
export type ParsedRecord =
  | { kind: 'sample'; sample: SampleRecord; grouping?: Grouping }
  /** One line that holds several samples (a prime-rl episode: traces × branches), and what was left out. */
  | { kind: 'samples'; samples: SampleRecord[]; grouping?: Grouping; problems: string[] }
  /** The trainer trained on these traces in this step's batch (prime-rl effective/ next to all/). */
  | { kind: 'trained'; split: Split; step: number; traceIds: string[] }
  | { kind: 'metric'; metric: MetricRecord }
  | { kind: 'skip' }
  | { kind: 'error'; message: string };
