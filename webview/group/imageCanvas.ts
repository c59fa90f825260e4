// One of the group's images, fetched from the host and drawn into a canvas: shared by the image and
// boxes section and the Vision-Zero game section. The bytes are decoded off the main thread
// (createImageBitmap) and drawn into a canvas that CSS scales down, so no <img> or data: URL is ever
// built from what the host sent.
import { IMAGE_MIMES, type ImageLoad } from '../../src/shared/media';
import { el } from '../shared/dom';

/** The canvas keeps at most this many pixels a side (a huge scan would otherwise cost hundreds of MB). */
const MAX_CANVAS_SIDE = 4096;

/** The drawn image with its natural size, or why there is none (the message names the reference looked for). */
export type DrawnImage = { ok: true; canvas: HTMLCanvasElement; width: number; height: number } | { ok: false; message: string };

/**
 * Asks for the bytes (`load`), checks their type, decodes and draws them into a canvas of class `cls`.
 * Resolves to null when `discarded()` became true meanwhile (a newer snapshot replaced the figure).
 */
export async function drawGroupImage(load: () => Promise<ImageLoad>, discarded: () => boolean, cls: string): Promise<DrawnImage | null> {
  let bitmap: ImageBitmap;
  let natural: { width: number; height: number } | null = null;
  try {
    const r = await load();
    if (discarded()) return null;
    if (!r.ok) return { ok: false, message: r.message };
    if (!(IMAGE_MIMES as readonly string[]).includes(r.mime)) return { ok: false, message: `not an image type the view shows: ${r.mime}` };
    performance.mark('rl:image-received');
    // A large image comes downscaled for display; its boxes are in the original's pixels.
    if (r.downscaled) natural = { width: r.width, height: r.height };
    bitmap = await createImageBitmap(new Blob([bytesOf(r.data)], { type: r.mime }));
  } catch (e) {
    return discarded() ? null : { ok: false, message: `could not load or decode the image: ${e instanceof Error ? e.message : String(e)}` };
  }
  const { width, height } = natural ?? bitmap;
  if (discarded()) {
    bitmap.close();
    return null;
  }
  const fit = Math.min(1, MAX_CANVAS_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = el('canvas', { cls, attrs: { role: 'img', 'aria-label': `Image ${width}×${height}` } });
  canvas.width = Math.max(1, Math.round(bitmap.width * fit));
  canvas.height = Math.max(1, Math.round(bitmap.height * fit));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return { ok: true, canvas, width, height };
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
