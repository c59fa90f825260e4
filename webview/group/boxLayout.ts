// Which boxes the group view draws on one of the group's images, where (in the image's own pixels)
// and in what colour. Pure: the media section scales these rectangles to the displayed image.
import { boxProblem, boxesInOriginal, type BoxCoords, type BoxScores, type GroupMedia } from '../../src/shared/media';
import type { GroupSampleView } from '../../src/shared/protocol/webviews/group';
import { rewardColour } from '../../src/shared/rewardColour';

/** A rectangle in image pixels, x and y its top-left corner. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PredictedBox {
  /** The sample's index within the group. */
  sample: number;
  /** Which of the sample's predicted boxes. */
  box: number;
  reward: number;
  colour: string;
  scores: BoxScores;
  /** Normalised (corners in order) and clipped to the image. */
  rect: Rect;
  /** Why the box is flagged (malformed, outside the image); null when it is fine. */
  problem: string | null;
}

export interface ImageBoxes {
  /** Largest first, so a small box is drawn above a large one and stays reachable by the mouse. */
  predicted: PredictedBox[];
  /** The distinct target boxes of the samples drawn on this image. */
  targets: Rect[];
}

/** The lowest and highest finite reward of the group (the colour scale's ends). */
export function rewardRange(samples: readonly GroupSampleView[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const s of samples) {
    if (!Number.isFinite(s.reward)) continue;
    min = Math.min(min, s.reward);
    max = Math.max(max, s.reward);
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** The box with its corners in order, clipped to [0, width] × [0, height]. */
export function clippedRect(b: BoxCoords, width: number, height: number): Rect {
  const clamp = (v: number, hi: number): number => Math.min(hi, Math.max(0, v));
  const x1 = clamp(Math.min(b[0], b[2]), width);
  const x2 = clamp(Math.max(b[0], b[2]), width);
  const y1 = clamp(Math.min(b[1], b[3]), height);
  const y2 = clamp(Math.max(b[1], b[3]), height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/**
 * The boxes of every sample drawn on image `image` (an index into media.images) whose decoded size
 * is width × height. `input`-frame boxes are converted to the image's pixels with that size.
 */
export function imageBoxes(
  media: GroupMedia,
  samples: readonly GroupSampleView[],
  image: number,
  width: number,
  height: number,
): ImageBoxes {
  const { min, max } = rewardRange(samples);
  const rewards = new Map(samples.map((s) => [s.index, s.reward]));
  const predicted: PredictedBox[] = [];
  const targets = new Map<string, Rect>();
  for (const m of media.samples) {
    if (m.image !== image || !m.boxes) continue;
    const [pred = [], gt = []] = boxesInOriginal(m.boxes, width, height);
    const reward = rewards.get(m.index) ?? NaN;
    pred.forEach((b, j) => {
      predicted.push({
        sample: m.index,
        box: j,
        reward,
        colour: rewardColour(reward, min, max),
        scores: m.scores,
        rect: clippedRect(b, width, height),
        // The engine flags what it could check; with the decoded size known, a box leaving the image is flagged here too.
        problem: m.problems[j] ?? boxProblem(b, width, height),
      });
    });
    for (const b of gt) {
      const r = clippedRect(b, width, height);
      targets.set([r.x, r.y, r.w, r.h].map((v) => v.toFixed(2)).join(','), r);
    }
  }
  predicted.sort((a, b) => b.rect.w * b.rect.h - a.rect.w * a.rect.h || a.sample - b.sample || a.box - b.box);
  return { predicted, targets: [...targets.values()] };
}

/** The images the view shows: those some sample's boxes are drawn on, else the group's first image. */
export function shownImages(media: GroupMedia): number[] {
  const withBoxes = new Set<number>();
  for (const s of media.samples) if (s.boxes && s.image !== null) withBoxes.add(s.image);
  if (withBoxes.size > 0) return [...withBoxes].sort((a, b) => a - b);
  return media.images.length > 0 ? [0] : [];
}

/** Whether any sample of the group has boxes (the box columns and the legend depend on it). */
export function hasBoxes(media: GroupMedia | null | undefined): boolean {
  return media?.samples.some((s) => s.boxes !== null) === true;
}

/**
 * The part of an image "Zoom to boxes" shows: the boxes' union with a margin of half its size (at
 * least 5% of the image) on each side, widened to the image's aspect ratio so nothing is stretched,
 * and kept inside the image. Null when there is nothing to zoom to, or the union already spans most
 * of the image (zooming would not help).
 */
export function zoomRect(rects: readonly Rect[], width: number, height: number): Rect | null {
  const real = rects.filter((r) => r.w > 0 && r.h > 0);
  if (real.length === 0 || width <= 0 || height <= 0) return null;
  const x1 = Math.min(...real.map((r) => r.x));
  const y1 = Math.min(...real.map((r) => r.y));
  const x2 = Math.max(...real.map((r) => r.x + r.w));
  const y2 = Math.max(...real.map((r) => r.y + r.h));
  let w = Math.max(x2 - x1, 0) * 2 + 0.1 * width;
  let h = Math.max(y2 - y1, 0) * 2 + 0.1 * height;
  // Same shape as the image.
  if (w / h > width / height) h = (w * height) / width;
  else w = (h * width) / height;
  if (w >= 0.8 * width) return null;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const x = Math.min(Math.max(0, cx - w / 2), width - w);
  const y = Math.min(Math.max(0, cy - h / 2), height - h);
  return { x, y, w, h };
}
