// A group's boxes on its image: reward colours, targets, highlight, --max-width, boxes in the input's frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng, encodePng } from '../../../src/core/media/png';
import { createRaster, type Raster } from '../../../src/core/media/raster';
import { renderGroupImage, type GroupImageOptions } from '../../../src/core/media/renderGroupImage';
import { rewardRgb, rgbHex } from '../../../src/shared/rewardColour';
import type { BoxCoords } from '../../../src/shared/media';

const BG = [10, 20, 30, 255];
const RED = [220, 38, 38, 255];
const GREEN = [22, 163, 74, 255];
const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];
const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));

function imagePng(w = 60, h = 40): Buffer {
  const r = createRaster(w, h);
  for (let i = 0; i < r.data.length; i += 4) r.data.set(BG, i);
  return encodePng(r);
}
const A: BoxCoords = [5, 5, 25, 25];
const B: BoxCoords = [30, 5, 55, 35];
const GT: BoxCoords = [10, 10, 50, 30];
const render = (opts: Partial<GroupImageOptions> = {}): Raster =>
  decodePng(
    renderGroupImage(imagePng(), {
      pred: [
        { box: A, reward: 0, sample: 0 },
        { box: B, reward: 1, sample: 1 },
      ],
      gt: [GT],
      ...opts,
    }),
  );

describe('rewardRgb', () => {
  it('runs red → amber → green over the group min..max', () => {
    assert.deepEqual(
      [0, 0.25, 0.5, 0.75, 1, 3].map((r) => rewardRgb(r, 0, 1)),
      [
        [220, 38, 38],
        [233, 98, 25],
        [245, 158, 11],
        [134, 161, 43],
        [22, 163, 74],
        [22, 163, 74],
      ],
    );
    assert.deepEqual(rewardRgb(-2, -2, 2), [220, 38, 38]);
  });
  it('gives one colour (amber) when every reward is equal, grey when there is none', () => {
    assert.deepEqual(
      [rewardRgb(1, 1, 1), rewardRgb(0, 0, 0), rewardRgb(null, 0, 1), rewardRgb(NaN, 0, 1)],
      [
        [245, 158, 11],
        [245, 158, 11],
        [128, 128, 128],
        [128, 128, 128],
      ],
    );
    assert.equal(rgbHex([245, 158, 11]), '#f59e0b');
  });
});

describe('renderGroupImage', () => {
  it('colours predictions by reward and draws targets white, dashed, outlined', () => {
    const r = render();
    assert.deepEqual([r.width, r.height], [60, 40]);
    assert.deepEqual(at(r, 5, 20), RED); // A's left line (2 px: lines are at least 2 pixels)
    assert.deepEqual(at(r, 54, 34), GREEN); // B's bottom-right corner
    assert.deepEqual([at(r, 12, 10), at(r, 16, 10), at(r, 17, 10), at(r, 12, 12)], [WHITE, BLACK, BG, BLACK]); // target dash, its outline, a gap
    assert.deepEqual([at(r, 40, 20), at(r, 8, 20)], [BG, BG]); // inside the boxes
  });
  it("draws the highlighted sample's boxes twice as thick", () => {
    const r = render({ highlight: 0 });
    // Row 17: A's left line is columns 5-8 with its outline at 9; the target's left line has a gap there.
    assert.deepEqual([at(r, 5, 17), at(r, 8, 17), at(r, 9, 17), at(r, 10, 17)], [RED, RED, BLACK, BG]);
  });
  it('gives every box one colour when the rewards are equal', () => {
    const r = render({
      pred: [
        { box: A, reward: 0.5 },
        { box: B, reward: 0.5 },
      ],
    });
    assert.deepEqual(
      [at(r, 5, 20), at(r, 54, 34)],
      [
        [245, 158, 11, 255],
        [245, 158, 11, 255],
      ],
    );
  });
  it('shrinks to --max-width with the boxes following', () => {
    const r = render({ maxWidth: 30 });
    assert.deepEqual([r.width, r.height], [30, 20]);
    // A becomes [2.5, 2.5, 12.5, 12.5] → pixels 3..12; B [15, 2.5, 27.5, 17.5] → 15..27 × 3..17.
    assert.deepEqual([at(r, 3, 8), at(r, 2, 8), at(r, 27, 17)], [RED, BLACK, GREEN]);
  });
  it('scales boxes logged in another frame to the image', () => {
    const twice = (b: BoxCoords): BoxCoords => [b[0] * 2, b[1] * 2, b[2] * 2, b[3] * 2];
    const scaled = render({
      pred: [
        { box: twice(A), reward: 0, sample: 0 },
        { box: twice(B), reward: 1, sample: 1 },
      ],
      gt: [twice(GT)],
      boxFrame: [120, 80],
    });
    assert.deepEqual(scaled, render());
  });
  it('refuses an image it cannot decode, naming it', () => {
    assert.throws(() => renderGroupImage(Buffer.from('<svg/>'), { pred: [], gt: [], source: 'dataset d.parquet row 3 column images' }), {
      message: 'dataset d.parquet row 3 column images: is SVG, which render does not rasterise; export it as PNG first',
    });
  });
});
