// One sample's image with its boxes, for the explorer's tooltip and the sample document's hover: the
// same drawing as `rollout-lens render --sample` (renderGroup), plus the scores the group view shows
// for that sample. "Not shown, and why" is an answer, not an error: a hover has nowhere to put one.
import type { GroupRef } from '../../shared/explorer';
import { errorMessage } from '../../shared/errors';
import type { SampleImageResult } from '../../shared/protocol/engine';
import { imageInfo } from '../media/imageInfo';
import type { Store } from '../store/store';
import { renderGroup } from './groupRender';
import { groupMedia, groupMediaRows } from './groupMedia';

export const NO_IMAGE = 'this sample has no image';

export async function sampleImage(store: Store, ref: GroupRef, index: number, maxWidth: number): Promise<SampleImageResult> {
  const rows = groupMediaRows(store, ref);
  if (!rows.some((r) => r.idx === index))
    return { ok: false, message: `group ${ref.group} of step ${ref.step} has no sample ${index}`, label: null };
  const media = groupMedia(rows);
  const mine = media?.samples.find((s) => s.index === index);
  if (!media || !mine || mine.image === null) return { ok: false, message: NO_IMAGE, label: null };
  const label = media.images[mine.image]!.label;
  try {
    const r = await renderGroup(store, ref, { sample: index, maxWidth });
    // The PNG's own header: renderGroup reports the original size, the hover needs the drawn one.
    const info = imageInfo(r.png);
    if (typeof info === 'string') return { ok: false, message: info, label };
    return {
      ok: true,
      png: r.png.toString('base64'),
      width: info.width,
      height: info.height,
      label,
      scores: mine.boxes ? mine.scores : null,
      pred_boxes: r.pred_boxes,
      gt_boxes: r.gt_boxes,
    };
  } catch (e) {
    // A missing file, a refused type, a corrupt PNG: the message names the image looked for.
    return { ok: false, message: errorMessage(e), label };
  }
}
