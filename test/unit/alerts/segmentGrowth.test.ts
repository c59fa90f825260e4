// segment_growth from logged segments: the first predicted segment's length as a share of the video,
// overlap with the first target; and the dashboard's per-step segment columns with the share of
// hard-to-ground groups (all rewards < 0.3 and spread < 0.05 by default).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { alertRows } from '../../../src/core/alerts/alertList';
import { predictedSegmentLength } from '../../../src/core/alerts/segmentGrowth';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { listGroups, listSamples } from '../../../src/core/store/reads';
import { Store } from '../../../src/core/store/store';
import { dashboardView } from '../../../src/core/views/dashboardView';
import { EngineServer } from '../../../src/engine/server';
import type { DashboardViewData } from '../../../src/shared/protocol/webviews/dashboard';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import type { NativeRollout } from '../../../src/shared/rollout';
import { tempDir, transportPair, writeJsonl } from '../../helpers';

/**
 * 8 steps, 4 groups of 4 on a 60 s video; the target is [20, 30]. A sample that overlaps predicts a
 * segment of `len(s)` seconds centred on 25 (reward 0.5); one that misses, centred on 50 (reward 0).
 * Group 3 never overlaps (a hard-to-ground group) and its last sample gives no segment.
 */
function grounding(len: (s: number) => number, overlaps: (s: number, i: number) => boolean): NativeRollout[] {
  const rows: NativeRollout[] = [];
  for (let s = 0; s < 8; s++) {
    for (let p = 0; p < 4; p++) {
      for (let i = 0; i < 4; i++) {
        const hit = p < 3 && overlaps(s, i);
        const c = hit ? 25 : 50;
        const half = len(s) / 2;
        const unparsable = p === 3 && i === 3;
        rows.push({
          step: s,
          group: `s${s}-p${p}`,
          index: i,
          prompt: `When does event ${p} happen?`,
          response: 'segment',
          reward: hit ? 0.5 : 0,
          video: { path: 'clip.mp4', duration: 60 },
          segments: unparsable
            ? { pred: [], gt: [[20, 30]], unparsed: 'no <answer> block' }
            : { pred: [[c - half, c + half]], gt: [[20, 30]] },
        });
      }
    }
  }
  return rows;
}

async function ingest(rows: NativeRollout[]): Promise<Store> {
  const dir = tempDir();
  writeJsonl(path.join(dir, 'r.jsonl'), rows);
  const store = Store.open(path.join(dir, 't.db'));
  await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r', enrich: false }).ingestOnce();
  return store;
}

const rising = (s: number, i: number): boolean => i < Math.min(3, 1 + Math.floor(s / 3));

describe('segment growth from logged segments', () => {
  it('measures a predicted segment as a share of the video when its duration is known, else in seconds', () => {
    const segments = { pred: [[12, 27]] as Array<[number, number]>, gt: [] };
    assert.equal(predictedSegmentLength({ segments, videoDuration: 60 }), 0.25);
    assert.equal(predictedSegmentLength({ segments, videoDuration: null }), 15);
    assert.equal(predictedSegmentLength({ segments: { pred: [], gt: [], unparsed: 'no <answer> block' }, videoDuration: 60 }), undefined);
  });

  it('fires when segments widen while more of them overlap the target, and fills the dashboard columns', async () => {
    const store = await ingest(grounding((s) => 4 + 2 * s, rising));
    const alerts = alertRows(store, store.requireRun('r').id);
    // Lengths (4 + 2s) / 60: the least-squares rise 14 over the window mean 11, as in seconds.
    assert.deepEqual(
      alerts.map((a) => [a.kind, a.step, Number(a.score.toFixed(6))]),
      [['segment_growth', 7, 1.272727]],
    );
    // Step 7's overlapping samples (indices 0–2 of groups 0–2), all 18 s long: ties by id.
    assert.deepEqual(alerts[0]!.samples, [113, 114, 115, 117, 118, 119, 121, 122, 123]);
    const seg = dashboardView(store, { run: 'r', picked: [], epsilon: 0.2 }).train.segments!;
    // Predicted ÷ target length: (4 + 2s) / 10 for the 15 samples with a segment.
    assert.deepEqual(seg.length_ratio, [0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    assert.deepEqual(seg.unparsable, Array(8).fill(0.0625));
    // Group 3: every reward 0 (< 0.3), spread 0 (< 0.05); the others have a 0.5.
    assert.deepEqual(seg.hard_to_ground, Array(8).fill(0.25));
    // Step 0: 3 samples overlap with tIoU 4/10; step 7: 9 samples with tIoU 10/18; the 15 parsed count.
    assert.equal(seg.tiou[0], 0.08);
    assert.equal(seg.tiou[7], 0.333333);
    // A stricter reward threshold: no group's rewards all stay below 0.
    const strict = dashboardView(store, { run: 'r', picked: [], epsilon: 0.2, hardToGround: { reward: 0, spread: 0.05 } }).train.segments!;
    assert.deepEqual(strict.hard_to_ground, Array(8).fill(0));
    assert.equal(dashboardView(store, { run: 'r', picked: [], epsilon: 0.2 }).train.boxes, null);
    store.close();
  });

  it('stays quiet on a healthy run: segments keep their length while overlap rises', async () => {
    const store = await ingest(grounding(() => 10, rising));
    assert.deepEqual(alertRows(store, store.requireRun('r').id), []);
    store.close();
  });

  it('stays quiet when segments widen but no more of them overlap the target', async () => {
    const store = await ingest(
      grounding(
        (s) => 4 + 2 * s,
        (_s, i) => i < 2,
      ),
    );
    assert.deepEqual(alertRows(store, store.requireRun('r').id), []);
    store.close();
  });

  it('lists the hard-to-ground groups (explorer filter) and their samples', async () => {
    const store = await ingest(grounding((s) => 4 + 2 * s, rising));
    const hardToGround = { reward: 0.3, spread: 0.05 };
    const page = listGroups(store, { run: 'r', split: 'train' }, { offset: 0, limit: 20, filter: { hardToGround } });
    assert.equal(page.total, 8);
    assert.deepEqual(
      page.rows.slice(0, 2).map((g) => [g.step, g.group]),
      [
        [0, 's0-p3'],
        [1, 's1-p3'],
      ],
    );
    // A spread bound of 0 admits nothing (spread < 0), whatever the rewards.
    assert.equal(
      listGroups(store, { run: 'r', split: 'train' }, { offset: 0, limit: 20, filter: { hardToGround: { reward: 0.3, spread: 0 } } }).total,
      0,
    );
    const samples = listSamples(store, { run: 'r', split: 'train', step: 0, group: 's0-p3' });
    assert.deepEqual(
      samples.map((x) => x.reward),
      [0, 0, 0, 0],
    );
    store.close();
  });

  it('takes the hard-to-ground thresholds from the engine settings (rolloutLens.alerts.*) into the dashboard', async () => {
    const dir = tempDir();
    writeJsonl(
      path.join(dir, 'r.jsonl'),
      grounding((s) => 4 + 2 * s, rising),
    );
    const [a, b] = transportPair();
    const client = new RpcEndpoint(a);
    const server = new EngineServer(new RpcEndpoint(b));
    try {
      // Every reward < 0.6 and every spread (0.5 or 0) < 0.6: all four groups of each step.
      const alerts = { enabled: true, hardToGroundReward: 0.6, hardToGroundSpread: 0.6 };
      await client.request('initialize', { db: path.join(dir, 'a.db'), settings: { alerts } });
      await client.request('ingest', { paths: [path.join(dir, 'r.jsonl')], run: 'r' });
      const view = (await client.request('views/dashboard', { run: 'r', picked: [], epsilon: 0.2 })) as DashboardViewData;
      assert.deepEqual(view.train.segments!.hard_to_ground, Array(8).fill(1));
      assert.deepEqual(
        view.alerts!.map((x) => [x.kind, x.step]),
        [['segment_growth', 7]],
      );
    } finally {
      server.dispose();
    }
  });
});
