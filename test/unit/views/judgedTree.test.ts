// `rollout-lens tree --estimator verifree|brpo`: node values are the mean outcome under each prefix,
// every token carries the estimator's sequence advantage. On the VeriFree-style fixture
// (test/fixtures/verifree) and the real TRL BRPO run (test/fixtures/trl-brpo).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { judgedGroupTree } from '../../../src/core/views/judgedTree';
import { FIXTURES, tempDir } from '../../helpers';

const round = (x: number): number => Math.round(x * 1e9) / 1e9;

describe('prefix tree under a judged estimator', () => {
  it('VeriFree: the root is mean p, children split it, every token carries the RLOO advantage', async () => {
    const store = Store.open(path.join(tempDir(), 'vf.db'));
    await new Ingestor(store, [path.join(FIXTURES, 'verifree', 'rollouts.jsonl')], { run: 'vf' }).ingestOnce();
    const t = judgedGroupTree(store, { run: 'vf', split: 'train', step: 1, group: 'vf-1-0' }, 'verifree');
    // p = [0.9, 0, 0.25, 0.6] (mean 0.4375); RLOO: (p − 0.4375)·4/3.
    assert.deepEqual(
      t.samples.map((s) => [s.index, round(s.advantage), new Set(s.token_advantages.map(round)).size]),
      [
        [0, 0.616666667, 1],
        [1, -0.25, 1],
        [2, -0.583333333, 1],
        [3, 0.216666667, 1],
      ],
    );
    assert.deepEqual(
      t.nodes.slice(0, 6).map((n) => [n.id, n.parent, round(n.value), round(n.delta), n.count]),
      [
        [0, null, 0.4375, 0, 4],
        [1, 0, 0.4375, 0, 4],
        [2, 1, 0.575, 0.1375, 2],
        [3, 2, 0.9, 0.325, 1],
        [4, 2, 0.25, -0.325, 1],
        [5, 1, 0, -0.4375, 1],
      ],
    );
    assert.equal(
      t.warnings.at(-1),
      'verifree: node values are the mean outcome under each prefix; every token carries the sequence advantage',
    );
    store.close();
  });

  it('BRPO: every token of a sample carries its verdict, the reference 0', async () => {
    const store = Store.open(path.join(tempDir(), 'brpo.db'));
    await new Ingestor(store, [path.join(FIXTURES, 'trl-brpo')], { run: 'brpo', format: 'trl' }).ingestOnce();
    const uid = store.db
      .prepare(
        `SELECT g.uid FROM groups g JOIN steps st ON st.id = g.step_id JOIN prompts p ON p.id = g.prompt_id
          WHERE st.step = 1 AND p.text LIKE '%5+7=%'`,
      )
      .pluck()
      .get() as string;
    const t = judgedGroupTree(store, { run: 'brpo', split: 'train', step: 1, group: uid }, 'brpo');
    assert.deepEqual(
      t.samples.map((s) => [s.index, s.advantage, [...new Set(s.token_advantages)]]),
      [
        [0, -1, [-1]],
        [1, 1, [1]],
        [2, -1, [-1]],
        [3, 0, [0]],
      ],
    );
    assert.equal(t.nodes[0]?.value, -0.25);
    store.close();
  });
});
