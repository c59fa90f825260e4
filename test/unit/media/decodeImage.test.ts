// Format dispatch: JPEG through jpeg-js, GIF's first frame through our decoder, and what is refused.
// Fixtures from test/fixtures/images/make_images.py (Pillow): quadrants red, green, blue, light grey.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeImage } from '../../../src/core/media/decodeImage';
import { sniffFormat } from '../../../src/core/media/imageInfo';
import type { Raster } from '../../../src/core/media/raster';
import { isLensError } from '../../../src/shared/errors';
import { MAX_IMAGE_BYTES } from '../../../src/shared/media';

const DIR = path.join(__dirname, '../../fixtures/images');
const bytes = (name: string): Buffer => fs.readFileSync(path.join(DIR, name));
const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));
const CENTRES = [
  [4, 4],
  [27, 4],
  [4, 27],
  [27, 27],
] as const;

describe('decoding by content', () => {
  it('names formats by their first bytes', () => {
    assert.deepEqual(
      ['rgba8.png', 'quadrants.jpg', 'two_colours.gif', 'quadrants.webp'].map((f) => sniffFormat(bytes(f))),
      ['png', 'jpeg', 'gif', 'webp'],
    );
    assert.equal(sniffFormat(Buffer.from('\uFEFF<?xml version="1.0"?>\n<!-- logo -->\n<svg viewBox="0 0 1 1"></svg>')), 'svg');
    assert.equal(sniffFormat(Buffer.from('<html><body></body></html>')), 'unknown');
  });
  it('decodes a baseline JPEG (4:4:4): each quadrant within 1 of the colour written', () => {
    const r = decodeImage(bytes('quadrants.jpg'), 'quadrants.jpg');
    assert.deepEqual([r.width, r.height], [32, 32]);
    assert.deepEqual(
      CENTRES.map(([x, y]) => at(r, x, y)),
      [
        [200, 30, 29, 255],
        [30, 199, 30, 255],
        [29, 29, 199, 255],
        [240, 240, 240, 255],
      ],
    );
  });
  it('decodes a progressive JPEG (4:2:0)', () => {
    const r = decodeImage(bytes('quadrants_progressive.jpg'));
    assert.deepEqual(
      CENTRES.map(([x, y]) => at(r, x, y)),
      [
        [200, 30, 29, 255],
        [30, 199, 30, 255],
        [29, 29, 199, 255],
        [240, 240, 240, 255],
      ],
    );
  });
  it("decodes a GIF's first frame with its transparent index clear", () => {
    const r = decodeImage(bytes('two_colours.gif')); // left half red, right top blue, right bottom transparent
    assert.deepEqual([r.width, r.height], [8, 6]);
    assert.deepEqual(
      [at(r, 0, 0), at(r, 3, 5), at(r, 4, 0), at(r, 7, 2), at(r, 4, 3), at(r, 7, 5)],
      [
        [255, 0, 0, 255],
        [255, 0, 0, 255],
        [0, 0, 255, 255],
        [0, 0, 255, 255],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
    );
  });
});

describe('GIF', () => {
  it('puts interlaced rows in their place', () => {
    const r = decodeImage(bytes('rows_interlaced.gif')); // row y: red, green, blue by y mod 3
    assert.deepEqual([r.width, r.height], [16, 20]);
    const colours = [
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
    ];
    for (let y = 0; y < 20; y++) assert.deepEqual([at(r, 0, y), at(r, 15, y)], [colours[y % 3], colours[y % 3]], `row ${y}`);
  });
  it('refuses a GIF with no frame and one with an unknown block', () => {
    const header = bytes('two_colours.gif').subarray(0, 25); // header, screen, colour table
    assert.throws(() => decodeImage(Buffer.concat([header, Buffer.from([0x3b])]), 'empty.gif'), {
      message: 'empty.gif: GIF has no image frame',
    });
    assert.throws(() => decodeImage(Buffer.concat([header, Buffer.from([0x99])]), 'odd.gif'), {
      message: 'odd.gif: GIF is corrupt (unknown block 0x99 at byte 25)',
    });
  });
});

describe('hostile bytes', () => {
  it('decodes or refuses every corrupted fixture, and always ends', () => {
    // Each fixture with 1-4 bytes overwritten, and cut short a third of the time. omggif, tried
    // first for GIF, looped forever on some of these.
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const outcomes = { decoded: 0, refused: 0 };
    for (const name of fs.readdirSync(DIR).filter((f) => !f.endsWith('.py'))) {
      const original = bytes(name);
      for (let k = 0; k < 150; k++) {
        const b = Buffer.from(original);
        for (let j = 1 + Math.floor(rand() * 4); j > 0; j--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        const input = rand() < 0.33 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
        try {
          const r = decodeImage(input, name, { maxPixels: 1_000_000, maxJpegMemoryMB: 64 });
          assert.equal(r.data.length, r.width * r.height * 4);
          outcomes.decoded++;
        } catch (e) {
          assert.ok(isLensError(e), `${name} #${k}: ${String(e)}`);
          outcomes.refused++;
        }
      }
    }
    assert.equal(outcomes.decoded + outcomes.refused, 17 * 150); // every fixture was read
    assert.ok(outcomes.decoded > 0 && outcomes.refused > 0);
  });
});

describe('refusals', () => {
  it('refuses WebP and SVG, saying what to do', () => {
    assert.throws(() => decodeImage(bytes('quadrants.webp'), 'a.webp'), {
      message: 'a.webp: is WebP; render decodes PNG, JPEG and GIF; convert WebP first (for example `dwebp in.webp -o out.png`)',
    });
    assert.throws(() => decodeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), 'logo.svg'), {
      message: 'logo.svg: is SVG, which render does not rasterise; export it as PNG first',
    });
  });
  it('refuses unknown and empty files, showing their first bytes', () => {
    assert.throws(() => decodeImage(Buffer.from('<html><body>'), 'page'), {
      message: 'page: is not a PNG, JPEG or GIF image (it starts with 3c 68 74 6d 6c 3e 3c 62)',
    });
    assert.throws(() => decodeImage(Buffer.alloc(0), 'empty.png'), {
      message: 'empty.png: is not a PNG, JPEG or GIF image (it starts with nothing: the file is empty)',
    });
  });
  it('refuses truncated JPEG and GIF files', () => {
    assert.throws(() => decodeImage(bytes('quadrants.jpg').subarray(0, 400), 'cut.jpg'), {
      message: 'cut.jpg: JPEG is truncated (no end-of-image marker)',
    });
    assert.throws(() => decodeImage(bytes('two_colours.gif').subarray(0, 50), 'cut.gif'), {
      message: 'cut.gif: GIF is truncated (it ends at byte 50, inside a block that starts at 45)',
    });
    assert.throws(() => decodeImage(bytes('two_colours.gif').subarray(0, 20), 'cut.gif'), {
      message: 'cut.gif: GIF is truncated (it ends at byte 20, inside a block that starts at 13)',
    });
  });
  it('refuses images over the pixel, JPEG memory and byte limits', () => {
    const small = { maxPixels: 1000, maxJpegMemoryMB: 512 };
    assert.throws(() => decodeImage(bytes('quadrants.jpg'), 'q.jpg', small), {
      message: 'q.jpg: JPEG image is 32×32 = 1,024 pixels, over the render limit of 1,000',
    });
    assert.throws(() => decodeImage(bytes('two_colours.gif'), 'g.gif', { maxPixels: 47, maxJpegMemoryMB: 1 }), {
      message: 'g.gif: GIF image is 8×6 = 48 pixels, over the render limit of 47',
    });
    assert.throws(() => decodeImage(bytes('quadrants.jpg'), 'q.jpg', { maxPixels: 1e6, maxJpegMemoryMB: 0.001 }), {
      message: 'q.jpg: JPEG is over the render limit (maxMemoryUsageInMB limit exceeded by at least 1MB)',
    });
    assert.throws(() => decodeImage(Buffer.alloc(MAX_IMAGE_BYTES + 1), 'big.png'), {
      message: 'big.png: 20971521 bytes is over the 20 MB image limit',
    });
  });
});
