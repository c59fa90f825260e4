// Groups with an image and boxes for the group view's tests and benchmark: real PNG bytes made
// here (zlib deflate + CRC-32, the PNG chunk layout of RFC 2083), boxes in both frames, one box
// outside the image, and an answer to group/image the way the host forwards the engine's.
import * as zlib from 'node:zlib';
import { boxScores, type BoxCoords, type GroupMedia, type ImageLoad, type SampleBoxes } from '../../src/shared/media';
import { GroupMessages, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { prng } from '../helpers';
import { answerGroup, groupFixture, type GroupFixture } from './fixtures';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGB PNG of width × height whose pixel (x, y) is `pixel(x, y)`. */
export function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function pngLoad(bytes: Buffer, width: number, height: number): ImageLoad {
  return { ok: true, mime: 'image/png', data: bytes.toString('base64'), width, height, bytes: bytes.length };
}

export interface MediaFixture extends GroupFixture {
  /** What group/image answers for each image index. */
  images: ImageLoad[];
}

/** Answers the group view's requests, group/image included. */
export function answerMedia(fx: MediaFixture): (method: string, params: unknown) => unknown {
  const rest = answerGroup(fx);
  return (method, params) => {
    if (method === GroupMessages.image.method) {
      const load = fx.images[(params as { image: number }).image];
      if (!load) throw new Error(`no image ${(params as { image: number }).image}`);
      return load;
    }
    return rest(method, params);
  };
}

interface SampleSpec {
  reward: number;
  pred: BoxCoords[];
  gt: BoxCoords[];
  frame?: 'original' | 'input';
  input_size?: [number, number];
  problems?: Array<string | null>;
}

/** A group of `specs.length` samples whose boxes lie on one image, with the media the engine would send. */
export function mediaGroupFixture(specs: SampleSpec[], image: { width: number; height: number; load: ImageLoad }): MediaFixture {
  const fx = groupFixture({ g: specs.length, tokens: 64 });
  const samples = fx.snapshot.samples.map((s, i) => ({ ...s, reward: (specs[i] as SampleSpec).reward }));
  const media: GroupMedia = {
    images: [{ ref: { path: '/runs/r1/screens/home.png', width: image.width, height: image.height }, label: 'screens/home.png' }],
    samples: specs.map((spec, i) => {
      const boxes: SampleBoxes = {
        pred: spec.pred,
        gt: spec.gt,
        image: 0,
        frame: spec.frame ?? 'original',
        ...(spec.input_size ? { input_size: spec.input_size } : {}),
      };
      return {
        index: i,
        image: 0,
        boxes,
        scores: boxScores(spec.pred[0], spec.gt[0]),
        problems: spec.problems ?? spec.pred.map(() => null),
      };
    }),
  };
  const snapshot: GroupSnapshot = { ...fx.snapshot, samples, media };
  return { ...fx, snapshot, json: JSON.stringify(snapshot), images: [image.load] };
}

/** A 640 × 360 test card: a light grey field with a darker grid every 40 pixels. */
export function testCard(): Buffer {
  return png(640, 360, (x, y) => (x % 40 === 0 || y % 40 === 0 ? [90, 90, 110] : [200, 205, 215]));
}

/**
 * The 8 samples of the view test on the 640 × 360 test card. The target is [200, 100, 400, 300];
 * sample 5 logs its boxes in a 320 × 720 model input (×2 across, ×0.5 down); sample 6's box leaves
 * the image; sample 7 predicts two boxes.
 */
export const CARD_SAMPLES: SampleSpec[] = [
  { reward: 1, pred: [[200, 100, 400, 300]], gt: [[200, 100, 400, 300]] },
  { reward: 0, pred: [[0, 0, 80, 60]], gt: [[200, 100, 400, 300]] },
  { reward: 0.5, pred: [[240, 120, 440, 320]], gt: [[200, 100, 400, 300]] },
  { reward: 0.25, pred: [[20, 200, 180, 340]], gt: [[200, 100, 400, 300]] },
  { reward: 0.75, pred: [[220, 80, 420, 280]], gt: [[200, 100, 400, 300]] },
  { reward: 1, pred: [[100, 200, 200, 600]], gt: [[100, 200, 200, 600]], frame: 'input', input_size: [320, 720] },
  { reward: 0, pred: [[560, 300, 720, 460]], gt: [[200, 100, 400, 300]], problems: ['outside the image'] },
  {
    reward: 0.5,
    pred: [
      [40, 40, 120, 120],
      [480, 40, 600, 160],
    ],
    gt: [[200, 100, 400, 300]],
  },
];

export function cardFixture(): MediaFixture {
  const bytes = testCard();
  return mediaGroupFixture(CARD_SAMPLES, { width: 640, height: 360, load: pngLoad(bytes, 640, 360) });
}

/**
 * A 1920 × 1080 "screenshot" (flat panels, text-like stripes, a gradient and a 512 × 384 photo of
 * noise, which keeps the PNG near the size of a real one: about 700 KB) and 64 samples whose boxes
 * scatter around one target button, for the benchmark.
 */
export function screenshotFixture(seed = 5): MediaFixture {
  const rnd = prng(seed);
  const bytes = png(1920, 1080, (x, y) => {
    if (y < 60) return [40, 44, 52];
    if (x >= 700 && x < 1212 && y >= 200 && y < 584) {
      const v = Math.floor(rnd() * 256);
      return [v, (v * 7 + x) & 255, (v * 13 + y) & 255];
    }
    if (x < 280) return (y >> 3) % 4 === 0 && x > 24 && x < 24 + ((y * 7) % 200) ? [150, 150, 160] : [30, 33, 40];
    if ((y >> 2) % 6 === 0 && (x >> 3) % 13 !== 0) return [60, 60, 70];
    return [235 - (y >> 4), 238 - (x >> 5), 242];
  });
  const gt: BoxCoords = [1500, 900, 1700, 960];
  const specs: SampleSpec[] = Array.from({ length: 64 }, () => {
    const dx = (rnd() - 0.5) * 600;
    const dy = (rnd() - 0.5) * 300;
    const grow = 0.5 + rnd() * 2;
    const w = 200 * grow;
    const h = 60 * grow;
    const x1 = 1600 + dx - w / 2;
    const y1 = 930 + dy - h / 2;
    return { reward: Math.round(rnd() * 4) / 4, pred: [[x1, y1, x1 + w, y1 + h]], gt: [gt] };
  });
  return mediaGroupFixture(specs, { width: 1920, height: 1080, load: pngLoad(bytes, 1920, 1080) });
}
