// rollout-lens render: a group's boxes on its screenshot as PNG, through the real CLI; pixels read back.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { decodePng } from '../../../src/core/media/png';
import type { Raster } from '../../../src/core/media/raster';
import { solidPng } from '../../imageFixtures';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

let dir: string;
let db: string;
const at = (r: Raster, x: number, y: number): number[] => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 3));
const RED = [220, 38, 38];
const AMBER = [245, 158, 11];
const GREEN = [22, 163, 74];
const WHITE = [255, 255, 255];
const BACKGROUND = [40, 120, 200];

before(() => {
  dir = tempDir();
  db = path.join(dir, 't.db');
  fs.writeFileSync(path.join(dir, 'screen.png'), solidPng(320, 200));
  const line = (index: number, reward: number, boxes: object): object => ({
    step: 1,
    group: 'g',
    index,
    prompt: 'click Save',
    response: 'r',
    reward,
    images: ['screen.png'],
    boxes,
  });
  writeJsonl(path.join(dir, 'r.jsonl'), [
    line(0, 0, { pred: [[10, 10, 50, 30]], gt: [[20, 10, 60, 30]] }),
    line(1, 0.25, { pred: [[300, 150, 400, 260]], gt: [[20, 10, 60, 30]] }),
    // Logged in a 160×100 model input: drawn at [200, 60, 280, 120] on the 320×200 screenshot.
    line(2, 0.5, { pred: [[100, 30, 140, 60]], gt: [[10, 5, 30, 15]], frame: 'input', input_size: [160, 100] }),
  ]);
  runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'r']);
});

describe('rollout-lens render', () => {
  it('draws every predicted box in its reward colour and the target once, rescaling input-frame boxes', () => {
    const out = path.join(dir, 'all.png');
    const r = runCliJson(['render', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--out', out]);
    assert.deepEqual(r, { out, image: `path ${path.join(dir, 'screen.png')}`, width: 320, height: 200, pred_boxes: 3, gt_boxes: 1 });
    const png = decodePng(fs.readFileSync(out));
    assert.deepEqual([png.width, png.height], [320, 200]);
    assert.deepEqual(at(png, 200, 90), GREEN); // sample 2's left edge (highest reward)
    assert.deepEqual(at(png, 10, 20), RED); // sample 0's left edge (lowest)
    assert.deepEqual(at(png, 20, 20), WHITE); // the target's left edge, dashed white
    assert.deepEqual(at(png, 240, 90), BACKGROUND); // inside a box: untouched
    assert.deepEqual(at(png, 318, 180), AMBER); // sample 1's box leaves the image: clipped at the right edge, not dropped
  });

  it('with --sample draws that sample alone, in the colour it has among its group, and --max-width shrinks it', () => {
    const out = path.join(dir, 'one.png');
    runCliJson(['render', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--sample', '2', '--out', out]);
    const png = decodePng(fs.readFileSync(out));
    assert.deepEqual(at(png, 200, 90), GREEN);
    assert.deepEqual(at(png, 10, 20), BACKGROUND);
    const small = path.join(dir, 'small.png');
    runCliJson(['render', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--max-width', '160', '--out', small]);
    assert.deepEqual([decodePng(fs.readFileSync(small)).width, decodePng(fs.readFileSync(small)).height], [160, 100]);
  });

  it('says which group has no images', () => {
    writeJsonl(path.join(dir, 'text.jsonl'), [{ step: 1, group: 'h', prompt: 'p', response: 'r', reward: 1 }]);
    runCliJson(['ingest', path.join(dir, 'text.jsonl'), '--db', db, '--run', 'text']);
    const r = runCli(['render', '--db', db, '--run', 'text', '--step', '1', '--group', 'h', '--out', path.join(dir, 'x.png')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /group h of step 1 has no images/);
  });
});
