// box_growth from logged boxes: areas in original pixels as a share of the image (input-frame boxes
// rescaled first), hits from the boxes; and the dashboard's per-step box chart from the same samples.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { alertRows } from '../../../src/core/alerts/alertList';
import { predictedBoxArea } from '../../../src/core/alerts/trendDetectors';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { dashboardView } from '../../../src/core/views/dashboardView';
import type { NativeRollout } from '../../../src/shared/rollout';
import { solidPng } from '../../imageFixtures';
import { tempDir, writeJsonl } from '../../helpers';

/** 8 steps, 4 groups of 4; the target is [100, 60, 140, 80] in a 320×200 screenshot, boxes logged in the 160×100 input frame. */
function grounding(side: (s: number) => number, hits: (s: number, i: number) => boolean): NativeRollout[] {
  const rows: NativeRollout[] = [];
  for (let s = 0; s < 8; s++) {
    for (let p = 0; p < 4; p++) {
      for (let i = 0; i < 4; i++) {
        const x = hits(s, i) ? 55 : 2;
        const half = side(s) / 2;
        rows.push({
          step: s,
          group: `s${s}-p${p}`,
          index: i,
          prompt: `Click the button ${p}`,
          response: 'box',
          reward: hits(s, i) ? 1 : 0,
          images: [{ path: 'screen.png' }],
          boxes: {
            pred: [[x - half, 35 - half, x + half, 35 + half]],
            gt: [[50, 30, 70, 40]],
            image: 0,
            frame: 'input',
            input_size: [160, 100],
          },
        });
      }
    }
  }
  return rows;
}

async function ingest(rows: NativeRollout[]): Promise<Store> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'screen.png'), solidPng(320, 200));
  writeJsonl(path.join(dir, 'r.jsonl'), rows);
  const store = Store.open(path.join(dir, 't.db'));
  await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r', enrich: false }).ingestOnce();
  return store;
}

describe('box growth from logged boxes', () => {
  it('measures a predicted box as a share of the image, in original pixels', () => {
    const boxes = {
      pred: [[0, 0, 80, 50]] as Array<[number, number, number, number]>,
      gt: [],
      image: 0,
      frame: 'input' as const,
      input_size: [160, 100] as [number, number],
    };
    // 80×50 input pixels are 160×100 original pixels: a quarter of the 320×200 image.
    assert.equal(predictedBoxArea({ components: null, response: '', boxes, imageSize: [320, 200] }), 0.25);
    assert.equal(predictedBoxArea({ components: null, response: '', boxes, imageSize: null }), 4000);
  });

  it('fires when boxes grow while hits rise, and draws the box chart', async () => {
    const store = await ingest(
      grounding(
        (s) => 10 + 2 * s,
        (s, i) => i < Math.min(3, 1 + Math.floor(s / 3)),
      ),
    );
    const alerts = alertRows(store, store.requireRun('r').id).map((a) => [a.kind, a.step, Number(a.score.toFixed(6))]);
    // Areas (10 + 2s)² scaled by 4 and divided by the image: the same relative rise as in pixels, 1.535484.
    assert.deepEqual(alerts, [['box_growth', 7, 1.535484]]);
    const boxes = dashboardView(store, { run: 'r', picked: [], epsilon: 0.2 }).train.boxes!;
    assert.deepEqual(boxes.hit, [0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75]);
    // (10 + 2s)² ÷ 200, the target's input-frame area.
    assert.deepEqual(boxes.area_ratio, [0.5, 0.72, 0.98, 1.28, 1.62, 2, 2.42, 2.88]);
    assert.equal(boxes.iou.length, 8);
    store.close();
  });

  it('stays quiet when boxes keep their size', async () => {
    const store = await ingest(
      grounding(
        () => 14,
        (s, i) => i < Math.min(3, 1 + Math.floor(s / 3)),
      ),
    );
    assert.deepEqual(alertRows(store, store.requireRun('r').id), []);
    store.close();
  });
});
