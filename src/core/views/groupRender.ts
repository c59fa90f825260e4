// A group's image with its boxes drawn, as PNG bytes: `rollout-lens render` (for slides, papers and
// checking). The same choices as the group view: the image the boxes are on, boxes in original
// pixels (input-frame boxes rescaled), predictions coloured by reward over the group's range, targets
// white and dashed. With one sample named, only its boxes and the targets are drawn.
import type { GroupRef } from '../../shared/explorer';
import { ErrorCode, LensError } from '../../shared/errors';
import { boxesInOriginal, type BoxCoords, type GroupTimeline } from '../../shared/media';
import { renderGroupImage } from '../media/renderGroupImage';
import { encodePng, decodePng } from '../media/png';
import type { Raster } from '../media/raster';
import { renderTimelineRaster } from '../media/renderTimeline';
import type { VideoFrames } from '../media/videoFrames';
import { requireGroupId } from '../store/reads';
import { groupTimeline, type TimelineRow } from './groupTimeline';
import type { Store } from '../store/store';
import { groupImageBytes, groupMedia, groupMediaRows } from './groupMedia';

export interface RenderOptions {
  /** Draw only this sample's boxes (and the targets), on its image. */
  sample?: number;
  /** Which of the group's images (GroupMedia.images index); default: the sample's, else the first with boxes. */
  image?: number;
  maxWidth?: number;
  /** A video decoder, for the target's edge frames on a timeline. */
  frames?: VideoFrames;
}

export interface RenderedGroup {
  png: Buffer;
  /** How the image is named (path, dataset row, stored hash). */
  image: string;
  width: number;
  height: number;
  /** Predicted and target boxes drawn. */
  pred_boxes: number;
  gt_boxes: number;
  /** Timelines: frames drawn above the axis, and why none were when a decoder was asked for. */
  frames?: number;
  note?: string;
}

export async function renderGroup(store: Store, ref: GroupRef, opts: RenderOptions = {}): Promise<RenderedGroup> {
  const rows = groupMediaRows(store, ref);
  const media = groupMedia(rows);
  const where = `group ${ref.group} of step ${ref.step}`;
  if (!media) {
    const timeline = groupTimeline(timelineRows(store, ref));
    if (timeline) return renderGroupTimeline(timeline, rows, opts);
    throw new LensError(ErrorCode.NotFound, `${where} has no images and no segments`);
  }
  const chosen = opts.sample !== undefined ? media.samples.find((s) => s.index === opts.sample) : undefined;
  if (opts.sample !== undefined && !chosen) throw new LensError(ErrorCode.NotFound, `${where} has no sample ${opts.sample}`);
  const image = opts.image ?? chosen?.image ?? media.samples.find((s) => s.boxes && s.image !== null)?.image ?? 0;
  if (image === null || !media.images[image]) {
    throw new LensError(ErrorCode.NotFound, `${where}: ${chosen ? `sample ${opts.sample} has no image` : `there is no image ${image}`}`);
  }
  const got = await groupImageBytes(store, ref, image);
  if (!got.ok) throw new LensError(ErrorCode.NotFound, got.message);
  const { width, height } = got.info;
  const pred: Array<{ box: BoxCoords; reward: number; sample: number }> = [];
  const gt = new Map<string, BoxCoords>();
  media.samples.forEach((s, i) => {
    if (!s.boxes || s.image !== image || (chosen && s !== chosen)) return;
    const [p, g] = boxesInOriginal(s.boxes, width, height);
    for (const box of p!) pred.push({ box, reward: rows[i]!.reward, sample: s.index });
    for (const box of g!) gt.set(JSON.stringify(box), box);
  });
  const png = renderGroupImage(got.bytes, {
    pred,
    gt: [...gt.values()],
    // A sample drawn alone keeps the colour it has among its group.
    rewardRange: [Math.min(...rows.map((r) => r.reward)), Math.max(...rows.map((r) => r.reward))],
    source: media.images[image]!.label,
    ...(opts.maxWidth !== undefined ? { maxWidth: opts.maxWidth } : {}),
  });
  return { png, image: media.images[image]!.label, width, height, pred_boxes: pred.length, gt_boxes: gt.size };
}

function timelineRows(store: Store, ref: GroupRef): TimelineRow[] {
  return store.db
    .prepare('SELECT idx, video, segments FROM samples WHERE group_id = ? ORDER BY idx')
    .all(requireGroupId(store, ref)) as TimelineRow[];
}

/**
 * A temporal-grounding group: its timeline, with the target's edge frames above it when a video
 * decoder is found (`opts.frames`); without one the timeline is drawn alone and `frames` says why.
 */
async function renderGroupTimeline(
  t: GroupTimeline,
  rows: ReadonlyArray<{ idx: number; reward: number }>,
  opts: RenderOptions,
): Promise<RenderedGroup> {
  const shown = opts.sample === undefined ? t : { ...t, samples: t.samples.filter((s) => s.index === opts.sample) };
  const frames: Array<{ at: number; image: Raster }> = [];
  let note: string | undefined;
  const edges = t.gt[0] ? [t.gt[0][0], t.gt[0][1]] : [];
  if (t.video && opts.frames && edges.length) {
    const got = await opts.frames.frames(t.video.ref, edges, 160);
    if (!got.ok) note = got.message;
    else for (const f of got.frames) if ('png' in f) frames.push({ at: f.at, image: decodePng(Buffer.from(f.png, 'base64')) });
  }
  const raster = renderTimelineRaster(shown, {
    rewards: new Map(rows.map((r) => [r.idx, r.reward])),
    frames,
    ...(opts.maxWidth !== undefined ? { width: opts.maxWidth } : {}),
  });
  return {
    png: encodePng(raster),
    image: t.video ? `video ${t.video.label}` : 'timeline (no video logged)',
    width: raster.width,
    height: raster.height,
    pred_boxes: shown.samples.reduce((n, s) => n + s.pred.length, 0),
    gt_boxes: t.gt.length,
    frames: frames.length,
    ...(note ? { note } : {}),
  };
}
