// VLM-R1's referring-expression (REC) rewards (docs/rewards.md#vlm-r1-iou): the IoU of the first box
// in the first <answer>, rescaled from the model input's pixels to the image's, against the solution's
// box; and the REC format check. Ported from om-ai-lab/VLM-R1 90052f4,
// src/open-r1-multimodal/src/open_r1/vlm_modules/qwen_module.py (`iou_reward`, `format_reward_rec`),
// which grpo_rec.py and grpo_jsonl.py (task_type rec) register as "accuracy" and "format".
import type { BoxCoords } from '../../../shared/media';
import { guiG1Iou } from './guiG1';
import { PY_DIGIT, PY_SPACE, digitsValue, pyStrip } from './pyText';

const ANSWER = /<answer>(.*?)<\/answer>/s;
const ANSWERS = /<answer>(.*?)<\/answer>/gs;
/** `\[(\d+),\s*(\d+),\s*(\d+),\s*(\d+)]`: non-negative integers only, no space before a comma. */
const BBOX = new RegExp(`\\[(${PY_DIGIT}+),${PY_SPACE}*(${PY_DIGIT}+),${PY_SPACE}*(${PY_DIGIT}+),${PY_SPACE}*(${PY_DIGIT}+)\\]`, 'u');
const D = `${PY_DIGIT}+`;
const S = `${PY_SPACE}*`;
const FORMAT = new RegExp(`<think>.*?</think>${S}<answer>.*?\\{.*\\[${D},${S}${D},${S}${D},${S}${D}\\].*\\}.*?</answer>`, 'su');

/** The first `[x1, y1, x2, y2]` of integers in the first `<answer>…</answer>`; null when there is none (reward 0). */
export function parseRecAnswer(response: string): BoxCoords | null {
  const answer = ANSWER.exec(response);
  if (!answer) return null;
  const m = BBOX.exec(pyStrip(answer[1]!));
  if (!m) return null;
  return [digitsValue(m[1]!), digitsValue(m[2]!), digitsValue(m[3]!), digitsValue(m[4]!)];
}

/**
 * The solution's box: JSON in its last `<answer>…</answer>` (the source's form), or the whole text
 * as JSON when it has no answer tags (the source raises there; we read it). Null unless four numbers.
 */
export function parseRecSolution(solution: string): BoxCoords | null {
  const all = [...solution.matchAll(ANSWERS)];
  const text = all.length ? all[all.length - 1]![1]! : solution;
  let v: unknown;
  try {
    v = JSON.parse(pyStrip(text));
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length < 4) return null;
  const box = v.slice(0, 4);
  return box.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (box as BoxCoords) : null;
}

/** `resize_bbox`: input pixels → original pixels, each coordinate as (c / input) · image, in that order. */
export function rescaleBox(b: BoxCoords, inputWidth: number, inputHeight: number, width: number, height: number): BoxCoords {
  return [(b[0] / inputWidth) * width, (b[1] / inputHeight) * height, (b[2] / inputWidth) * width, (b[3] / inputHeight) * height];
}

/** `format_reward_rec`: <think>…</think> then an <answer> holding `{…[a, b, c, d]…}`. */
export function recFormatOk(response: string): boolean {
  return FORMAT.test(response);
}

export interface RecScale {
  /** The model input's size in pixels: image_grid_thw's (w, h) × 14 for Qwen2-VL / Qwen2.5-VL. */
  inputWidth: number;
  inputHeight: number;
  /** The original image's size in pixels. */
  width: number;
  height: number;
}

/** The IoU reward of one response; `scale` null compares the box as written (InternVL's variant has no rescale). */
export function recIouReward(
  response: string,
  solution: BoxCoords,
  scale: RecScale | null,
): { iou: number; pred: BoxCoords | null; problem?: string } {
  const raw = parseRecAnswer(response);
  if (!raw) return { iou: 0, pred: null, problem: 'no [x1, y1, x2, y2] of integers in the first <answer>…</answer>' };
  // Division by a zero input size raises inside the source's try: reward 0.
  if (scale && (scale.inputWidth === 0 || scale.inputHeight === 0)) return { iou: 0, pred: null, problem: 'the model input size is 0' };
  const pred = scale ? rescaleBox(raw, scale.inputWidth, scale.inputHeight, scale.width, scale.height) : raw;
  // VLM-R1's `iou` is GUI-G1's (GUI-G1 is built on it): inclusive-pixel intersection, exclusive areas, applied
  // to the float boxes after the rescale; a zero union raises there, which its try/except turns into 0.
  return { iou: guiG1Iou(pred, solution), pred };
}
