// One group's boxes on its image, as PNG bytes: what `rollout-lens render` writes. Targets are white,
// dashed, outlined in black; predictions take the group's reward colour (src/shared/rewardColour.ts,
// the same the group view uses); a highlighted sample's boxes are drawn twice as thick, on top.
import type { BoxCoords } from '../../shared/media';
import { OUTLINE_RGB, rewardRgb, TARGET_RGB } from '../../shared/rewardColour';
import { decodeImage } from './decodeImage';
import { drawBoxes, lineWidthFor, type DrawnBox } from './drawBoxes';
import { encodePng } from './png';
import { DEFAULT_DECODE_LIMITS, downscale, type DecodeLimits, type Raster } from './raster';

export interface GroupImageOptions {
  /** Every predicted box of the group with its sample's reward (and index, for `highlight`). */
  pred: Array<{ box: BoxCoords; reward: number | null; sample?: number }>;
  /** Target boxes, drawn once each. */
  gt: BoxCoords[];
  /** The sample whose boxes stand out. */
  highlight?: number;
  /**
   * The [width, height] the boxes' pixels belong to when that is not the decoded image's own
   * (boxes logged in the model input's frame): they are scaled to the image. Default: the image's size.
   */
  boxFrame?: [number, number];
  /** The group's [lowest, highest] reward, when only some of its samples are drawn (default: those drawn). */
  rewardRange?: [number, number];
  /** Shrink the output to at most this many pixels wide (`--max-width`); boxes follow. */
  maxWidth?: number;
  /** Names the image in error messages. */
  source?: string;
  limits?: DecodeLimits;
}

export function renderGroupImage(bytes: Uint8Array, opts: GroupImageOptions): Buffer {
  return encodePng(renderGroupRaster(decodeImage(bytes, opts.source ?? 'image', opts.limits ?? DEFAULT_DECODE_LIMITS), opts));
}

/** The drawing half of renderGroupImage, on an already decoded image. */
export function renderGroupRaster(decoded: Raster, opts: GroupImageOptions): Raster {
  const image = opts.maxWidth !== undefined ? downscale(decoded, opts.maxWidth) : decoded;
  const [fw, fh] = opts.boxFrame && opts.boxFrame[0] > 0 && opts.boxFrame[1] > 0 ? opts.boxFrame : [decoded.width, decoded.height];
  const sx = image.width / fw;
  const sy = image.height / fh;
  const place = (b: BoxCoords): BoxCoords => [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy];
  const rewards = opts.pred.map((p) => p.reward).filter((r): r is number => r !== null && Number.isFinite(r));
  const [min, max] = opts.rewardRange ?? [Math.min(...rewards), Math.max(...rewards)];
  const lw = lineWidthFor(image);
  const isHighlight = (p: { sample?: number }): boolean => opts.highlight !== undefined && p.sample === opts.highlight;
  // Lowest reward first, so the best boxes lie on top; the targets above them (dashed, so what is under
  // shows through the gaps); the highlighted sample last of all.
  const order = opts.pred.map((p, i) => ({ p, i })).sort((a, b) => (a.p.reward ?? -Infinity) - (b.p.reward ?? -Infinity) || a.i - b.i);
  const preds = (keep: (p: { sample?: number }) => boolean): DrawnBox[] =>
    order
      .filter(({ p }) => keep(p))
      .map(({ p }) => ({ box: place(p.box), rgb: rewardRgb(p.reward, min, max), width: isHighlight(p) ? 2 * lw : lw }));
  const boxes: DrawnBox[] = [
    ...preds((p) => !isHighlight(p)),
    ...opts.gt.map((b) => ({ box: place(b), rgb: TARGET_RGB, dashed: true, width: lw, outline: OUTLINE_RGB })),
    ...preds(isHighlight),
  ];
  return drawBoxes(image, boxes);
}
