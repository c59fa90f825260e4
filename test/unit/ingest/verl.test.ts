// verl rollout_data_dir / validation_data_dir dumps and file-logger metrics, written exactly as
// RayPPOTrainer._dump_generations writes them (test/fixtures/verl/make_verl_dump.py, facts.json).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const verl = path.join(FIXTURES, 'verl');

describe('verl dumps', () => {
  it('rebuilds groups from identical input within a step, keeps extras as components and acc as correct', async () => {
    const db = path.join(tempDir(), 'a.db');
    const store = Store.open(db);
    const r = await new Ingestor(store, [verl], { run: 'v' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.metrics_added > 0, r.errors], ['verl', 96 + 16, 4, true, []]);
    const all = [...exportRun(store, store.requireRun('v').id)];
    const train = all.filter((s) => s.split === 'train');
    const val = all.filter((s) => s.split === 'val');
    assert.equal(train.length, 96);
    assert.equal(val.length, 16);
    // facts.json: 4 prompts per step, G = 8, score sums 6, 10, 16
    for (const [step, sum] of [[1, 6], [2, 10], [3, 16]] as const) {
      const rows = train.filter((s) => s.step === step);
      assert.equal(new Set(rows.map((s) => s.group)).size, 4);
      assert.ok(new Set(rows.map((s) => s.group)).size === new Set(rows.map((s) => s.prompt)).size);
      assert.equal(rows.reduce((a, s) => a + s.reward, 0), sum);
    }
    const accTrue = train.filter((s) => s.step === 1 && s.correct === true).length;
    assert.equal(accTrue, 19);
    const s0 = train[0]!;
    assert.deepEqual(Object.keys(s0.components!).sort(), ['acc', 'overlong', 'overlong_reward']);
    assert.equal(typeof s0.meta!['pred'], 'string');
    assert.equal(typeof s0.ground_truth, 'string');
    assert.equal(val.reduce((a, s) => a + s.reward, 0), -10);
    assert.equal(new Set(val.map((s) => s.group)).size, 4);
    const stats = store.stepStats(store.requireRun('v').id);
    assert.deepEqual(stats.map((s) => [s.split, s.step, s.samples, s.groups]), [
      ['train', 1, 32, 4], ['train', 2, 32, 4], ['train', 3, 32, 4], ['val', 0, 16, 4],
    ]);
    const scoreMean = store.db
      .prepare("SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'critic/score/mean' ORDER BY m.step")
      .raw()
      .all();
    assert.deepEqual(scoreMean, [[1, 0.09375], [2, 0.1875], [3, 0.4375]]);
    store.close();
  });
});
