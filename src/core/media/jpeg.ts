// JPEG decode through jpeg-js 0.4.4 (pure JavaScript, baseline and progressive). Its own limits
// bound a hostile file: the frame's pixel count is checked when the SOF marker is read, before the
// component buffers are made, and every buffer it allocates is counted against a memory cap.
import * as jpeg from 'jpeg-js';
import { LensError, ErrorCode } from '../../shared/errors';
import { checkSize, DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export function decodeJpeg(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  // A file cut short has no end-of-image marker; jpeg-js would paint the missing rows grey.
  if (!hasEndMarker(bytes)) throw new LensError(ErrorCode.BadInput, `${source}: JPEG is truncated (no end-of-image marker)`);
  const size = frameSize(bytes);
  if (size) checkSize(source, 'JPEG', size[0], size[1], limits);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: limits.maxJpegMemoryMB,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message))
      throw new LensError(ErrorCode.BadInput, `${source}: JPEG is over the render limit (${message})`);
    throw new LensError(ErrorCode.BadInput, `${source}: JPEG could not be decoded (${message})`);
  }
  checkSize(source, 'JPEG', decoded.width, decoded.height, limits);
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}

/** FF D9 among the last bytes (encoders may pad after it, so a short tail is allowed). */
function hasEndMarker(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(2, bytes.length - 4096); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

/** [width, height] from the first start-of-frame marker, read before decoding so the limit message names the size. */
function frameSize(b: Uint8Array): [number, number] | null {
  for (let at = 2; at + 9 < b.length;) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return [(b[at + 7]! << 8) | b[at + 8]!, (b[at + 5]! << 8) | b[at + 6]!];
    at += 2 + ((b[at + 2]! << 8) | b[at + 3]!);
  }
  return null;
}
