// Vision-language rewards scored from the response text plus what the sample logged about its images:
// Vision-Zero's God-decision vote reward and VLM-R1's REC IoU.
import { z } from 'zod';
import type { BoxCoords } from '../../../shared/media';
import { boxesInOriginal } from '../../../shared/media';
import { defineReward, perSampleFunction, type RewardFactory } from '../factory';
import { isJsonObject, type RewardInput, type RewardOutput } from '../types';
import { decisionAccuracy, decisionFormatOk, decisionReward, extractVote, parseSpy } from '../rules/visionZero';
import { parseRecSolution, recFormatOk, recIouReward, type RecScale } from '../rules/vlmR1';

/** The spy from the ground truth, else from `meta.vision_zero.spy` (what the companion logger writes). */
function spyOf(s: RewardInput): number {
  const fromTruth = parseSpy(s.ground_truth);
  if (fromTruth !== null) return fromTruth;
  const vz = s.meta?.['vision_zero'];
  const spy = isJsonObject(vz) ? vz['spy'] : undefined;
  if (typeof spy === 'number' && Number.isInteger(spy)) return spy;
  throw new Error(
    'no spy player: ground_truth must be its number ("3"), {"spy": 3} or a solution ending in \\boxed{3}, or meta.vision_zero.spy must be set',
  );
}

export const visionZeroDecisionReward: RewardFactory = defineReward({
  id: 'vision-zero-decision',
  description:
    "Vision-Zero God-decision vote: 0.3·(2·format−1) + 1.2·acc + 0.99·[acc>0], acc = +1 spy, −0.5 N/A, −1 otherwise (before the game's group normalisation)",
  source: 'docs/rewards.md#vision-zero-decision (Vision-Zero clevr_spotdiff_generator.py)',
  exactness: 'port',
  schema: z.strictObject({
    lambdaFmt: z.number().default(0.3),
    betaAcc: z.number().default(1.2),
    gamma: z.number().default(0.99),
    /** Accuracy of an N/A vote. */
    abstain: z.number().default(-0.5),
  }),
  create(c) {
    return perSampleFunction({
      id: 'vision-zero-decision',
      config: c,
      description: visionZeroDecisionReward.description,
      exactness: 'port',
      one(s) {
        const spy = spyOf(s);
        const vote = extractVote(s.response);
        const formatOk = decisionFormatOk(s.response);
        const accuracy = decisionAccuracy(vote, spy, c.abstain);
        return {
          score: decisionReward(formatOk, accuracy, c),
          components: { format: formatOk ? 1 : 0, accuracy },
          correct: vote === spy,
          ...(vote === null
            ? { rationale: 'no vote: no player number 1–9, N/A or {"spy": N} in the answer' }
            : { extracted: String(vote) }),
        };
      },
    });
  },
});

const REC_PARTS = ['iou', 'format', 'all'] as const;

interface RecSizes {
  width: number | null;
  height: number | null;
  inputWidth: number | null;
  inputHeight: number | null;
}

/** Image and model-input sizes: the sample's logged ones first, the spec's settings otherwise. */
function recSizes(s: RewardInput, c: RecSizes): RecSizes {
  const image = s.images?.[s.boxes?.image ?? 0];
  const input = s.boxes?.input_size;
  return {
    width: image?.width ?? c.width,
    height: image?.height ?? c.height,
    inputWidth: input?.[0] ?? c.inputWidth,
    inputHeight: input?.[1] ?? c.inputHeight,
  };
}

/** The solution box from the ground truth, else the first logged target box in original pixels. */
function recSolution(s: RewardInput, sizes: RecSizes): BoxCoords {
  if (s.ground_truth !== null) {
    const gt = parseRecSolution(s.ground_truth);
    if (!gt)
      throw new Error('ground_truth is not a box: expected <answer>[x1, y1, x2, y2]</answer> or [x1, y1, x2, y2] in original pixels');
    return gt;
  }
  const b = s.boxes;
  if (!b || b.gt.length === 0) throw new Error('no ground truth: neither ground_truth nor boxes.gt was logged');
  if (b.frame === 'input' && (sizes.width === null || sizes.height === null || !b.input_size))
    throw new Error('boxes.gt is in model-input pixels but the image size or input_size is unknown');
  return boxesInOriginal(b, sizes.width, sizes.height)[1]![0]!;
}

export const vlmR1IouReward: RewardFactory = defineReward({
  id: 'vlm-r1-iou',
  description:
    "VLM-R1 REC: IoU of the answer's first [x1,y1,x2,y2], rescaled from model-input to image pixels, with the solution box (iou), its format check (format), or both (all)",
  source: 'docs/rewards.md#vlm-r1-iou (VLM-R1 vlm_modules/qwen_module.py iou_reward, format_reward_rec)',
  exactness: 'port',
  variantKey: 'parts',
  variants: REC_PARTS,
  schema: z.strictObject({
    parts: z.enum(REC_PARTS).default('iou'),
    /** false: compare the box as written (VLM-R1's InternVL module does not rescale). */
    rescale: z.boolean().default(true),
    /** Sizes in pixels when the sample did not log them (images[].width/height, boxes.input_size). */
    width: z.number().positive().nullable().default(null),
    height: z.number().positive().nullable().default(null),
    inputWidth: z.number().positive().nullable().default(null),
    inputHeight: z.number().positive().nullable().default(null),
  }),
  create(c) {
    return perSampleFunction({
      id: 'vlm-r1-iou',
      config: c,
      description: vlmR1IouReward.description,
      exactness: 'port',
      one(s): RewardOutput {
        const format = recFormatOk(s.response) ? 1 : 0;
        if (c.parts === 'format') return { score: format, components: { format } };
        const sizes = recSizes(s, c);
        let scale: RecScale | null = null;
        if (c.rescale) {
          const { width, height, inputWidth, inputHeight } = sizes;
          if (width === null || height === null || inputWidth === null || inputHeight === null)
            throw new Error(
              'rescaling needs the image size and the model input size: log images[].width/height and boxes.input_size, or set width, height, inputWidth, inputHeight (rescale=false compares the box as written)',
            );
          scale = { width, height, inputWidth, inputHeight };
        }
        const { iou, pred, problem } = recIouReward(s.response, recSolution(s, sizes), scale);
        return {
          score: c.parts === 'all' ? iou + format : iou,
          components: { iou, format },
          ...(pred ? { extracted: JSON.stringify(pred) } : {}),
          ...(problem ? { rationale: problem } : {}),
        };
      },
    });
  },
});
