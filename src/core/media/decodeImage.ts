// Which decoder an image's bytes go to, by their first bytes (never by file name or declared type).
// PNG (own decoder), JPEG (jpeg-js) and GIF (own decoder, first frame) are decoded; WebP is refused because
// no small pure-JavaScript decoder exists (the maintained ones are WebAssembly builds of libwebp), and
// SVG is refused because it is a document, not pixels.
import { MAX_IMAGE_BYTES } from '../../shared/media';
import { LensError, ErrorCode } from '../../shared/errors';
import { decodeGif } from './gif';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import { sniffFormat } from './imageInfo';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export const WEBP_REFUSAL = 'render decodes PNG, JPEG and GIF; convert WebP first (for example `dwebp in.webp -o out.png`)';

/** Decodes to RGBA, or throws a LensError whose message starts with `source` and says why. */
export function decodeImage(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new LensError(ErrorCode.BadInput, `${source}: ${bytes.length} bytes is over the ${MAX_IMAGE_BYTES / 1024 / 1024} MB image limit`);
  const format = sniffFormat(bytes);
  switch (format) {
    case 'png':
      return decodePng(bytes, source, limits);
    case 'jpeg':
      return decodeJpeg(bytes, source, limits);
    case 'gif':
      return decodeGif(bytes, source, limits);
    case 'webp':
      throw new LensError(ErrorCode.UnknownFormat, `${source}: is WebP; ${WEBP_REFUSAL}`);
    case 'svg':
      throw new LensError(ErrorCode.UnknownFormat, `${source}: is SVG, which render does not rasterise; export it as PNG first`);
    default:
      throw new LensError(
        ErrorCode.UnknownFormat,
        `${source}: is not a PNG, JPEG or GIF image (it starts with ${hex(bytes.subarray(0, 8))})`,
      );
  }
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? 'nothing: the file is empty' : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
