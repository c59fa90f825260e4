// The reward-function contract: what a re-score feeds a function and what it gets back.
// Functions score batches so models, child processes and HTTP verifiers can pipeline work.
import type { Pairwise } from '../../shared/judging';
import type { ImageRef, SampleBoxes, VideoRef } from '../../shared/media';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One sample as a reward function sees it (the external-command protocol sends these fields). */
export interface RewardInput {
  /** Stable id within one scoring call (the sample's database id as a string in re-scores). */
  id: string;
  prompt: string;
  response: string;
  ground_truth: string | null;
  data_source: string | null;
  /** Logged facts a function may need: finish_reason, length_tokens, length_chars, step, group. */
  extra: JsonObject;
  /** The sample's images as stored (docs/native-format.md#images-and-boxes); vlm-r1-iou reads their width/height. */
  images?: ImageRef[];
  /** The sample's logged boxes; vlm-r1-iou reads `input_size` (the model input's pixels) and, without a ground truth, `gt`. */
  boxes?: SampleBoxes;
  /** The sample's video (docs/native-format.md#video-and-segments); time-r1-iou-v2 reads its duration. */
  video?: VideoRef;
  /** The sample's logged `meta`; vision-zero-decision falls back to `meta.vision_zero.spy`, time-r1-iou-v2 to `meta.video.duration`. */
  meta?: JsonObject;
  /** The sample's logged pairwise record (docs/native-format.md): the pairwise judge reuses a logged reference. */
  pairwise?: Pairwise;
  /** Given to a group-level function only as context (already scored, or outside the selection): its output is discarded. */
  contextOnly?: boolean;
}

export interface RewardOutput {
  /** The score; null only together with `error`. */
  score: number | null;
  /** Named parts of the score (e.g. correct, boxed, overlong). */
  components?: Record<string, number>;
  /** Verifier text or a short reason (e.g. which equality stage decided). */
  rationale?: string;
  /** The answer the function extracted from the response, after normalisation. */
  extracted?: string;
  /** The function's correctness verdict, when it has one (drives correct↔incorrect flips). */
  correct?: boolean;
  /** Why this sample could not be scored; the rest of the batch goes on. */
  error?: string;
  /** The stage that decided the verdict (e.g. "string", "numeric", "symbolic", "interval"). */
  stage?: string;
  /** True when that stage only approximates the code it imitates (e.g. compute-engine for sympy). */
  approximate?: boolean;
}

/** How close a function is to the code it imitates (docs/rewards.md lists each one). */
export type Exactness = 'port' | 'approximate' | 'model' | 'external';

export interface ScoreContext {
  signal?: AbortSignal;
}

export interface RewardFunction {
  /** Registry id, e.g. "math". */
  readonly id: string;
  /** The fully resolved configuration (defaults filled in), as stored with a re-score set. */
  readonly config: JsonObject;
  readonly description: string;
  readonly exactness: Exactness;
  /**
   * True for a function that scores a sample against the rest of its group (the pairwise judge): the
   * re-score then hands it whole groups (every sample of each (split, step, group) in the batch,
   * already scored ones included as context) and keeps only the results it asked for.
   */
  readonly groupLevel?: boolean;
  /** One output per input, in order. Throws only for failures that doom the whole batch. */
  score(batch: readonly RewardInput[], ctx: ScoreContext): Promise<RewardOutput[]>;
  /** Releases processes, workers and sessions; idempotent. */
  dispose(): Promise<void>;
}

/** What a factory may consult while building a function. */
export interface RewardEnvironment {
  /** Workspace trust: external commands and ONNX models are refused when false. */
  trusted: boolean;
  /** Relative paths in configs (model files, scripts) resolve against this folder. */
  baseDir: string;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
