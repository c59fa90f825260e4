// The re-score comparison view's protocol: a re-score set compared with the logged rewards
// (agreement, confusion matrix, flips, per-step deltas, changed samples); each row opens a diff.
import * as z from 'zod/mini';
import type { SampleRef } from '../../explorer';
import { groupRefShape, sampleIndex, sampleRefSchema, step } from '../atoms';
import { CHECKPOINT_VERSION, ReadyNotification, inboundNotification, inboundOf, outboundNotification } from './ipc';

export const RESCORE_VIEW_TYPE = 'rolloutLens.rescoreComparison';

const finite = z.number().check(z.refine(Number.isFinite, 'must be finite'));
const count = z.int().check(z.minimum(0));
export { sampleRefSchema };

/**
 * The comparison as the view takes it. `before` is the logged score, `after` the re-score.
 * Confusion: tp = both correct, tn = both wrong, fp = logged wrong / new correct, fn = logged correct / new wrong.
 */
export const rescoreComparisonSchema = z.object({
  set: z.object({
    id: z.union([z.string().check(z.minLength(1), z.maxLength(200)), z.int()]),
    spec: z.string().check(z.maxLength(10_000)),
    status: z.string().check(z.maxLength(100)),
  }),
  /** What the "Logged" column holds: "logged reward", or one logged component ("logged component correctness"). */
  baseline: z.optional(z.string().check(z.maxLength(200))),
  agreement: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  confusion: z.object({ tp: count, fp: count, fn: count, tn: count }),
  flips: z.object({ correctness: count, advantage_sign: count }),
  per_step: z
    .array(
      z.object({
        step,
        mean_before: z.nullable(finite),
        mean_after: z.nullable(finite),
        egr_before: z.nullable(finite),
        egr_after: z.nullable(finite),
      }),
    )
    .check(z.maxLength(1_000_000)),
  samples: z
    .array(
      z.object({
        ref: z.object({ ...groupRefShape, index: sampleIndex }),
        before: finite,
        after: finite,
        delta: finite,
        flipped: z.boolean(),
        rationale: z.optional(z.string()),
      }),
    )
    .check(z.maxLength(1_000_000)),
});
export type RescoreComparison = z.infer<typeof rescoreComparisonSchema>;
export type RescoreSampleRow = RescoreComparison['samples'][number];

export interface RescoreSnapshot {
  set_id: string;
  comparison: RescoreComparison | null;
  /** Why there is no comparison (not loaded, invalid data), shown in place of it. */
  error: string | null;
}

export const rescoreCheckpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  setId: z.string().check(z.minLength(1), z.maxLength(200)),
  sort: z.enum(['delta', 'step', 'before', 'after']),
  flippedOnly: z.boolean(),
  selected: z.nullable(z.int().check(z.minimum(0))),
});
export type RescoreCheckpoint = z.infer<typeof rescoreCheckpointSchema>;

export const RescoreMessages = {
  ready: ReadyNotification,
  /** Webview → host: diff this sample's logged vs new score and rationale. */
  openDiff: inboundNotification('rescore/openDiff', z.strictObject({ ref: sampleRefSchema })),
  /** Host → webview: the whole comparison (never a delta). */
  snapshot: outboundNotification<RescoreSnapshot>('rescore/snapshot'),
} as const;

/** What the host accepts from this view (derived: every inbound message of RescoreMessages). */
export const RESCORE_INBOUND = inboundOf(RescoreMessages);

/** Same sample identity (docs/architecture.md#sample-identity). */
export function sameSample(a: SampleRef, b: SampleRef): boolean {
  return a.run === b.run && a.split === b.split && a.step === b.step && a.group === b.group && a.index === b.index;
}

/** The engine's comparison (src/core/rewards/compare.ts), structurally: what fromEngineComparison reads. */
export interface EngineComparisonLike {
  baseline?: string;
  summary: {
    agreement: number | null;
    confusion: { correct_correct: number; correct_incorrect: number; incorrect_correct: number; incorrect_incorrect: number };
    flips: { correct_to_incorrect: number; incorrect_to_correct: number; advantage_sign: number };
  };
  steps: Array<{
    split: string;
    step: number;
    mean_reward_before: number | null;
    mean_reward_after: number | null;
    effective_gradient_ratio_before: number | null;
    effective_gradient_ratio_after: number | null;
  }>;
  samples: Array<{
    split: string;
    step: number;
    group: string;
    index: number;
    before: number;
    after: number;
    delta: number;
    correct_before: boolean;
    correct_after: boolean;
  }>;
}

/** Maps the engine's comparison to the view's DTO (training steps; validation rows keep their split in the refs). */
export function fromEngineComparison(
  c: EngineComparisonLike,
  set: { id: string | number; run: string; spec: string; status: string },
  rationales: ReadonlyMap<string, string> = new Map(),
): RescoreComparison {
  const cf = c.summary.confusion;
  return {
    set: { id: set.id, spec: set.spec, status: set.status },
    ...(c.baseline !== undefined ? { baseline: c.baseline } : {}),
    agreement: c.summary.agreement,
    confusion: { tp: cf.correct_correct, fp: cf.incorrect_correct, fn: cf.correct_incorrect, tn: cf.incorrect_incorrect },
    flips: {
      correctness: c.summary.flips.correct_to_incorrect + c.summary.flips.incorrect_to_correct,
      advantage_sign: c.summary.flips.advantage_sign,
    },
    per_step: c.steps
      .filter((s) => s.split !== 'val')
      .map((s) => ({
        step: s.step,
        mean_before: s.mean_reward_before,
        mean_after: s.mean_reward_after,
        egr_before: s.effective_gradient_ratio_before,
        egr_after: s.effective_gradient_ratio_after,
      })),
    samples: c.samples.map((s) => {
      const ref: SampleRef = { run: set.run, split: s.split === 'val' ? 'val' : 'train', step: s.step, group: s.group, index: s.index };
      const rationale = rationales.get(`${ref.split}/${s.step}/${s.group}/${s.index}`);
      return {
        ref,
        before: s.before,
        after: s.after,
        delta: s.delta,
        flipped: s.correct_before !== s.correct_after,
        ...(rationale !== undefined ? { rationale } : {}),
      };
    }),
  };
}
