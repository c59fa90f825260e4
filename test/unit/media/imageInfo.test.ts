// Image type and size from the first bytes: what is accepted and what is refused, and why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageInfo } from '../../../src/core/media/imageInfo';
import { parseBoxes, parseImageRefs } from '../../../src/core/media/imageRefs';
import { solidPng } from '../../imageFixtures';

function bytes(...parts: Array<string | number[]>): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
}

describe('imageInfo', () => {
  it('reads the size of PNG, GIF, WebP (VP8X, VP8L) and JPEG headers', () => {
    assert.deepEqual(imageInfo(solidPng(320, 200)), { mime: 'image/png', width: 320, height: 200 });
    assert.deepEqual(imageInfo(bytes('GIF89a', [0x40, 0x01, 0xc8, 0x00])), { mime: 'image/gif', width: 320, height: 200 });
    // VP8X: canvas width − 1 and height − 1 as 24-bit little-endian numbers at bytes 24 and 27.
    const vp8x = bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8X', [10, 0, 0, 0], [0, 0, 0, 0], [0x7f, 0x07, 0x00], [0x37, 0x04, 0x00]);
    assert.deepEqual(imageInfo(vp8x), { mime: 'image/webp', width: 1920, height: 1080 });
    // VP8L: signature 0x2f, then 14 bits width − 1 and 14 bits height − 1.
    const bits = (100 - 1) | ((50 - 1) << 14);
    const vp8l = bytes(
      'RIFF',
      [0, 0, 0, 0],
      'WEBP',
      'VP8L',
      [0, 0, 0, 0],
      [0x2f],
      [bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24],
      [0],
    );
    assert.deepEqual(imageInfo(vp8l), { mime: 'image/webp', width: 100, height: 50 });
    // An APP0 segment first, then SOF0 with height 600 and width 800.
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 3, 0, 0]);
    assert.deepEqual(imageInfo(jpeg), { mime: 'image/jpeg', width: 800, height: 600 });
  });

  it('refuses SVG, other files and damaged headers with a reason', () => {
    assert.equal(
      imageInfo(bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')),
      'not a PNG, JPEG, WebP or GIF image (it looks like SVG, which is refused)',
    );
    assert.equal(
      imageInfo(bytes('<?xml version="1.0"?>\n<svg/>')),
      'not a PNG, JPEG, WebP or GIF image (it looks like SVG, which is refused)',
    );
    assert.equal(imageInfo(bytes('%PDF-1.7')), 'not a PNG, JPEG, WebP or GIF image');
    assert.equal(imageInfo(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])), 'a JPEG file with no frame header in the bytes read (truncated?)');
    assert.equal(imageInfo(bytes('GIF89a', [0, 0, 0, 0])), 'a GIF header with no size (0×0)');
  });
});

describe('image references and boxes in a rollout line', () => {
  it('resolves relative paths against the rollout folder and keeps sizes', () => {
    assert.deepEqual(
      parseImageRefs([{ path: 'img/a.png', width: 64, height: 48 }, 'b.png', { dataset: 'd.parquet', row: 3 }], '"images"', '/runs/r1'),
      [
        { path: '/runs/r1/img/a.png', width: 64, height: 48 },
        { path: '/runs/r1/b.png' },
        { dataset: '/runs/r1/d.parquet', row: 3, column: 'images' },
      ],
    );
  });

  it('names the bad field', () => {
    assert.equal(
      parseImageRefs([{ path: 'a.png', url: 'data:,' }], '"images"', null),
      '"images"[0] must have exactly one of "path", "url" or "dataset", got path, url',
    );
    assert.equal(
      parseImageRefs([{ dataset: 'd.json', row: -1 }], '"images"', null),
      '"images"[0].row must be an integer ≥ 0 (the dataset row)',
    );
    assert.equal(
      parseImageRefs([{ path: 'a.png', width: 0 }], '"images"', null),
      '"images"[0].width must be a positive integer (original pixels)',
    );
    assert.equal(parseBoxes({ pred: [[1, 2, 3]] }, 1), '"boxes".pred[0] must be 4 finite numbers [x1, y1, x2, y2]');
    assert.equal(parseBoxes({ pred: [], image: 2 }, 1), `"boxes".image must be the index of one of the sample's 1 images, got 2`);
    // Kept: VLM-R1's debug log gives input-frame boxes without the input's size (drawn unscaled and flagged).
    assert.deepEqual(parseBoxes({ pred: [], frame: 'input' }, 1), { pred: [], gt: [], image: 0, frame: 'input' });
  });

  it('keeps a reversed box (drawn flagged later) and accepts one bare box', () => {
    assert.deepEqual(parseBoxes({ pred: [[30, 10, 5, 40]], gt: [1, 2, 3, 4] }, 1), {
      pred: [[30, 10, 5, 40]],
      gt: [[1, 2, 3, 4]],
      image: 0,
      frame: 'original',
    });
  });
});
