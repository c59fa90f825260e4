// Box outlines: where the line falls, what stays untouched, clipping and flagging, line width, downscale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawBoxes, lineWidthFor } from '../../../src/core/media/drawBoxes';
import { createRaster, downscale, type Raster } from '../../../src/core/media/raster';

const BG = [10, 20, 30, 255];
const RED = [255, 0, 0, 255];
const BLACK = [0, 0, 0, 255];
function plain(w = 40, h = 30): Raster {
  const r = createRaster(w, h);
  for (let i = 0; i < r.data.length; i += 4) r.data.set(BG, i);
  return r;
}
const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));

describe('drawBoxes', () => {
  it('draws the line inside the box edges and leaves the inside and outside alone', () => {
    const image = plain();
    const r = drawBoxes(image, [{ box: [10, 5, 30, 25], rgb: [255, 0, 0], width: 2, outline: null }]);
    // Line 2 px: columns 10-11 and 28-29, rows 5-6 and 23-24.
    assert.deepEqual(
      [at(r, 10, 5), at(r, 11, 15), at(r, 29, 24), at(r, 20, 5), at(r, 28, 15), at(r, 20, 23)],
      [RED, RED, RED, RED, RED, RED],
    );
    assert.deepEqual(
      [at(r, 12, 15), at(r, 20, 15), at(r, 27, 22), at(r, 9, 5), at(r, 30, 15), at(r, 20, 25), at(r, 20, 4)],
      [BG, BG, BG, BG, BG, BG, BG],
    );
    assert.deepEqual(at(image, 10, 5), BG, 'the input raster is not drawn on');
  });
  it('edges the line with a 1-pixel outline on both sides by default', () => {
    const r = drawBoxes(plain(), [{ box: [10, 5, 30, 25], rgb: [255, 0, 0], width: 2 }]);
    assert.deepEqual([at(r, 9, 15), at(r, 10, 15), at(r, 11, 15), at(r, 12, 15), at(r, 13, 15)], [BLACK, RED, RED, BLACK, BG]);
  });
  it('draws dashes: 3 line widths of ink, 2 of gap, from the corner', () => {
    const r = drawBoxes(plain(), [{ box: [10, 5, 30, 25], rgb: [255, 0, 0], width: 2, dashed: true, outline: null }]);
    // on = max(4, 6) = 6, off = max(3, 4) = 4: ink 10-15, gap 16-19, ink 20-25, then ink into the far corner 26-29.
    assert.deepEqual(
      [15, 16, 19, 20, 25, 26, 29].map((x) => at(r, x, 5)),
      [RED, BG, BG, RED, RED, RED, RED],
    );
    // Down the left edge from row 5: ink 5-10, gap 11-14, ink 15-20, ink into the corner 21-24.
    assert.deepEqual(
      [10, 11, 14, 15, 21].map((y) => at(r, 10, y)),
      [RED, BG, BG, RED, RED],
    );
  });
  it('swaps x2 < x1 and flags the box: dashed, with a marker in its corner', () => {
    const r = drawBoxes(plain(), [{ box: [30, 25, 10, 5], rgb: [255, 0, 0], width: 2, outline: null }]);
    assert.deepEqual([at(r, 21, 5), at(r, 17, 5), at(r, 29, 24)], [RED, BG, RED]);
    // Marker: 6 × 6 at the top-left corner, inside the box.
    assert.deepEqual([at(r, 12, 8), at(r, 15, 10), at(r, 16, 10), at(r, 12, 11)], [RED, RED, BG, BG]);
  });
  it('clips a box reaching outside the image and flags it', () => {
    const r = drawBoxes(plain(), [{ box: [-10, -10, 15, 12], rgb: [255, 0, 0], width: 2, outline: null }]);
    // Clipped to [0, 0, 15, 12]: the left and top lines run along the image edge.
    assert.deepEqual([at(r, 0, 0), at(r, 0, 10), at(r, 14, 11), at(r, 3, 11)], [RED, RED, RED, RED]);
    assert.deepEqual([at(r, 0, 12), at(r, 15, 0), at(r, 10, 8)], [BG, BG, BG]);
    // Dashed along the bottom (flagged): ink 0-5, gap 6-9, ink 10-14.
    assert.deepEqual([at(r, 5, 11), at(r, 6, 11), at(r, 9, 11), at(r, 10, 11)], [RED, BG, BG, RED]);
  });
  it('draws a box wholly outside the image on the nearest edge instead of dropping it', () => {
    const r = drawBoxes(plain(), [{ box: [50, 40, 60, 50], rgb: [255, 0, 0], width: 2, outline: null }]);
    // Marker 6 × 6 pulled into the bottom-right corner.
    assert.deepEqual([at(r, 39, 29), at(r, 34, 24), at(r, 33, 24)], [RED, RED, BG]);
  });
  it('scales the default line width with the image', () => {
    assert.deepEqual(
      [lineWidthFor({ width: 1920, height: 1080 }), lineWidthFor({ width: 100, height: 100 }), lineWidthFor({ width: 4000, height: 3000 })],
      [4, 2, 10],
    );
    const r = drawBoxes(plain(), [{ box: [10, 5, 30, 25], rgb: [255, 0, 0], outline: null }]);
    assert.deepEqual([at(r, 11, 15), at(r, 12, 15)], [RED, BG]);
  });
});

describe('downscale', () => {
  it('averages each block of source pixels, keeping the aspect ratio', () => {
    const r = createRaster(4, 2);
    [0, 100, 200, 255, 50, 150, 250, 5].forEach((v, i) => r.data.set([v, 0, 0, 255], i * 4));
    const half = downscale(r, 2);
    assert.deepEqual([half.width, half.height], [2, 1]);
    // (0 + 100 + 50 + 150) / 4 = 75; (200 + 255 + 250 + 5) / 4 = 177.5 → 178
    assert.deepEqual(Array.from(half.data), [75, 0, 0, 255, 178, 0, 0, 255]);
  });
  it('leaves an image already narrow enough as it is', () => {
    const r = plain(10, 10);
    assert.equal(downscale(r, 10), r);
  });
  it('covers every source pixel when the widths do not divide', () => {
    const r = plain(5, 3);
    const out = downscale(r, 2);
    assert.deepEqual([out.width, out.height], [2, 1]);
    assert.deepEqual(Array.from(out.data), [...BG, ...BG]);
  });
});
