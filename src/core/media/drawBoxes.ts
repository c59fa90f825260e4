// Rectangle outlines on a raster for `rollout-lens render`. A box is never dropped: x2 < x1 is
// swapped, a box reaching outside the image is clipped to it (one wholly outside becomes a line on
// the nearest edge), and such boxes are flagged: drawn dashed with a filled corner marker.
import { boxProblem, type BoxCoords } from '../../shared/media';
import { OUTLINE_RGB, type Rgb } from '../../shared/rewardColour';
import type { Raster } from './raster';

export interface DrawnBox {
  box: BoxCoords;
  rgb: Readonly<Rgb>;
  dashed?: boolean;
  /** Line width in pixels; default `lineWidthFor(image)`. */
  width?: number;
  /** Drawn dashed with a corner marker. Boxes that are inverted or leave the image are flagged whatever this says. */
  flagged?: boolean;
  /** A 1-pixel edge on both sides of the line, so it shows on any background; default black, null for none. */
  outline?: Readonly<Rgb> | null;
}

/** Lines about a third of a percent of the shorter side, at least 2 pixels. */
export function lineWidthFor(image: { width: number; height: number }): number {
  return Math.max(2, Math.round(Math.min(image.width, image.height) / 300));
}

/** A copy of `image` with the boxes drawn in order (later boxes on top). */
export function drawBoxes(image: Raster, boxes: DrawnBox[]): Raster {
  const out: Raster = { width: image.width, height: image.height, data: new Uint8Array(image.data) };
  for (const b of boxes) drawBox(out, b);
  return out;
}

function drawBox(r: Raster, b: DrawnBox): void {
  const lw = Math.max(1, Math.round(b.width ?? lineWidthFor(r)));
  const flagged = b.flagged === true || boxProblem(b.box, r.width, r.height) !== null || !b.box.every(Number.isFinite);
  const clamp = (v: number, hi: number): number => (Number.isNaN(v) ? 0 : Math.min(hi, Math.max(0, Math.round(v))));
  // Pixel bounds, right and bottom exclusive; the line is drawn inside them so its outer edge is the box's edge.
  let left = clamp(Math.min(b.box[0], b.box[2]), r.width);
  let right = clamp(Math.max(b.box[0], b.box[2]), r.width);
  let top = clamp(Math.min(b.box[1], b.box[3]), r.height);
  let bottom = clamp(Math.max(b.box[1], b.box[3]), r.height);
  // A box with no width or height after clipping (one lying outside the image) still gets a visible line.
  if (right - left < lw) [left, right] = fit(left, lw, r.width);
  if (bottom - top < lw) [top, bottom] = fit(top, lw, r.height);
  const dash = b.dashed === true || flagged ? { on: Math.max(4, 3 * lw), off: Math.max(3, 2 * lw) } : null;
  const outline = b.outline === undefined ? OUTLINE_RGB : b.outline;
  if (outline) strokeRect(r, left, top, right, bottom, lw, outline, dash, 1);
  strokeRect(r, left, top, right, bottom, lw, b.rgb, dash, 0);
  if (flagged) {
    // The marker sits in the corner nearest the image's inside, so it shows even when the box is a line on the edge.
    const size = Math.max(6, 3 * lw);
    const [mx] = fit(left, size, r.width);
    const [my] = fit(top, size, r.height);
    if (outline) fillRect(r, mx - 1, my - 1, mx + size + 1, my + size + 1, outline);
    fillRect(r, mx, my, mx + size, my + size, b.rgb);
  }
}

/** [start, start + size) moved left as needed to lie within [0, limit). */
function fit(start: number, size: number, limit: number): [number, number] {
  const s = Math.max(0, Math.min(start, limit - size));
  return [s, Math.min(limit, s + size)];
}

/** Dash segments along one edge, [from, to), with ink at both ends. */
function segments(from: number, to: number, dash: { on: number; off: number } | null): Array<[number, number]> {
  if (!dash) return [[from, to]];
  const out: Array<[number, number]> = [];
  for (let s = from; s < to; s += dash.on + dash.off) out.push([s, Math.min(to, s + dash.on)]);
  // Ink in the far corner too, so the box's extent reads whatever the length.
  const last = out[out.length - 1]!;
  if (last[1] < to) out.push([Math.max(last[1], to - dash.on), to]);
  return out;
}

/** The four edges of [left, right) × [top, bottom), each `lw` thick inwards; `grow` widens every stroke and dash by that many pixels all round (the outline pass). */
function strokeRect(
  r: Raster,
  left: number,
  top: number,
  right: number,
  bottom: number,
  lw: number,
  rgb: Readonly<Rgb>,
  dash: { on: number; off: number } | null,
  grow: number,
): void {
  const g = grow;
  for (const [s, e] of segments(left, right, dash)) {
    fillRect(r, s - g, top - g, e + g, top + lw + g, rgb);
    fillRect(r, s - g, bottom - lw - g, e + g, bottom + g, rgb);
  }
  for (const [s, e] of segments(top, bottom, dash)) {
    fillRect(r, left - g, s - g, left + lw + g, e + g, rgb);
    fillRect(r, right - lw - g, s - g, right + g, e + g, rgb);
  }
}

/** Opaque fill of [x0, x1) × [y0, y1), clipped to the raster. */
export function fillRect(r: Raster, x0: number, y0: number, x1: number, y1: number, rgb: Readonly<Rgb>): void {
  const xa = Math.max(0, x0);
  const xb = Math.min(r.width, x1);
  const ya = Math.max(0, y0);
  const yb = Math.min(r.height, y1);
  const d = r.data;
  for (let y = ya; y < yb; y++) {
    for (let p = (y * r.width + xa) * 4, end = (y * r.width + xb) * 4; p < end; p += 4) {
      d[p] = rgb[0];
      d[p + 1] = rgb[1];
      d[p + 2] = rgb[2];
      d[p + 3] = 255;
    }
  }
}
