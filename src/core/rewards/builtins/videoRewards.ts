// Video temporal-grounding rewards: the response names a segment "S to E" in seconds, scored against the
// ground-truth segment (docs/rewards.md#videochat-r1-iou, #time-r1-iou-v2, #videochat-r1-format).
import { z } from 'zod';
import { defineReward, perSampleFunction, type RewardFactory } from '../factory';
import { isJsonObject, type RewardInput, type RewardOutput } from '../types';
import {
  parseSegmentTruth,
  parseTimestampAnswer,
  timeR1IouV2,
  videoChatIou,
  videoFormatOk,
  type ParsedSegment,
} from '../rules/videoTemporal';

/** The parsed segment as `extracted`, else why there is none as `rationale`. */
function describe(p: ParsedSegment): Pick<RewardOutput, 'extracted' | 'rationale'> {
  return p.segment ? { extracted: JSON.stringify(p.segment) } : { rationale: `${p.problem ?? 'no segment'}: reward 0` };
}

export const videoChatR1IouReward: RewardFactory = defineReward({
  id: 'videochat-r1-iou',
  description:
    'VideoChat-R1 temporal grounding: IoU in seconds of the last "S to E" / "S and E" in the last <answer> with the ground-truth segment (0 unparsable or S > E, 1 for a zero union)',
  source: 'docs/rewards.md#videochat-r1-iou (VideoChat-R1 src/open_r1/grpo_tg.py iou_timestamp_reward)',
  exactness: 'port',
  schema: z.strictObject({}),
  create(c) {
    return perSampleFunction({
      id: 'videochat-r1-iou',
      config: c,
      description: videoChatR1IouReward.description,
      exactness: 'port',
      one(s) {
        const truth = parseSegmentTruth(s.ground_truth);
        const parsed = parseTimestampAnswer(s.response, true);
        const iou = videoChatIou(parsed.segment, truth.segment);
        return { score: iou, components: { iou, format: videoFormatOk(s.response) ? 1 : 0 }, ...describe(parsed) };
      },
    });
  },
});

/** D from the ground truth, else the sample's `video.duration`, else `meta.video.duration`, else the spec's `duration`. */
function durationOf(s: RewardInput, fromTruth: number | null, fallback: number | null): number {
  const video = s.meta?.['video'];
  const logged = isJsonObject(video) ? video['duration'] : undefined;
  let d: unknown = fromTruth;
  let where = 'ground_truth "duration"';
  if (d === null && s.video?.duration !== undefined) [d, where] = [s.video.duration, 'video.duration'];
  if (d === null && logged !== undefined && logged !== null) [d, where] = [logged, 'meta.video.duration'];
  if (d === null) [d, where] = [fallback, 'the duration setting'];
  if (d === null)
    throw new Error(
      'no video duration: give D in seconds as ground_truth {"timestamps": [start, end], "duration": D}, the sample\'s video.duration, meta.video.duration or time-r1-iou-v2(duration=D)',
    );
  // The source divides by D; 0 raises there and a negative D has no meaning, so both are refused.
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0)
    throw new Error(`${where} must be a positive number of seconds, got ${JSON.stringify(d)}`);
  return d;
}

export const timeR1IouV2Reward: RewardFactory = defineReward({
  id: 'time-r1-iou-v2',
  description:
    'Time-R1 temporal grounding: IoU · (1 − |gs−ps|/D) · (1 − |ge−pe|/D) for the last "S to E" / "S and E" in the last <answer> (0 unparsable), D the video duration in seconds',
  source: 'docs/rewards.md#time-r1-iou-v2 (Time-R1 main.py iou_timestamp_reward_v2)',
  exactness: 'port',
  schema: z.strictObject({
    /** Seconds, for samples whose ground truth and meta do not carry the video's duration. */
    duration: z.number().positive().nullable().default(null),
  }),
  create(c) {
    return perSampleFunction({
      id: 'time-r1-iou-v2',
      config: c,
      description: timeR1IouV2Reward.description,
      exactness: 'port',
      one(s) {
        const truth = parseSegmentTruth(s.ground_truth);
        const duration = durationOf(s, truth.duration, c.duration);
        const parsed = parseTimestampAnswer(s.response, false);
        const { iouV2, iou } = timeR1IouV2(parsed.segment, truth.segment, duration);
        return { score: iouV2, components: { iou_v2: iouV2, iou, format: videoFormatOk(s.response) ? 1 : 0 }, ...describe(parsed) };
      },
    });
  },
});

export const videoChatR1FormatReward: RewardFactory = defineReward({
  id: 'videochat-r1-format',
  description:
    'VideoChat-R1 / Time-R1 format check: 1 when the stripped response is exactly <think>…</think> then <answer>…</answer>, else 0',
  source: 'docs/rewards.md#videochat-r1-format (VideoChat-R1 src/open_r1/grpo_tg.py format_reward)',
  exactness: 'port',
  schema: z.strictObject({}),
  create(c) {
    return perSampleFunction({
      id: 'videochat-r1-format',
      config: c,
      description: videoChatR1FormatReward.description,
      exactness: 'port',
      one(s) {
        const format = videoFormatOk(s.response) ? 1 : 0;
        const parsed = parseTimestampAnswer(s.response, true);
        return { score: format, components: { format }, ...(parsed.segment ? { extracted: JSON.stringify(parsed.segment) } : {}) };
      },
    });
  },
});
