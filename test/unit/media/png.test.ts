// PNG decode of every colour type and bit depth, Adam7, all five filters; encode round trips; refusals.
// Fixtures: test/fixtures/images/make_images.py (each pixel a formula of x and y, noted per test).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { crc32, decodePng, encodePng } from '../../../src/core/media/png';
import { createRaster, type Raster } from '../../../src/core/media/raster';

const DIR = path.join(__dirname, '../../fixtures/images');
const load = (name: string): Raster => decodePng(fs.readFileSync(path.join(DIR, name)), name);
const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));

/** A PNG from parts, for the hostile cases. */
function pngOf(ihdr: number[], raw: Buffer, extra: Buffer[] = []): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const h = Buffer.alloc(13);
  h.writeUInt32BE(ihdr[0]!, 0);
  h.writeUInt32BE(ihdr[1]!, 4);
  h.set(ihdr.slice(2), 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', h),
    ...extra,
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('PNG decode', () => {
  it('reads 8-bit grey through all five filters (value x·50 + y)', () => {
    const r = load('grey8.png');
    assert.deepEqual([r.width, r.height], [5, 4]);
    assert.deepEqual(at(r, 0, 0), [0, 0, 0, 255]);
    assert.deepEqual(at(r, 2, 1), [101, 101, 101, 255]);
    assert.deepEqual(at(r, 4, 3), [203, 203, 203, 255]);
  });
  it('spreads 1- and 4-bit grey over 0..255, including a row that ends mid-byte', () => {
    const one = load('grey1.png'); // (x + y) mod 2, 11 wide
    assert.deepEqual(
      [at(one, 0, 0), at(one, 1, 0), at(one, 10, 0), at(one, 10, 1)],
      [
        [0, 0, 0, 255],
        [255, 255, 255, 255],
        [0, 0, 0, 255],
        [255, 255, 255, 255],
      ],
    );
    const four = load('grey4.png'); // (3x + y) mod 16, times 17
    assert.deepEqual(at(four, 4, 2), [238, 238, 238, 255]);
    assert.deepEqual(at(four, 1, 1), [68, 68, 68, 255]);
  });
  it('keeps the high byte of 16-bit samples and matches tRNS on all 16 bits', () => {
    const grey = load('grey16_trns.png'); // x·0x1111 + y·0x0101, transparent 0x2222
    assert.deepEqual(at(grey, 2, 0), [0x22, 0x22, 0x22, 0]);
    assert.deepEqual(at(grey, 3, 1), [0x34, 0x34, 0x34, 255]);
    const rgb = load('rgb16.png'); // [x·0x4000 + 0xff, y·0x8000 + 0x80, 0xabcd]
    assert.deepEqual(at(rgb, 1, 0), [0x40, 0x00, 0xab, 255]);
    assert.deepEqual(at(rgb, 2, 1), [0x80, 0x80, 0xab, 255]);
  });
  it('reads 8-bit RGB with rows filtered None, Sub, Up, Average and Paeth in turn', () => {
    const r = load('rgb8_filters.png'); // [(30x + y) mod 256, (25y + 7x) mod 256, 9xy mod 256]
    assert.deepEqual(at(r, 0, 0), [0, 0, 0, 255]);
    assert.deepEqual(at(r, 3, 4), [94, 121, 108, 255]);
    assert.deepEqual(at(r, 6, 9), [189, 11, 230, 255]);
  });
  it('reads palettes with tRNS alpha, entries past tRNS opaque, at 8 and 2 bits', () => {
    const r = load('palette8_trns.png'); // index (x + y) mod 4; alpha 255, 128, 0
    assert.deepEqual(
      [0, 1, 2, 3].map((x) => at(r, x, 0)),
      [
        [255, 0, 0, 255],
        [0, 255, 0, 128],
        [0, 0, 255, 0],
        [10, 20, 30, 255],
      ],
    );
    const two = load('palette2.png'); // index (x + 2y) mod 4
    assert.deepEqual(at(two, 4, 1), [0, 0, 255, 255]);
    assert.deepEqual(at(two, 3, 0), [10, 20, 30, 255]);
  });
  it('reads grey with alpha and RGBA', () => {
    const ga = load('greyalpha8.png'); // [100x, 120y]
    assert.deepEqual(at(ga, 2, 1), [200, 200, 200, 120]);
    assert.deepEqual(at(ga, 1, 2), [100, 100, 100, 240]);
    const rgba = load('rgba8.png'); // [40x, 50y, 200, 255 − 10xy]
    assert.deepEqual(at(rgba, 5, 4), [200, 200, 200, 55]);
    assert.deepEqual(at(rgba, 2, 3), [80, 150, 200, 195]);
  });
  it('puts every Adam7 pass pixel where it belongs', () => {
    const r = load('rgba8_interlaced.png'); // [25x, 25y, 10(x + y), 255 − x], 9 × 10
    assert.deepEqual(at(r, 8, 9), [200, 225, 170, 247]);
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 9; x++) assert.deepEqual(at(r, x, y), [25 * x, 25 * y, 10 * (x + y), 255 - x], `${x},${y}`);
    const p = load('palette1_interlaced.png'); // index xy mod 2, 13 × 9
    assert.deepEqual(at(p, 3, 5), [0, 255, 0, 255]);
    assert.deepEqual(at(p, 4, 5), [255, 0, 0, 255]);
    for (let y = 0; y < 9; y++)
      for (let x = 0; x < 13; x++) assert.deepEqual(at(p, x, y), (x * y) % 2 ? [0, 255, 0, 255] : [255, 0, 0, 255]);
  });
});

describe('PNG encode', () => {
  const pattern = (opaque: boolean): Raster => {
    const r = createRaster(37, 23);
    for (let i = 0; i < r.data.length; i++) r.data[i] = (i * 7919 + (i >> 5) * 31) & 255;
    if (opaque) for (let i = 3; i < r.data.length; i += 4) r.data[i] = 255;
    return r;
  };
  it('round-trips RGBA exactly', () => {
    const r = pattern(false);
    const bytes = encodePng(r);
    assert.equal(bytes[25], 6); // colour type RGBA
    assert.deepEqual(decodePng(bytes), r);
  });
  it('writes an opaque image as RGB and round-trips it exactly', () => {
    const r = pattern(true);
    const bytes = encodePng(r);
    assert.equal(bytes[25], 2);
    assert.deepEqual(decodePng(bytes), r);
  });
  it('writes chunk CRCs that match the published IEND CRC', () => {
    const bytes = encodePng(pattern(true));
    assert.equal(bytes.readUInt32BE(bytes.length - 4), 0xae426082);
    assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
  });
});

describe('PNG refusals', () => {
  const good = fs.readFileSync(path.join(DIR, 'rgb8_filters.png'));
  it('names a truncated file', () => {
    assert.throws(() => decodePng(good.subarray(0, 60), 'cut.png'), {
      message: /^cut\.png: PNG is truncated \(chunk IDAT at byte 33 runs past the end of the file\)$/,
    });
    assert.throws(() => decodePng(good.subarray(0, 20), 'cut.png'), { message: /^cut\.png: PNG is truncated \(chunk IHDR/ });
  });
  it('refuses a header larger than the limit before allocating', () => {
    assert.throws(() => decodePng(pngOf([100_000, 100_000, 8, 6, 0, 0, 0], Buffer.alloc(1)), 'huge.png'), {
      message: 'huge.png: PNG image is 100000×100000 = 10,000,000,000 pixels, over the render limit of 40,000,000',
    });
    assert.throws(() => decodePng(good, 'small.png', { maxPixels: 50, maxJpegMemoryMB: 1 }), {
      message: /= 70 pixels, over the render limit of 50$/,
    });
  });
  it('stops inflating at the size the header implies (a deflate bomb)', () => {
    assert.throws(() => decodePng(pngOf([1, 1, 8, 0, 0, 0, 0], Buffer.alloc(10_000_000)), 'bomb.png'), {
      message: /^bomb\.png: PNG image data is longer than its header implies/,
    });
  });
  it('refuses a bad bit depth, an unknown filter and a palette image without PLTE', () => {
    assert.throws(() => decodePng(pngOf([1, 1, 4, 2, 0, 0, 0], Buffer.alloc(2))), {
      message: 'image: PNG colour type 2 with bit depth 4 is not valid',
    });
    assert.throws(() => decodePng(pngOf([1, 1, 8, 0, 0, 0, 0], Buffer.from([5, 0]))), {
      message: 'image: PNG row uses unknown filter type 5',
    });
    assert.throws(() => decodePng(pngOf([1, 1, 8, 3, 0, 0, 0], Buffer.from([0, 0]))), {
      message: 'image: palette PNG has no valid PLTE chunk',
    });
  });
  it('refuses a file that is not PNG', () => {
    assert.throws(() => decodePng(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), {
      message: 'image: not a PNG file (bad signature)',
    });
  });
});
