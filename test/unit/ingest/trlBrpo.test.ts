// A real TRL GRPOTrainer run in BRPO mode (test/fixtures/trl-brpo, make_fixture.py; examples/sample-grpo/brpo.py):
// the reward column is a placeholder 0, the `advantage` column carries BRPO's ±1/0, and a `pairwise`
// log_extra column holds each completion's judge record. The judge is a deterministic stand-in (it prefers
// the right a+b answer, a tie when both are right or both wrong), not a GenRM. Verdicts below are literals
// read off the parquet; facts.json (measured by make_fixture.py) is only used to cross-check the run's shape.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupView } from '../../../src/core/views/groupView';
import { listGroups } from '../../../src/core/store/reads';
import { brpoAdvantages } from '../../../src/shared/judgedAdvantages';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'trl-brpo');
const facts = JSON.parse(fs.readFileSync(path.join(dir, 'facts.json'), 'utf8')) as {
  files: number;
  G: number;
  every_group_logged_equals_recomputed: boolean;
};

interface StoredGroup {
  step: number;
  uid: string;
  prompt: string;
}

describe('TRL BRPO run (real TRL, stand-in pairwise judge)', () => {
  let store: Store;
  let groups: StoredGroup[];
  before(async () => {
    store = Store.open(path.join(tempDir(), 'brpo.db'));
    const r = await new Ingestor(store, [dir], { run: 'brpo', format: 'trl' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.steps, r.errors, r.warnings], ['trl', 32, 4, [], undefined]);
    groups = store.db
      .prepare(
        `SELECT st.step, g.uid, p.text AS prompt FROM groups g JOIN steps st ON st.id = g.step_id
           JOIN prompts p ON p.id = g.prompt_id ORDER BY st.step, (SELECT MIN(id) FROM samples WHERE group_id = g.id)`,
      )
      .all() as StoredGroup[];
  });
  after(() => store.close());

  it('stores a reward of 0 for every sample and the logged ±1/0 advantages', () => {
    assert.equal(facts.files, 4);
    const rows = store.db.prepare('SELECT reward, components, advantage FROM samples').all() as Array<{
      reward: number;
      components: string;
      advantage: number;
    }>;
    assert.equal(rows.length, 32);
    assert.deepEqual([...new Set(rows.map((r) => r.reward))], [0]);
    assert.deepEqual([...new Set(rows.map((r) => r.components))], ['{"pairwise_judge":0}']);
    assert.deepEqual(
      [...new Set(rows.map((r) => r.advantage))].sort((a, b) => a - b),
      [-1, 0, 1],
    );
  });

  it('shows each group its reference, every verdict and whether it was dropped; BRPO on the stored votes gives the logged advantages', () => {
    const seen = groups.map((g) => {
      const { view } = groupView(store, { run: 'brpo', split: 'train', step: g.step, group: g.uid });
      const pw = view.judging?.pairwise;
      assert.ok(pw, `group ${g.uid} has its pairwise section`);
      assert.deepEqual(pw.problems, []);
      const votes = pw.samples.map((s) => (s.against === null ? null : s.votes));
      const brpo = brpoAdvantages(pw.reference, votes);
      // The trainer's own advantages (the parquet column) agree with BRPO recomputed from the votes alone.
      assert.deepEqual(
        view.samples.map((s) => s.advantage),
        brpo.advantages,
        `group ${g.step} ${g.prompt}`,
      );
      assert.deepEqual(
        view.samples.map((s) => s.advantage_source),
        ['logged', 'logged', 'logged', 'logged'],
      );
      assert.deepEqual(
        pw.samples.map((s) => s.verdict),
        brpo.verdicts,
      );
      return [g.step, g.prompt.split('\n')[1], pw.reference, brpo.verdicts, brpo.dropped];
    });
    assert.equal(facts.every_group_logged_equals_recomputed, true);
    assert.deepEqual(seen, [
      [1, '5+7=', 3, [-1, 1, -1, 0], false],
      [1, '2+7=', 3, [-1, -1, -1, 0], true], // the reference "9" is right: everyone else loses
      [2, '7+8=', 1, [-1, 0, -1, -1], true], // all wrong: every vote a tie, and a tie loses
      [2, '6+5=', 0, [0, 1, -1, -1], false],
      [3, '9+2=', 0, [0, -1, -1, 1], false],
      [3, '0+8=', 0, [0, 1, -1, 1], false],
      [4, '3+7=', 1, [-1, 0, -1, 1], false],
      [4, '2+1=', 1, [-1, 0, -1, -1], true],
    ]);
  });

  it('the explorer marks the groups BRPO dropped, and never calls a judged group degenerate', () => {
    const rows = listGroups(store, { run: 'brpo', split: 'train', step: 1 }, { offset: 0, limit: 10, sort: 'group' }).rows;
    // Step 1: verdicts [−1, 1, −1, 0] (|Σ|/G = 1/4) and [−1, −1, −1, 0] (3/4 > 0.6).
    assert.deepEqual(
      rows.map((r) => [r.prompt_preview, r.degenerate, r.brpo]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['2+7=', false, { skew: 0.75, dropped: true }],
        ['5+7=', false, { skew: 0.25, dropped: false }],
      ],
    );
  });

  it('keeps both orders of each vote with both scores and the critique as logged', () => {
    const g = groups.find((x) => x.prompt === 'user\n5+7=\nassistant\n')!;
    const pw = groupView(store, { run: 'brpo', split: 'train', step: g.step, group: g.uid }).view.judging!.pairwise!;
    assert.deepEqual(pw.samples[3], { index: 3, verdict: 0, against: null, votes: [] });
    assert.deepEqual(pw.samples[1], {
      index: 1,
      verdict: 1,
      against: 3,
      votes: [
        {
          order: 'ab',
          win: true,
          score: 8,
          against_score: 2,
          critique:
            "[stand-in judge, not a GenRM] Principle: the answer must equal the sum (12). Response A answers '12' (right); " +
            "Response B answers '11' (wrong). Response A is better.",
        },
        {
          order: 'ba',
          win: true,
          score: 8,
          against_score: 2,
          critique:
            "[stand-in judge, not a GenRM] Principle: the answer must equal the sum (12). Response A answers '11' (wrong); " +
            "Response B answers '12' (right). Response B is better.",
        },
      ],
    });
    assert.deepEqual(
      pw.samples[0]!.votes.map((v) => [v.order, v.win, v.score, v.against_score]),
      [
        ['ab', null, 2, 2],
        ['ba', null, 2, 2],
      ],
    );
  });

  it("the step statistics match the trainer's logged brpo/* metrics", () => {
    const stats = store.db.prepare('SELECT step, stats FROM steps ORDER BY step').all() as Array<{ step: number; stats: string }>;
    const ours = stats.map((s) => {
      const b = (JSON.parse(s.stats) as { brpo: { groups: number; dropped_ratio: number; mean_preference: number; mean_abs_skew: number } })
        .brpo;
      return [s.step, b.groups, b.dropped_ratio, b.mean_preference, b.mean_abs_skew];
    });
    assert.deepEqual(ours, [
      [1, 2, 0.5, 1 / 6, 0.5],
      [2, 2, 0.5, 1 / 6, 0.5],
      [3, 2, 0, 0.5, 0.25],
      [4, 2, 0.5, 1 / 6, 0.5],
    ]);
    const logged = (key: string): number[] =>
      (
        store.db
          .prepare(`SELECT m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = ? ORDER BY m.step`)
          .pluck()
          .all(key) as number[]
      ).map((v) => Math.round(v * 1e6) / 1e6);
    assert.deepEqual(logged('brpo/groups_dropped_frac'), [0.5, 0.5, 0, 0.5]);
    assert.deepEqual(logged('brpo/mean_abs_skew'), [0.5, 0.5, 0.25, 0.5]);
    // TRL averages metrics in float32: 1/6 comes back as 0.1666666716337204.
    assert.deepEqual(logged('brpo/mean_preference'), [0.166667, 0.166667, 0.5, 0.166667]);
  });
});
