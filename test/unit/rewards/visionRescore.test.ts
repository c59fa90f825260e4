// Re-scoring a stored grounding sample with vlm-r1-iou: the image's size (read from the file at
// ingest) and the logged input size reach the reward, which rescales the answer box as VLM-R1 does.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { rescore } from '../../../src/core/rewards/rescore';
import { Store } from '../../../src/core/store/store';
import { solidPng } from '../../imageFixtures';
import { tempDir, writeJsonl } from '../../helpers';

describe('vlm-r1-iou on stored samples', () => {
  it('reads the image size from the stored reference and the input size from the boxes', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'shot.png'), solidPng(640, 480));
    const line = (index: number, withInputSize: boolean): object => ({
      step: 1,
      group: 'g',
      index,
      prompt: 'the red car',
      response: '<think>left</think><answer>{"bbox_2d": [13, 17, 251, 199]}</answer>',
      ground_truth: '<answer>[20, 30, 390, 350]</answer>',
      reward: 0,
      images: ['shot.png'],
      ...(withInputSize ? { boxes: { pred: [[13, 17, 251, 199]], frame: 'input', input_size: [406, 308] } } : {}),
    });
    writeJsonl(path.join(dir, 'r.jsonl'), [line(0, true), line(1, false)]);
    const store = Store.open(path.join(dir, 't.db'));
    try {
      await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
      const r = await rescore(store, { run: 'r', spec: 'vlm-r1-iou', trusted: false });
      const rows = store.db.prepare('SELECT score, error FROM rescore_results WHERE set_id = ? ORDER BY sample_id').all(r.set) as Array<{
        score: number | null;
        error: string | null;
      }>;
      // The golden case of docs/rewards.md#vlm-r1-iou (printed by VLM-R1's own iou_reward).
      assert.equal(rows[0]!.score, 0.8533218366259089);
      assert.equal(rows[0]!.error, null);
      assert.equal(rows[1]!.score, null);
      assert.match(rows[1]!.error ?? '', /input size/);
    } finally {
      store.close();
    }
  });
});

describe('time-r1-iou-v2 on stored samples', () => {
  it("reads D from the sample's video when the ground truth has none", async () => {
    const dir = tempDir();
    writeJsonl(path.join(dir, 'r.jsonl'), [
      {
        step: 1,
        group: 'g',
        prompt: 'when does the door open?',
        response: '<answer>10 to 20</answer>',
        ground_truth: '[10, 20]',
        reward: 0,
        video: { path: 'a.mp4', duration: 40 },
        segments: { pred: [[10, 20]], gt: [[10, 20]] },
      },
    ]);
    const store = Store.open(path.join(dir, 't.db'));
    try {
      await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
      const r = await rescore(store, { run: 'r', spec: 'time-r1-iou-v2', trusted: false });
      const row = store.db.prepare('SELECT score, error FROM rescore_results WHERE set_id = ?').get(r.set) as {
        score: number | null;
        error: string | null;
      };
      // A perfect answer: iou 1 and both edge terms 1, whatever D; what matters is that D was found.
      assert.deepEqual(row, { score: 1, error: null });
    } finally {
      store.close();
    }
  });
});
