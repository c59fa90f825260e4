// The dashboard's per-step reward-component means, computed from the components each sample logged
// (native format): one column per component beside the mean reward, per split, from sums kept at ingest.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { stepComponentMeans } from '../../../src/core/store/componentMeans';
import { Store } from '../../../src/core/store/store';
import { dashboardView } from '../../../src/core/views/dashboardView';
import { tempDir, writeJsonl } from '../../helpers';

let store: Store;
let file: string;

/** A sample whose reward is the sum of its components; `overlong` only when given, as the realistic run logs it sometimes. */
function sample(step: number, group: string, correctness: number, format: number, overlong?: number, split = 'train'): object {
  const components: Record<string, number> = { correctness, format, ...(overlong === undefined ? {} : { overlong }) };
  const reward = correctness + format + (overlong ?? 0);
  return { step, group, prompt: `p ${group}`, response: 'x'.repeat(10), reward, components, split };
}

before(async () => {
  const dir = tempDir();
  file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    sample(1, 'a', 1, 0.1),
    sample(1, 'a', 0, 0.1),
    sample(1, 'b', 0, 0),
    sample(1, 'b', 0, 0.1, -0.5),
    sample(2, 'c', 1, 0.1),
    sample(2, 'c', 1, 0.1),
    // A sample without components: it counts in the mean reward, not in the component means.
    { step: 2, group: 'c', prompt: 'p c', response: 'y', reward: 0 },
    sample(2, 'v', 1, 0, undefined, 'val'),
    sample(2, 'v', 0, 0.1, undefined, 'val'),
  ]);
  store = Store.open(path.join(dir, 't.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
});

describe('dashboard: reward components from the samples', () => {
  it('gives one column per component, the mean over the samples that logged it, aligned with the steps', () => {
    const d = dashboardView(store, { run: 'r', picked: [], epsilon: 0.2 });
    assert.deepEqual(d.train.step, [1, 2]);
    assert.deepEqual(d.train.components, { correctness: [0.25, 1], format: [0.075, 0.1], overlong: [-0.5, null] });
    assert.deepEqual(d.val?.components, { correctness: [0.5], format: [0.05] });
    // The run logged no `rewards/<name>/mean` series: the lines come from the samples alone.
    assert.deepEqual(d.series, {});
  });

  it('keeps the sums at ingest: a re-ingest adds nothing, and means come from step_components alone', async () => {
    const runId = store.requireRun('r').id;
    assert.deepEqual(
      store.db
        .prepare(
          `SELECT st.step, c.name, c.sum, c.n FROM step_components c JOIN steps st ON st.id = c.step_id
            WHERE st.run_id = ? AND st.split = 'train' ORDER BY st.step, c.name`,
        )
        .raw()
        .all(runId),
      [
        [1, 'correctness', 1, 4],
        [1, 'format', 0.30000000000000004, 4],
        [1, 'overlong', -0.5, 1],
        [2, 'correctness', 2, 2],
        [2, 'format', 0.2, 2],
      ],
    );
    await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
    assert.deepEqual(stepComponentMeans(store, runId).train.get(2), { correctness: 1, format: 0.1 });
    assert.equal(store.db.prepare('SELECT SUM(n) FROM step_components').pluck().get(), 17);
  });
});
