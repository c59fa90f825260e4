// `rollout-lens render`'s engine side (docs/architecture.md#image-rendering): one 1920 × 1080 PNG with a
// group's 64 predicted boxes and a target drawn on it, decoded, drawn and written back as PNG. The
// image is photo-like (gradients and noise), since flat colour would flatter both zlib passes. A JPEG
// of the same picture is timed too, for reference (no limit). Figures are medians; nothing asserts time.
// `node --import tsx bench/render.bench.ts [--quick]` runs it alone.
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../src/core/media/decodeImage';
import { drawBoxes, type DrawnBox } from '../src/core/media/drawBoxes';
import { encodePng } from '../src/core/media/png';
import { createRaster, type Raster } from '../src/core/media/raster';
import { renderGroupImage, type GroupImageOptions } from '../src/core/media/renderGroupImage';
import type { BoxCoords } from '../src/shared/media';
import { prng } from '../test/helpers';

const W = 1920;
const H = 1080;
const BOXES = 64;
const LIMIT_MS = 1000;

function photoLike(): Raster {
  const rand = prng(26);
  const r = createRaster(W, H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const n = rand() * 24;
      r.data[p] = ((x * 255) / W + n) & 255;
      r.data[p + 1] = ((y * 255) / H + n) & 255;
      r.data[p + 2] = (128 + 100 * Math.sin(x / 90) * Math.cos(y / 70) + n) & 255;
      r.data[p + 3] = 255;
    }
  return r;
}

function group(): GroupImageOptions {
  const rand = prng(64);
  const pred = Array.from({ length: BOXES }, (_, i) => {
    const x = rand() * (W - 200);
    const y = rand() * (H - 200);
    return { box: [x, y, x + 40 + rand() * 300, y + 40 + rand() * 300] as BoxCoords, reward: rand(), sample: i };
  });
  return { pred, gt: [[800, 400, 1100, 650]], highlight: 3 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(runs: number, f: () => void): number {
  f(); // JIT warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function run(opts: { quick: boolean }): Promise<{ render: Record<string, unknown> }> {
  const runs = opts.quick ? 3 : 9;
  const picture = photoLike();
  const png = encodePng(picture);
  const jpg = jpeg.encode({ width: W, height: H, data: Buffer.from(picture.data) }, 90).data;
  const opts64 = group();
  const boxes: DrawnBox[] = opts64.pred.map((p) => ({ box: p.box, rgb: [255, 0, 0] }));
  const total = time(runs, () => renderGroupImage(png, opts64));
  const decoded = decodeImage(png);
  return {
    render: {
      what: `renderGroupImage: decode a ${W}×${H} PNG, draw ${BOXES} boxes + 1 target, encode PNG`,
      runs,
      input_png_bytes: png.length,
      decode_png_ms: round(time(runs, () => decodeImage(png))),
      draw_ms: round(time(runs, () => drawBoxes(decoded, boxes))),
      encode_png_ms: round(time(runs, () => encodePng(decoded))),
      jpeg_q90_median_ms: round(time(runs, () => renderGroupImage(jpg, opts64))),
      median_ms: round(total),
      limit_ms: LIMIT_MS,
      ratio_to_limit: round(total / LIMIT_MS),
    },
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
