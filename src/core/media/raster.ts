// Decoded pixels for `rollout-lens render` (docs/architecture.md#image-rendering): 8-bit RGBA, rows top to
// bottom, no padding. Every decoder returns this and every drawing function works on it.
import { LensError, ErrorCode } from '../../shared/errors';

export interface Raster {
  width: number;
  height: number;
  /** width × height × 4 bytes: R, G, B, A. */
  data: Uint8Array;
}

/** How large an image may decode to. A hostile header can claim any size, so this is checked before allocating. */
export interface DecodeLimits {
  /** Most pixels (width × height) decoded: 40 MP by default, 160 MB of RGBA. */
  maxPixels: number;
  /** Most memory the JPEG decoder may allocate, in MB (jpeg-js counts its own buffers). */
  maxJpegMemoryMB: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 40_000_000, maxJpegMemoryMB: 512 };

export function createRaster(width: number, height: number): Raster {
  return { width, height, data: new Uint8Array(width * height * 4) };
}

/** Refuses a claimed size before any pixel buffer is made for it. */
export function checkSize(source: string, format: string, width: number, height: number, limits: DecodeLimits): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new LensError(ErrorCode.BadInput, `${source}: ${format} header gives an impossible size ${width}×${height}`);
  if (width * height > limits.maxPixels)
    throw new LensError(
      ErrorCode.BadInput,
      `${source}: ${format} image is ${width}×${height} = ${count(width * height)} pixels, over the render limit of ${count(limits.maxPixels)}`,
    );
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Shrinks to at most `maxWidth` pixels wide by averaging each output pixel's source block (a box
 * filter), keeping the aspect ratio. Returns the raster itself when it is narrow enough already.
 */
export function downscale(image: Raster, maxWidth: number): Raster {
  if (!(maxWidth >= 1) || image.width <= maxWidth) return image;
  const width = Math.floor(maxWidth);
  const height = Math.max(1, Math.round((image.height * width) / image.width));
  const out = createRaster(width, height);
  // Source ranges per output column and row: [start, end), never empty.
  const span = (n: number, from: number): Int32Array => {
    const edges = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) edges[i] = Math.min(from, Math.floor((i * from) / n));
    for (let i = 1; i <= n; i++) if (edges[i]! <= edges[i - 1]!) edges[i] = Math.min(from, edges[i - 1]! + 1);
    return edges;
  };
  const xs = span(width, image.width);
  const ys = span(height, image.height);
  const src = image.data;
  const sums = new Float64Array(width * 4);
  for (let oy = 0; oy < height; oy++) {
    sums.fill(0);
    const y0 = ys[oy]!;
    const y1 = ys[oy + 1]!;
    for (let y = y0; y < y1; y++) {
      const row = y * image.width * 4;
      for (let ox = 0; ox < width; ox++) {
        const x1 = xs[ox + 1]!;
        let r = 0;
        let g = 0;
        let b = 0;
        let a = 0;
        for (let x = xs[ox]!; x < x1; x++) {
          const p = row + x * 4;
          r += src[p]!;
          g += src[p + 1]!;
          b += src[p + 2]!;
          a += src[p + 3]!;
        }
        const s = ox * 4;
        sums[s] = sums[s]! + r;
        sums[s + 1] = sums[s + 1]! + g;
        sums[s + 2] = sums[s + 2]! + b;
        sums[s + 3] = sums[s + 3]! + a;
      }
    }
    const rowOut = oy * width * 4;
    for (let ox = 0; ox < width; ox++) {
      const n = (xs[ox + 1]! - xs[ox]!) * (y1 - y0);
      for (let c = 0; c < 4; c++) out.data[rowOut + ox * 4 + c] = Math.round(sums[ox * 4 + c]! / n);
    }
  }
  return out;
}
