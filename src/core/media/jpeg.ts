// JPEG decode through jpeg-js 0.4.4 (pure JavaScript, baseline and progressive). Its own limits
// bound a hostile file: the frame's pixel count is checked when the SOF marker is read, before the
// component buffers are made, and every buffer it allocates is counted against a memory cap.
import * as jpeg from 'jpeg-js';
import { LensError, ErrorCode } from '../../shared/errors';
import { checkSize, DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export function decodeJpeg(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  // A file cut short has no end-of-image marker; jpeg-js would paint the missing rows grey.
  if (!hasEndMarker(bytes)) throw new LensError(ErrorCode.BadInput, `${source}: JPEG is truncated (no end-of-image marker)`);
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
