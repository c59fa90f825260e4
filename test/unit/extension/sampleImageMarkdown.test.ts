// The hover markdown for a sample's image: logged text escaped, the scores as the group view words
// them, the document's "Image:" line, and a picture narrowed until its data URI fits VS Code's
// 100,000-character markdown limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IMAGE_BUDGET,
  escapeMarkdown,
  imageForHover,
  imageHeaderLine,
  sampleImageMarkdown,
} from '../../../src/extension/documents/sampleImageMarkdown';
import type { SampleImageResult } from '../../../src/shared/protocol/engine';

const drawn: Extract<SampleImageResult, { ok: true }> = {
  ok: true,
  png: 'iVBORw0KGgo=',
  width: 320,
  height: 200,
  label: 'path /runs/a [1]/<b>x</b>.png',
  scores: { iou: 0.6, hit: 1, area_ratio: 1 },
  pred_boxes: 1,
  gt_boxes: 1,
};

describe('sample image markdown', () => {
  it('escapes every markdown and HTML character of logged text', () => {
    assert.equal(
      escapeMarkdown('<img src=x onerror=alert(1)> [a](command:x) *b* & `c`'),
      '\\<img src\\=x onerror\\=alert\\(1\\)\\> \\[a\\]\\(command\\:x\\) \\*b\\* \\& \\`c\\`',
    );
  });

  it('puts the scores and what was drawn above the image (a data URI), and the escaped label under it', () => {
    assert.equal(
      sampleImageMarkdown(drawn, 3),
      [
        'IoU 0.6 · hit yes · area ÷ target 1 (1 predicted and 1 target box drawn)',
        '',
        '![image of sample 3](data:image/png;base64,iVBORw0KGgo=)',
        '',
        'path \\/runs\\/a \\[1\\]\\/\\<b\\>x\\<\\/b\\>\\.png',
      ].join('\n'),
    );
    const plain = { ...drawn, label: 'stored image 0123456789ab', scores: null, pred_boxes: 0, gt_boxes: 0 };
    assert.equal(
      sampleImageMarkdown(plain, 0),
      'no boxes logged for this sample\n\n![image of sample 0](data:image/png;base64,iVBORw0KGgo=)\n\nstored image 0123456789ab',
    );
    const missed = { ...drawn, scores: { iou: 0, hit: 0, area_ratio: 12.5 }, gt_boxes: 2 };
    assert.match(sampleImageMarkdown(missed, 1), /^IoU 0 · hit no · area ÷ target 12\.5 \(1 predicted and 2 target boxes drawn\)\n/);
  });

  it("words the sample document's Image line, on one line, and leaves it out without an image", () => {
    assert.equal(imageHeaderLine(drawn), "Image: path /runs/a [1]/<b>x</b>.png (hover for this sample's boxes)");
    assert.equal(imageHeaderLine({ ...drawn, scores: null, label: 'a\nb.png' }), 'Image: a b.png (hover for the image)');
    assert.equal(
      imageHeaderLine({ ok: false, message: 'Image not shown: path /m.png: no such file', label: 'path /m.png' }),
      'Image: path /m.png (not shown: Image not shown: path /m.png: no such file)',
    );
    assert.equal(imageHeaderLine({ ok: false, message: 'this sample has no image', label: null }), null);
  });

  it('asks again narrower until the base64 fits the budget, and gives up after four tries', async () => {
    const asked: number[] = [];
    // Base64 that grows with the pixel count, 4 characters a pixel at 8:5: 320 × 200 is 256,000, so
    // 320 · √(95,000 ÷ 256,000) · 0.9 = 175.4 → 175 × 109 (76,300 characters) fits.
    const draw = async (maxWidth: number): Promise<SampleImageResult> => {
      asked.push(maxWidth);
      const width = Math.min(maxWidth, 1000);
      const height = Math.round((width * 5) / 8);
      return { ...drawn, width, height, png: 'A'.repeat(width * height * 4) };
    };
    const r = await imageForHover(draw);
    assert.deepEqual(asked, [320, 175]);
    assert.ok(r.ok && r.png.length <= IMAGE_BUDGET && r.width === 175);
    const huge = async (maxWidth: number): Promise<SampleImageResult> => {
      asked.push(maxWidth);
      return { ...drawn, width: maxWidth, png: 'A'.repeat(IMAGE_BUDGET + 1) };
    };
    asked.length = 0;
    assert.deepEqual(await imageForHover(huge), {
      ok: false,
      message: 'the image is too detailed to show in a hover; the group view shows it',
      label: drawn.label,
    });
    assert.deepEqual(asked, [320, 287, 258, 232]);
    const none = { ok: false as const, message: 'this sample has no image', label: null };
    assert.deepEqual(await imageForHover(async () => none), none);
  });
});
