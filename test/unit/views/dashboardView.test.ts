// The dashboard's per-step reward-component means, computed from the components each sample logged
// (native format): one column per component beside the mean reward, per split, cached for finished steps.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { stepComponentMeans, type ComponentMeansCache } from '../../../src/core/store/componentMeans';
import { Store } from '../../../src/core/store/store';
import { dashboardView } from '../../../src/core/views/dashboardView';
import { tempDir, writeJsonl } from '../../helpers';

let store: Store;

/** A sample whose reward is the sum of its components; `overlong` only when given, as the realistic run logs it sometimes. */
function sample(step: number, group: string, correctness: number, format: number, overlong?: number, split = 'train'): object {
  const components: Record<string, number> = { correctness, format, ...(overlong === undefined ? {} : { overlong }) };
  const reward = correctness + format + (overlong ?? 0);
  return { step, group, prompt: `p ${group}`, response: 'x'.repeat(10), reward, components, split };
}

before(async () => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
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

  it('reads a finished step once: a cached load answers from the cache', () => {
    const runId = store.requireRun('r').id;
    const cache: ComponentMeansCache = new Map();
    const first = stepComponentMeans(store, runId, cache);
    assert.equal(cache.size, 3);
    // Poison the cache: a step whose sample count is unchanged is not read again.
    for (const v of cache.values()) v.means = { cached: 1 };
    const again = stepComponentMeans(store, runId, cache);
    assert.deepEqual([...again.train.values()], [{ cached: 1 }, { cached: 1 }]);
    assert.deepEqual(first.train.get(2), { correctness: 1, format: 0.1 });
  });
});
