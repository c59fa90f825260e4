// The group view's images and boxes: the distinct images the group's samples (and their turns)
// refer to, each sample's boxes with IoU, hit and area ÷ target, and the bytes of one image when the
// view shows it. A view asks for an image by its index in this list, so it can only ever read what
// the group's rows reference (never an arbitrary path).
import type { GroupRef } from '../../shared/explorer';
import { errorMessage } from '../../shared/errors';
import {
  boxProblem,
  boxScores,
  describeImageRef,
  DISPLAY_MAX_SIDE,
  type GroupMedia,
  type ImageLoad,
  type ImageRef,
  type SampleBoxes,
} from '../../shared/media';
import type { Turn } from '../../shared/rollout';
import { decodeImage } from '../media/decodeImage';
import { loadImageBytes, type ImageBytes } from '../media/loadImage';
import { encodePng } from '../media/png';
import { downscale } from '../media/raster';
import { requireGroupId } from '../store/reads';
import type { Store } from '../store/store';

export interface MediaRow {
  idx: number;
  images: string | null;
  boxes: string | null;
  turns: string | null;
}

/** A reference's identity: its source, without the size (the same file logged with and without a size is one image). */
export function sourceKey(ref: ImageRef): string {
  const { width: _w, height: _h, ...source } = ref;
  return JSON.stringify(source);
}

function imagesOf(row: MediaRow): { own: ImageRef[]; turns: ImageRef[] } {
  const own = row.images ? (JSON.parse(row.images) as ImageRef[]) : [];
  const turns = row.turns ? (JSON.parse(row.turns) as Turn[]).flatMap((t) => t.images ?? []) : [];
  return { own, turns };
}

/** The distinct images of the group, in first-use order (a sample's own images before its turns'). */
function distinctImages(rows: readonly MediaRow[]): { list: ImageRef[]; at: Map<string, number> } {
  const list: ImageRef[] = [];
  const at = new Map<string, number>();
  for (const row of rows) {
    const { own, turns } = imagesOf(row);
    for (const ref of [...own, ...turns]) {
      const key = sourceKey(ref);
      const known = at.get(key);
      if (known === undefined) {
        at.set(key, list.length);
        list.push(ref);
      } else if (ref.width && !list[known]!.width) list[known] = ref;
    }
  }
  return { list, at };
}

/** Why an `input`-frame box without the input's size is flagged: it cannot be placed on the image. */
export const UNSCALED = "in the model input's pixels, whose size was not logged: drawn unscaled";

export function groupMedia(rows: readonly MediaRow[]): GroupMedia | null {
  const { list, at } = distinctImages(rows);
  if (list.length === 0) return null;
  return {
    images: list.map((ref) => ({ ref, label: describeImageRef(ref) })),
    samples: rows.map((row) => {
      const { own, turns } = imagesOf(row);
      const boxes = row.boxes ? (JSON.parse(row.boxes) as SampleBoxes) : null;
      const shown = boxes ? own[boxes.image] : (own[0] ?? turns[0]);
      const image = shown ? (at.get(sourceKey(shown)) ?? null) : null;
      const ref = image === null ? null : list[image]!;
      // Sizes are in original pixels; `input` boxes are checked against the input size instead.
      const unscaled = boxes?.frame === 'input' && !boxes.input_size;
      const [w, h] = boxes?.frame === 'input' && boxes.input_size ? boxes.input_size : [ref?.width ?? null, ref?.height ?? null];
      return {
        index: row.idx,
        image,
        boxes,
        scores: boxScores(boxes?.pred[0], boxes?.gt[0]),
        problems: boxes ? boxes.pred.map((b) => (unscaled ? UNSCALED : boxProblem(b, w, h))) : [],
      };
    }),
  };
}

/** The group's rows as the media needs them, with each sample's reward. */
export function groupMediaRows(store: Store, ref: GroupRef): Array<MediaRow & { reward: number }> {
  const gid = requireGroupId(store, ref);
  return store.db.prepare('SELECT idx, reward, images, boxes, turns FROM samples WHERE group_id = ? ORDER BY idx').all(gid) as Array<
    MediaRow & { reward: number }
  >;
}

/** The bytes of one of the group's images (`image` indexes GroupMedia.images). */
export async function groupImageBytes(store: Store, ref: GroupRef, image: number): Promise<ImageBytes> {
  const { list } = distinctImages(groupMediaRows(store, ref));
  const wanted = list[image];
  if (!wanted) return { ok: false, message: `This group has ${list.length} images; there is no image ${image}.` };
  return loadImageBytes(store.db, wanted);
}

/** One of the group's images (`image` indexes GroupMedia.images), as the webview receives it. */
export async function groupImage(store: Store, ref: GroupRef, image: number): Promise<ImageLoad> {
  const got = await groupImageBytes(store, ref, image);
  if (!got.ok) return got;
  const { width, height, mime } = got.info;
  const small = forDisplay(got.bytes, width, height);
  if (typeof small === 'string') return { ok: false, message: `Image not shown: ${small}` };
  return {
    ok: true,
    mime: small ? 'image/png' : mime,
    data: (small ?? got.bytes).toString('base64'),
    width,
    height,
    bytes: got.bytes.length,
    ...(small ? { downscaled: true } : {}),
  };
}

/**
 * A large image downscaled for the view (a 6000-pixel scan would cost the webview ~150 MB to
 * decode): PNG of at most DISPLAY_MAX_SIDE a side; undefined when it is small enough. A large image
 * the engine cannot decode (WebP, or past the decoder's pixel limit) is refused with why: sending it
 * as it is would have the webview decode what the engine would not (a decompression bomb).
 */
function forDisplay(bytes: Buffer, width: number, height: number): Buffer | undefined | string {
  if (Math.max(width, height) <= DISPLAY_MAX_SIDE) return undefined;
  try {
    const maxWidth = width >= height ? DISPLAY_MAX_SIDE : Math.floor((DISPLAY_MAX_SIDE * width) / height);
    return encodePng(downscale(decodeImage(bytes), maxWidth));
  } catch (e) {
    return `${width}×${height} is too large to show as it is, and it could not be downscaled (${errorMessage(e)})`;
  }
}
