// A temporal-grounding group's timeline as pixels, for `rollout-lens render`: the axis from 0 to the
// video's duration with a tick every "nice" step, the target band (white, dashed, outlined), and one
// row per sample whose predicted segments are bars in the group's reward colours. Segments that are
// reversed or leave the axis are drawn clipped and dashed, never dropped. When frames are given (the
// target's edges, decoded by ffmpeg), they are pasted above the axis at their times. No text: the
// group view carries the labels; this is for slides and checking.
import { segmentProblem, type GroupTimeline, type Segment } from '../../shared/media';
import { OUTLINE_RGB, rewardRgb, TARGET_RGB, type Rgb } from '../../shared/rewardColour';
import { drawBoxes, fillRect, type DrawnBox } from './drawBoxes';
import { createRaster, type Raster } from './raster';

const BACKGROUND: Rgb = [30, 30, 34];
const AXIS: Rgb = [150, 150, 160];
const MARGIN = 16;
const ROW = 14;
const GAP = 6;

export interface TimelineRenderOptions {
  /** Picture width in pixels (default 960). */
  width?: number;
  /** Reward of each sample by index, for the colours (the group's range). */
  rewards: ReadonlyMap<number, number>;
  /** Decoded frames and the second each shows, pasted above the axis. */
  frames?: Array<{ at: number; image: Raster }>;
}

/** Seconds between ticks: 1, 2, 5, 10, 15, 30, 60 … so that ticks are at least 40 px apart. */
export function tickStep(duration: number, axisPx: number): number {
  for (const s of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600]) if ((s / duration) * axisPx >= 40) return s;
  return 3600;
}

export function renderTimelineRaster(t: GroupTimeline, opts: TimelineRenderOptions): Raster {
  const width = Math.max(200, Math.round(opts.width ?? 960));
  const frames = opts.frames ?? [];
  const frameH = frames.reduce((h, f) => Math.max(h, f.image.height), 0);
  const top = MARGIN + (frameH ? frameH + GAP : 0);
  const axisY = top + 8;
  const rows = t.samples.length;
  const height = axisY + GAP + ROW + GAP + rows * (ROW + 4) + MARGIN;
  const r = createRaster(width, height);
  fillRect(r, 0, 0, width, height, BACKGROUND);
  const x0 = MARGIN;
  const axisPx = width - 2 * MARGIN;
  const d = t.duration > 0 ? t.duration : 1;
  const xOf = (s: number): number => x0 + (Math.min(Math.max(s, 0), d) / d) * axisPx;
  for (const f of frames)
    paste(r, f.image, Math.round(Math.min(Math.max(xOf(f.at) - f.image.width / 2, 0), width - f.image.width)), MARGIN);
  // Axis with ticks.
  fillRect(r, x0, axisY, x0 + axisPx, axisY + 1, AXIS);
  const step = tickStep(d, axisPx);
  for (let s = 0; s <= d + 1e-9; s += step) fillRect(r, Math.round(xOf(s)), axisY - 4, Math.round(xOf(s)) + 1, axisY + 4, AXIS);
  const boxes: DrawnBox[] = [];
  const targetY = axisY + GAP;
  for (const g of t.gt) boxes.push({ box: band(g, xOf, targetY), rgb: TARGET_RGB, dashed: true, width: 2, outline: OUTLINE_RGB });
  const rewards = [...opts.rewards.values()].filter(Number.isFinite);
  const [min, max] = [Math.min(...rewards), Math.max(...rewards)];
  t.samples.forEach((s, i) => {
    const y = targetY + ROW + GAP + i * (ROW + 4);
    const rgb = rewardRgb(opts.rewards.get(s.index) ?? null, min, max);
    s.pred.forEach((seg, j) => {
      const flagged = (s.problems[j] ?? segmentProblem(seg, t.duration_known ? t.duration : null)) !== null;
      const b = band(seg, xOf, y);
      if (flagged) boxes.push({ box: b, rgb, dashed: true, width: 2, flagged: true });
      else fillRect(r, Math.round(b[0]), y, Math.max(Math.round(b[0]) + 2, Math.round(b[2])), y + ROW, rgb);
    });
  });
  return drawBoxes(r, boxes);
}

/** A segment as a pixel box on its row, its ends in order and on the axis. */
function band(seg: Segment, xOf: (s: number) => number, y: number): [number, number, number, number] {
  const a = xOf(Math.min(seg[0], seg[1]));
  const b = xOf(Math.max(seg[0], seg[1]));
  return [a, y, Math.max(b, a + 2), y + ROW];
}

function paste(dst: Raster, src: Raster, x: number, y: number): void {
  for (let row = 0; row < src.height && y + row < dst.height; row++) {
    const from = row * src.width * 4;
    const n = Math.min(src.width, dst.width - x) * 4;
    if (n <= 0) return;
    dst.data.set(src.data.subarray(from, from + n), ((y + row) * dst.width + x) * 4);
  }
}
