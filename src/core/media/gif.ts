// GIF decode through omggif 1.0.10 (pure JavaScript): the first frame only, on a transparent canvas
// the size of the GIF's logical screen. An animation's later frames are not rendered.
import { GifReader } from 'omggif';
import { LensError, ErrorCode } from '../../shared/errors';
import { checkSize, createRaster, DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export function decodeGif(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  const fail = (why: string): never => {
    throw new LensError(ErrorCode.BadInput, `${source}: ${why}`);
  };
  let reader: GifReader;
  try {
    // omggif walks every block when constructed; a file cut inside a block throws here.
    reader = new GifReader(bytes);
  } catch (e) {
    return fail(`GIF is truncated or corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  checkSize(source, 'GIF', reader.width, reader.height, limits);
  if (reader.numFrames() === 0) fail('GIF is truncated (no image frame)');
  const frame = reader.frameInfo(0);
  // omggif blits without clipping: a frame past the screen's edge would wrap into the next rows.
  if (frame.x + frame.width > reader.width || frame.y + frame.height > reader.height)
    fail(
      `GIF's first frame (${frame.width}×${frame.height} at ${frame.x},${frame.y}) lies outside its ${reader.width}×${reader.height} screen`,
    );
  if (frame.palette_offset === null) fail('GIF has no colour table for its first frame');
  const out = createRaster(reader.width, reader.height);
  try {
    reader.decodeAndBlitFrameRGBA(0, out.data);
  } catch (e) {
    return fail(`GIF image data is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  return out;
}
