// GUI-G1 grounding rewards (docs/rewards.md#gui-g1, grpo_rec.py): hit, 0.25·IoU with the source's mixed
// pixel conventions, and the 0.125-weighted harmonic box-size term. Boxes are [x1, y1, x2, y2] pixels.

export type Box = readonly [number, number, number, number];

/** 1 when the predicted box's centre lies in the ground-truth box (edges included). */
export function hitReward(pred: Box, gt: Box): number {
  const cx = (pred[0] + pred[2]) / 2;
  const cy = (pred[1] + pred[3]) / 2;
  return cx >= gt[0] && cx <= gt[2] && cy >= gt[1] && cy <= gt[3] ? 1 : 0;
}

/** The source's IoU: inclusive-pixel intersection (x2 − 1), exclusive areas in the union. Ported as is. */
export function guiG1Iou(a: Box, b: Box): number {
  const ix1 = Math.max(a[0], b[0]);
  const iy1 = Math.max(a[1], b[1]);
  const ix2 = Math.min(a[2] - 1, b[2] - 1);
  const iy2 = Math.min(a[3] - 1, b[3] - 1);
  const inter = ix1 < ix2 && iy1 < iy2 ? (ix2 - ix1 + 1) * (iy2 - iy1 + 1) : 0;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  // Python raises ZeroDivisionError here, which the reward wrapper turns into 0.
  return union === 0 ? 0 : inter / union;
}

export function iouReward(pred: Box, gt: Box): number {
  return 0.25 * guiG1Iou(pred, gt);
}

/** 0.125 · harmonic mean of the four per-edge closeness terms; a zero term gives 0 (the source's exception). */
export function boxSizeReward(pred: Box, gt: Box, width: number, height: number): number {
  const terms = [
    1 - Math.abs(gt[0] - pred[0]) / width,
    1 - Math.abs(gt[2] - pred[2]) / width,
    1 - Math.abs(gt[1] - pred[1]) / height,
    1 - Math.abs(gt[3] - pred[3]) / height,
  ];
  if (terms.some((t) => t === 0) || width === 0 || height === 0) return 0;
  return (0.125 * 4) / terms.reduce((s, t) => s + 1 / t, 0);
}

const BBOX =
  /"bbox_2d"\s*:\s*\[\s*(-?[\d.]+(?:e-?\d+)?)\s*,\s*(-?[\d.]+(?:e-?\d+)?)\s*,\s*(-?[\d.]+(?:e-?\d+)?)\s*,\s*(-?[\d.]+(?:e-?\d+)?)\s*\]/g;

/** The last `"bbox_2d": [x1, y1, x2, y2]` in a response; null when there is none (reward 0). */
export function parsePredictedBox(response: string): Box | null {
  let last: Box | null = null;
  for (const m of response.matchAll(BBOX)) {
    const v = [m[1], m[2], m[3], m[4]].map(Number);
    if (v.every(Number.isFinite)) last = v as unknown as Box;
  }
  return last;
}

export interface GroundTruthBox {
  box: Box;
  width: number | null;
  height: number | null;
}

function asBox(v: unknown): Box | null {
  return Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as unknown as Box) : null;
}

/** Ground truth as `[x1,y1,x2,y2]` or `{"bbox"|"bbox_2d": [...], "width": W, "height": H}` JSON. */
export function parseGroundTruthBox(text: string | null): GroundTruthBox | null {
  if (!text) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const direct = asBox(v);
  if (direct) return { box: direct, width: null, height: null };
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const box = asBox(o['bbox']) ?? asBox(o['bbox_2d']);
  if (!box) return null;
  const num = (x: unknown): number | null => (typeof x === 'number' && x > 0 ? x : null);
  return { box, width: num(o['width']), height: num(o['height']) };
}
