// Video temporal-grounding rewards ("when does X happen?" answered with a segment in seconds):
// VideoChat-R1's IoU and format checks (docs/rewards.md#videochat-r1-iou, #videochat-r1-format), ported
// from OpenGVLab/VideoChat-R1 73b2ea9, src/open_r1/grpo_tg.py (`parse_timestamp_output`,
// `iou_timestamp_reward`, `format_reward`), and Time-R1's duration-weighted IoU
// (docs/rewards.md#time-r1-iou-v2), from xiaomi-research/time-r1 7f2b594, main.py
// (`parse_timestamp_output`, `iou_timestamp_reward_v2`).
import { PY_DIGIT, PY_SPACE, digitValue, pyStrip } from './pyText';

/** [start, end] in seconds. */
export type Segment = [number, number];

const ANSWERS = /<answer>(.*?)<\/answer>/gs;
const NUM = `${PY_DIGIT}+\\.?${PY_DIGIT}*`;
/** `(\d+\.?\d*) (to|and) (\d+\.?\d*)` with re.IGNORECASE: exactly one space each side, no sign. */
const TIMES = new RegExp(`(${NUM}) (to|and) (${NUM})`, 'giu');
/** The format pattern, anchored because the source calls `re.fullmatch` (on the stripped text). */
const FORMAT = new RegExp(`^<think>.*?</think>${PY_SPACE}*<answer>.*?</answer>$`, 'su');

/** Python's `float()` of a `\d+\.?\d*` match: any Unicode decimal digit counts, "5." is 5. */
function pyFloat(text: string): number {
  let ascii = '';
  for (const ch of text) ascii += ch === '.' ? '.' : String(digitValue(ch));
  return Number(ascii);
}

export interface ParsedSegment {
  segment: Segment | null;
  /** Why there is no segment (the source scores 0 then). */
  problem?: string;
}

/**
 * `parse_timestamp_output`: the last `S to E` / `S and E` in the last `<answer>…</answer>`.
 * VideoChat-R1 returns None when S > E (`rejectReversed`); Time-R1's copy keeps the reversed pair.
 */
export function parseTimestampAnswer(response: string, rejectReversed: boolean): ParsedSegment {
  const answers = [...response.matchAll(ANSWERS)];
  if (answers.length === 0) return { segment: null, problem: 'no <answer>…</answer> in the response' };
  const last = answers[answers.length - 1]![1]!;
  const matches = [...last.matchAll(TIMES)];
  if (matches.length === 0) return { segment: null, problem: 'no "S to E" or "S and E" in the last <answer>…</answer>' };
  const m = matches[matches.length - 1]!;
  const start = pyFloat(m[1]!);
  const end = pyFloat(m[3]!);
  if (rejectReversed && start > end) return { segment: null, problem: `the answer's start ${start} is after its end ${end}` };
  return { segment: [start, end] };
}

/** Intersection and union of two segments, computed as both sources do (nothing is clipped or sorted). */
function overlap(pred: Segment, gt: Segment): { intersection: number; union: number } {
  const [from, to] = pred;
  const [s, e] = gt;
  return { intersection: Math.max(0, Math.min(to, e) - Math.max(from, s)), union: Math.max(to, e) - Math.min(from, s) };
}

/** `iou_timestamp_reward` of VideoChat-R1: IoU in seconds; a union ≤ 0 scores 1, no segment 0. */
export function videoChatIou(pred: Segment | null, gt: Segment): number {
  if (!pred) return 0;
  const { intersection, union } = overlap(pred, gt);
  return union > 0 ? intersection / union : 1;
}

/**
 * `iou_timestamp_reward_v2` of Time-R1: IoU · (1 − |gs/D − ps/D|) · (1 − |ge/D − pe/D|), multiplied in
 * that order. The source only sets `iou` when the union is positive, so otherwise it raises
 * UnboundLocalError; we throw with the reason instead of inventing a score.
 */
export function timeR1IouV2(pred: Segment | null, gt: Segment, duration: number): { iouV2: number; iou: number } {
  if (!pred) return { iouV2: 0, iou: 0 };
  const { intersection, union } = overlap(pred, gt);
  if (!(union > 0))
    throw new Error(
      `the answer ${JSON.stringify(pred)} and the ground truth ${JSON.stringify(gt)} have a union of ${union} s: ` +
        "Time-R1's iou_timestamp_reward_v2 raises UnboundLocalError there, so it has no score",
    );
  const iou = intersection / union;
  const [s, e] = gt;
  const startTerm = 1 - Math.abs(s / duration - pred[0] / duration);
  const endTerm = 1 - Math.abs(e / duration - pred[1] / duration);
  return { iouV2: iou * startTerm * endTerm, iou };
}

/** `format_reward` (the same in both repositories): the stripped response is exactly <think>…</think> <answer>…</answer>. */
export function videoFormatOk(response: string): boolean {
  return FORMAT.test(pyStrip(response));
}

export interface SegmentTruth {
  segment: Segment;
  /** Seconds, when the ground truth carries it. */
  duration: number | null;
}

const TRUTH_FORMS = 'expected JSON [start, end] or {"timestamps": [start, end], "duration": D} ("timestamp" also read) in seconds';

function isSegment(v: unknown): v is Segment {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** The ground truth's segment and optional duration; throws naming the accepted forms. */
export function parseSegmentTruth(groundTruth: string | null): SegmentTruth {
  if (groundTruth === null) throw new Error(`no ground truth: ${TRUTH_FORMS}`);
  let v: unknown;
  try {
    v = JSON.parse(groundTruth);
  } catch {
    throw new Error(`ground_truth is not JSON: ${TRUTH_FORMS}`);
  }
  if (isSegment(v)) return { segment: v, duration: null };
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // VideoChat-R1 loads Charades-STA's "timestamps"; Time-R1's annotations say "timestamp".
    const key = 'timestamps' in o ? 'timestamps' : 'timestamp';
    const segment = o[key];
    if (!isSegment(segment)) throw new Error(`ground_truth "${key}" is not two numbers: ${TRUTH_FORMS}`);
    const d = o['duration'];
    if (d === undefined || d === null) return { segment, duration: null };
    if (typeof d !== 'number') throw new Error('ground_truth "duration" is not a number of seconds');
    return { segment, duration: d };
  }
  throw new Error(`ground_truth is not a segment: ${TRUTH_FORMS}`);
}
