// A VeriFree-style run (test/fixtures/verifree, written by its make_fixture.py): reward = p(reference answer),
// `p_reward` / `logp_reward` (null for no answer part) / `answer_offset` (where "<answer" starts), and the
// logged advantage = RLOO on p. The policy cannot run here, so each p is a hand-picked number; oat logs none of
// this per sample and the companion logger does not take these fields yet, so the script writes the native
// lines with json directly (behaviour read in sail-sg/VeriFree verifree.py @718b363).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupView } from '../../../src/core/views/groupView';
import { verifreeAdvantages } from '../../../src/shared/judgedAdvantages';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'verifree');
const GROUPS: Array<[number, string]> = [
  [1, 'vf-1-0'],
  [1, 'vf-1-1'],
  [2, 'vf-2-2'],
  [2, 'vf-2-3'],
];

describe('VeriFree-style run: p(reference) as the reward', () => {
  let store: Store;
  const view = (step: number, group: string) => groupView(store, { run: 'vf', split: 'train', step, group }).view;
  before(async () => {
    store = Store.open(path.join(tempDir(), 'vf.db'));
    const r = await new Ingestor(store, [dir], { run: 'vf', format: 'native' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.errors, r.warnings], ['native', 16, 2, [], undefined]);
  });
  after(() => store.close());

  it('shows p(reference), its log-probability and where the answer part starts', () => {
    const v = view(1, 'vf-1-0');
    assert.deepEqual(v.judging!.answers, [
      { index: 0, p: 0.9, logp: Math.log(0.9), answer_offset: 60 },
      { index: 1, p: 0.25, logp: Math.log(0.25), answer_offset: 35 },
      // No "<answer" in the response: p = 0 and no log-probability (−∞).
      { index: 2, p: 0, logp: null, answer_offset: null },
      { index: 3, p: 0.6, logp: Math.log(0.6), answer_offset: 50 },
    ]);
    assert.deepEqual(
      v.samples.map((s) => s.reward),
      [0.9, 0.25, 0, 0.6],
    );
    const responses = store.db
      .prepare(`SELECT s.response, s.answer_offset FROM samples s JOIN groups g ON g.id = s.group_id WHERE g.uid = 'vf-1-0' ORDER BY s.idx`)
      .all() as Array<{ response: string; answer_offset: number | null }>;
    // The think/answer split: the thinking before the offset, the answer part from "<answer" on.
    assert.deepEqual(
      responses.map((r) =>
        r.answer_offset === null ? null : [r.response.slice(0, r.answer_offset).slice(-9), r.response.slice(r.answer_offset)],
      ),
      [['</think>\n', '<answer> \\boxed{51} '], ['</think>\n', '<answer> \\boxed{50} '], null, ['</think>\n', '<answer> \\boxed{51} ']],
    );
  });

  it('a truncated response has p = 0; the logged advantage is RLOO on p in every group', () => {
    const t = view(1, 'vf-1-1');
    assert.deepEqual(
      t.judging!.answers!.map((a) => [a.p, a.answer_offset]),
      [
        [0.05, 23],
        [0.8, 55],
        [0.8, 39],
        [0, null],
      ],
    );
    assert.deepEqual(
      t.samples.map((s) => s.finish_reason),
      ['stop', 'stop', 'stop', 'length'],
    );
    for (const [step, group] of GROUPS) {
      const v = view(step, group);
      const mine = verifreeAdvantages(v.judging!.answers!.map((a) => a.p));
      v.samples.forEach((s, i) => assert.ok(Math.abs(s.advantage - mine[i]!) < 1e-12, `${group} ${i}`));
    }
    // (p − mean) · 4/3 with mean 0.1/4: every p = 0 sample gets −1/30.
    assert.deepEqual(
      view(2, 'vf-2-3').samples.map((s) => Math.round(s.advantage * 1e6) / 1e6),
      [-0.033333, -0.033333, -0.033333, 0.1],
    );
  });

  it("each step's statistics carry the mean p and the share of p = 0", () => {
    const rows = store.db.prepare('SELECT step, stats FROM steps ORDER BY step').all() as Array<{ step: number; stats: string }>;
    const p = rows.map((r) => {
      const s = (JSON.parse(r.stats) as { p_reference: { samples: number; mean: number; zero_ratio: number } }).p_reference;
      return [r.step, s.samples, Math.round(s.mean * 1e9) / 1e9, s.zero_ratio];
    });
    // Step 1: (0.9 + 0.25 + 0 + 0.6 + 0.05 + 0.8 + 0.8 + 0) / 8; step 2: (0.95 + 0.7 + 0.4 + 0.99 + 0.1) / 8.
    assert.deepEqual(p, [
      [1, 8, 0.425, 0.25],
      [2, 8, 0.3925, 0.375],
    ]);
  });
});
