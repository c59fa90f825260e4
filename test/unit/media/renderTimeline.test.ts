// A timeline drawn for `rollout-lens render`: the target band, one bar per sample in reward colours,
// flagged segments dashed, frames pasted above the axis; and through the CLI on a video run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodePng } from '../../../src/core/media/png';
import { createRaster, type Raster } from '../../../src/core/media/raster';
import { renderTimelineRaster, tickStep } from '../../../src/core/media/renderTimeline';
import type { GroupTimeline } from '../../../src/shared/media';
import { runCliJson, tempDir, writeJsonl } from '../../helpers';

const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 3));
const BACKGROUND = [30, 30, 34];

const timeline: GroupTimeline = {
  video: null,
  duration: 20,
  duration_known: true,
  gt: [[5, 10]],
  samples: [
    { index: 0, pred: [[5, 10]], problems: [null], scores: { tiou: 1, length_ratio: 1 } },
    { index: 1, pred: [[0, 20]], problems: [null], scores: { tiou: 0.25, length_ratio: 4 } },
    { index: 2, pred: [[15, 25]], problems: ['ends after the video (20 s)'], scores: { tiou: 0, length_ratio: 2 } },
  ],
  unparsable: [],
};
const rewards = new Map([
  [0, 1],
  [1, 0.25],
  [2, 0],
]);

describe('render a timeline', () => {
  it('draws the target band and bars in reward colours on a 0–20 s axis (216 px wide: 9.2 px a second)', () => {
    const r = renderTimelineRaster(timeline, { width: 216, rewards });
    // Margins 16; axis at y 24; target row 30–44; sample rows from 50, 18 px apart.
    assert.deepEqual([r.width, r.height], [216, 120]);
    assert.deepEqual(at(r, 16, 24), [150, 150, 160]); // the axis
    assert.deepEqual(at(r, 70, 37), BACKGROUND); // inside the dashed target band: not filled
    // Sample 0 (highest reward): green from 5 s (x 62) to 10 s (x 108).
    assert.deepEqual(at(r, 63, 56), [22, 163, 74]);
    assert.deepEqual(at(r, 60, 56), BACKGROUND);
    // Sample 1 (0.25 on the range 0–1): between red and amber, across the whole axis.
    assert.deepEqual(at(r, 20, 74), [233, 98, 25]);
    // Sample 2 (lowest, past the end): clipped at 20 s (x 200), a red dashed outline from 15 s (x 154), not a fill.
    assert.deepEqual(at(r, 154, 86), [220, 38, 38]);
    assert.deepEqual(at(r, 170, 92), BACKGROUND);
    assert.deepEqual(at(r, 205, 92), BACKGROUND);
  });

  it('pastes frames above the axis at their times', () => {
    const frame = createRaster(20, 10);
    frame.data.fill(200);
    const r = renderTimelineRaster(timeline, { width: 216, rewards, frames: [{ at: 10, image: frame }] });
    // 10 s is x 108; the 20 px frame is centred there: x 98–117, y 16–25.
    assert.deepEqual(at(r, 98, 16), [200, 200, 200]);
    assert.deepEqual(at(r, 97, 16), BACKGROUND);
  });

  it('puts ticks at least 40 px apart', () => {
    assert.deepEqual([tickStep(20, 928), tickStep(20, 184), tickStep(600, 928)], [1, 5, 30]);
  });

  it('through the CLI: a video group without an image renders its timeline', () => {
    const dir = tempDir();
    writeJsonl(path.join(dir, 'r.jsonl'), [
      {
        step: 1,
        group: 'q',
        prompt: 'when?',
        response: 'a',
        reward: 1,
        video: { path: 'none.mp4', duration: 20 },
        segments: { pred: [[5, 10]], gt: [[5, 10]] },
      },
    ]);
    const db = path.join(dir, 't.db');
    runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'v']);
    const out = path.join(dir, 'tl.png');
    const r = runCliJson(['render', '--db', db, '--run', 'v', '--step', '1', '--group', 'q', '--max-width', '216', '--out', out]) as Record<
      string,
      unknown
    >;
    assert.deepEqual(
      [r['image'], r['width'], r['pred_boxes'], r['gt_boxes'], r['frames']],
      [`video ${path.join(dir, 'none.mp4')}`, 216, 1, 1, 0],
    );
    assert.deepEqual([decodePng(fs.readFileSync(out)).width, decodePng(fs.readFileSync(out)).height], [216, 84]);
  });
});
