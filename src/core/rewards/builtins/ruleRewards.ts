// Rule-based rewards that need no answer check: format, DAPO overlong shaping, a linear length
// penalty, and GUI-G1's box rewards.
import { z } from 'zod';
import { defineReward, perSampleFunction, sampleLength, type RewardFactory } from '../factory';
import { extractLastBoxed } from '../math/qwenExtract';
import { hasThinkAnswerFormat } from '../rules/format';
import { boxSizeReward, hitReward, iouReward, parseGroundTruthBox, parsePredictedBox } from '../rules/guiG1';
import { linearLengthPenalty, overlongPenaltyPaper, overlongPenaltyVerl } from '../rules/length';

const lengthUnit = z.enum(['tokens', 'chars', 'words']).default('tokens');

const FORMAT_KINDS = ['boxed', 'think-answer'] as const;

export const formatReward: RewardFactory = defineReward({
  id: 'format',
  description: 'Format check: a SimpleRL \\boxed{} (boxed) or the <think>…</think><answer>…</answer> structure (think-answer)',
  source: 'docs/rewards.md#format-overlong-length: SimpleRL extract_last_boxed (boxed, [C]); think/answer structure (ours)',
  exactness: 'port',
  variantKey: 'kind',
  variants: FORMAT_KINDS,
  schema: z.strictObject({
    kind: z.enum(FORMAT_KINDS).default('boxed'),
    match: z.number().default(1),
    miss: z.number().default(0),
    /** think-answer only: nothing may surround the two blocks. */
    strict: z.boolean().default(true),
  }),
  create(c) {
    return perSampleFunction({
      id: 'format',
      config: c,
      description: formatReward.description,
      exactness: 'port',
      one(s) {
        const ok = c.kind === 'boxed' ? extractLastBoxed(s.response) !== null : hasThinkAnswerFormat(s.response, c.strict);
        return { score: ok ? c.match : c.miss, components: { [c.kind]: ok ? 1 : 0 } };
      },
    });
  },
});

const OVERLONG_FORMS = ['verl', 'paper'] as const;

export const overlongReward: RewardFactory = defineReward({
  id: 'overlong',
  description: 'DAPO soft overlong punishment: verl form min(−(L−(max−buffer))/buffer·factor, 0) or the paper form (−1 beyond max)',
  source: 'docs/rewards.md#format-overlong-length (verl reward_manager/dapo.py; DAPO paper)',
  exactness: 'port',
  variantKey: 'form',
  variants: OVERLONG_FORMS,
  schema: z.strictObject({
    form: z.enum(OVERLONG_FORMS).default('verl'),
    maxLength: z.number().int().min(1).default(20480),
    buffer: z.number().int().min(1).default(4096),
    penaltyFactor: z.number().default(1),
    unit: lengthUnit,
  }),
  create(c) {
    return perSampleFunction({
      id: 'overlong',
      config: c,
      description: overlongReward.description,
      exactness: 'port',
      one(s) {
        const len = sampleLength(s, c.unit);
        const p =
          c.form === 'verl'
            ? overlongPenaltyVerl(len, c.maxLength, c.buffer, c.penaltyFactor)
            : overlongPenaltyPaper(len, c.maxLength, c.buffer);
        return { score: p, components: { overlong: p, length: len } };
      },
    });
  },
});

export const lengthReward: RewardFactory = defineReward({
  id: 'length',
  description: 'Linear length penalty: 0 up to `free`, falling to −1 at `max`, −1 beyond',
  source: 'ours (docs/rewards.md)',
  exactness: 'port',
  schema: z
    .strictObject({
      free: z.number().min(0).default(4096),
      max: z.number().min(1).default(8192),
      unit: lengthUnit,
    })
    .refine((c) => c.max > c.free, { message: 'max must be greater than free' }),
  create(c) {
    return perSampleFunction({
      id: 'length',
      config: c,
      description: lengthReward.description,
      exactness: 'port',
      one(s) {
        const len = sampleLength(s, c.unit);
        const p = linearLengthPenalty(len, c.free, c.max);
        return { score: p, components: { length_penalty: p, length: len } };
      },
    });
  },
});

const GUI_PARTS = ['all', 'hit', 'iou', 'box'] as const;

export const guiG1Reward: RewardFactory = defineReward({
  id: 'gui-g1',
  description: 'GUI-G1 grounding rewards: hit + 0.25·IoU + 0.125·box-size (or one part); bbox_2d parsed from the response',
  source: 'docs/rewards.md#gui-g1 (GUI-G1 grpo_rec.py); the response parser is ours',
  exactness: 'port',
  variantKey: 'parts',
  variants: GUI_PARTS,
  schema: z.strictObject({
    parts: z.enum(GUI_PARTS).default('all'),
    /** Image size in pixels when the ground truth does not carry it. */
    width: z.number().positive().nullable().default(null),
    height: z.number().positive().nullable().default(null),
  }),
  create(c) {
    return perSampleFunction({
      id: 'gui-g1',
      config: c,
      description: guiG1Reward.description,
      exactness: 'port',
      one(s) {
        const gt = parseGroundTruthBox(s.ground_truth);
        if (!gt) throw new Error('ground_truth is not a box: expected [x1,y1,x2,y2] or {"bbox": [...], "width": W, "height": H}');
        const pred = parsePredictedBox(s.response);
        const w = gt.width ?? c.width;
        const h = gt.height ?? c.height;
        const wantBox = c.parts === 'all' || c.parts === 'box';
        if (wantBox && (w === null || h === null))
          throw new Error('the box-size reward needs the image size: give width/height in the spec or the ground truth');
        // Any parse failure scores 0, as in the source.
        const hit = pred ? hitReward(pred, gt.box) : 0;
        const iou = pred ? iouReward(pred, gt.box) : 0;
        const box = pred && wantBox ? boxSizeReward(pred, gt.box, w as number, h as number) : 0;
        const parts = { hit, iou, box };
        const score = c.parts === 'all' ? hit + iou + box : parts[c.parts];
        return {
          score,
          components: parts,
          ...(pred ? { extracted: JSON.stringify(pred) } : { rationale: 'no bbox_2d in the response' }),
        };
      },
    });
  },
});
