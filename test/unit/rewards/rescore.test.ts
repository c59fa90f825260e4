import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { compareSet } from '../../../src/core/rewards/compare';
import { rescore } from '../../../src/core/rewards/rescore';
import { RescoreStore } from '../../../src/core/store/rescoreStore';
import { Store } from '../../../src/core/store/store';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import type { NativeRollout } from '../../../src/shared/rollout';
import { tempDir, writeJsonl } from '../../helpers';

const row = (step: number, group: string, response: string, reward: number, correct: boolean, ground_truth: string): NativeRollout => ({
  step,
  group,
  prompt: `problem ${group}`,
  response,
  reward,
  correct,
  ground_truth,
});

/** Seven samples whose logged rewards disagree with the math check in known places (see compare test). */
const ROWS: NativeRollout[] = [
  row(1, 'g1', 'so \\boxed{1}', 1, true, '1'),
  row(1, 'g1', 'so \\boxed{2}', 1, true, '1'),
  row(1, 'g1', 'so \\boxed{1}', 0, false, '1'),
  row(1, 'g1', 'no idea', 0, false, '1'),
  row(1, 'g2', '\\boxed{5}', 1, true, '5'),
  row(1, 'g2', '\\boxed{5.0}', 1, true, '5'),
  row(2, 'g3', '\\boxed{3}', 0, false, '3'),
];

async function fixture(): Promise<{ dir: string; store: Store }> {
  const dir = tempDir('rl-rescore-');
  writeJsonl(path.join(dir, 'r.jsonl'), ROWS);
  const store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
  return { dir, store };
}

const loggedRewards = (store: Store): unknown[] => store.db.prepare('SELECT id, reward, correct FROM samples ORDER BY id').all();

describe('comparing like with like', () => {
  it('a math set is compared with the logged correctness component, not with correctness + format', async () => {
    const dir = tempDir('rl-rescore-');
    // Logged reward = correctness + 0.5 · format (a box); the last answer is right but written "5.0".
    const rows = [
      ['\\boxed{5}', 1, 1],
      ['\\boxed{4}', 0, 1],
      ['\\boxed{5.0}', 0, 1],
      ['five', 0, 0],
    ].map(([response, correctness, format], i) => ({
      step: 1,
      group: 'g',
      index: i,
      prompt: 'p',
      response: String(response),
      ground_truth: '5',
      reward: Number(correctness) + 0.5 * Number(format),
      components: { correctness: Number(correctness), format: Number(format) },
    }));
    writeJsonl(path.join(dir, 'r.jsonl'), rows);
    const store = Store.open(path.join(dir, 'a.db'));
    try {
      await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
      const r = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      const like = compareSet(store, { set: r.set, against: 'logged' });
      assert.equal(like.baseline, 'logged component correctness');
      assert.deepEqual(
        like.samples.map((x) => [x.index, x.before, x.after, x.delta]),
        [[2, 0, 1, 1]],
      );
      assert.equal(like.summary.flips.incorrect_to_correct, 1);
      const total = compareSet(store, { set: r.set, against: 'logged', loggedComponent: null });
      assert.equal(total.baseline, 'logged reward');
      assert.deepEqual(
        total.samples.map((x) => [x.index, x.before, x.after]),
        [
          [0, 1.5, 1],
          [1, 0.5, 0],
          [2, 0.5, 1],
        ],
      );
      const sum = await rescore(store, { run: 'r', spec: 'math + 0.5*format:boxed', trusted: false });
      assert.equal(compareSet(store, { set: sum.set, against: 'logged' }).baseline, 'logged reward');
    } finally {
      store.close();
    }
  });
});

describe('re-score sets', () => {
  it('stores one result per sample in its own tables and never touches the logged rewards', async () => {
    const { store } = await fixture();
    try {
      const before = loggedRewards(store);
      const r = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      assert.deepEqual(
        {
          status: r.status,
          samples: r.samples,
          scored: r.scored,
          errors: r.errors,
          resumed: r.resumed,
          label: r.label,
        },
        { status: 'complete', samples: 7, scored: 7, errors: 0, resumed: false, label: 'math' },
      );
      assert.deepEqual(loggedRewards(store), before);
      const scores = store.db.prepare('SELECT score FROM rescore_results WHERE set_id = ? ORDER BY sample_id').pluck().all(r.set);
      assert.deepEqual(scores, [1, 0, 1, 0, 1, 1, 1]);
      const set = new RescoreStore(store.db).getSet(r.set)!;
      assert.equal(JSON.parse(set.spec).terms[0].fn, 'math');
      assert.equal(set.selection, '{}');
    } finally {
      store.close();
    }
  });

  it('compares with the logged rewards: agreement, confusion, flips, Δ per step, effective gradient ratio', async () => {
    const { store } = await fixture();
    try {
      const r = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      const c = compareSet(store, { set: r.set, against: 'logged' });
      assert.deepEqual(c.summary.confusion, {
        correct_correct: 3,
        correct_incorrect: 1,
        incorrect_correct: 2,
        incorrect_incorrect: 1,
      });
      assert.equal(c.summary.agreement, 4 / 7);
      assert.deepEqual(c.summary.flips, {
        correct_to_incorrect: 1,
        incorrect_to_correct: 2,
        advantage_sign: 2,
        advantage_sign_changed: 3,
      });
      assert.equal(c.summary.mean_reward_before, 4 / 7);
      assert.equal(c.summary.mean_reward_after, 5 / 7);
      assert.equal(c.summary.effective_gradient_ratio_before, 4 / 7);
      assert.equal(c.summary.effective_gradient_ratio_after, 4 / 7);
      assert.deepEqual(
        c.steps.map((s) => [s.step, s.samples, s.mean_reward_before, s.mean_reward_after, s.delta_mean_reward, s.flips]),
        [
          [1, 6, 4 / 6, 4 / 6, 0, 2],
          [2, 1, 0, 1, 1, 1],
        ],
      );
      // g1: A = ±0.5/(√(1/3) + 1e-6); samples 1 and 2 swap signs. g3 is a singleton: A = R/(1 + 1e-6).
      const a = 0.5 / (Math.sqrt(1 / 3) + 1e-6);
      assert.deepEqual(
        c.groups_most_changed.map((g) => g.group),
        ['g1', 'g3'],
      );
      assert.ok(Math.abs(c.groups_most_changed[0]!.advantage_change - 4 * a) < 1e-12);
      assert.ok(Math.abs(c.groups_most_changed[1]!.advantage_change - 1 / (1 + 1e-6)) < 1e-12);
      assert.deepEqual(
        c.samples.map((s) => [s.group, s.index, s.before, s.after]),
        [
          ['g1', 1, 1, 0],
          ['g1', 2, 0, 1],
          ['g3', 0, 0, 1],
        ],
      );
    } finally {
      store.close();
    }
  });

  it('compares two sets sample by sample', async () => {
    const { store } = await fixture();
    try {
      const math = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      const dapo = await rescore(store, { run: 'r', spec: 'dapo', trusted: false });
      const c = compareSet(store, { set: math.set, against: dapo.set });
      // No response has an "Answer:" line, so DAPO scores all −1 and calls all wrong.
      assert.equal(c.summary.mean_reward_before, -1);
      assert.equal(c.summary.mean_reward_after, 5 / 7);
      assert.deepEqual(c.summary.confusion, {
        correct_correct: 0,
        correct_incorrect: 0,
        incorrect_correct: 5,
        incorrect_incorrect: 2,
      });
    } finally {
      store.close();
    }
  });

  it('scores only the selected step or group', async () => {
    const { store } = await fixture();
    try {
      assert.equal((await rescore(store, { run: 'r', spec: 'math', selection: { step: 2 }, trusted: false })).samples, 1);
      assert.equal((await rescore(store, { run: 'r', spec: 'math', selection: { group: 'g1' }, trusted: false })).samples, 4);
      assert.equal(
        (
          await rescore(store, {
            run: 'r',
            spec: 'math',
            selection: { group: 'g1', index: 3 },
            trusted: false,
          })
        ).samples,
        1,
      );
      await assert.rejects(
        rescore(store, { run: 'r', spec: 'math', selection: { step: 9 }, trusted: false }),
        /no samples match the selection \{"step":9\}/,
      );
      await assert.rejects(
        rescore(store, { run: 'nope', spec: 'math', trusted: false }),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound,
      );
    } finally {
      store.close();
    }
  });

  it('marks a cancelled set incomplete and resumes it where it stopped', async () => {
    const { store } = await fixture();
    try {
      const ac = new AbortController();
      const first = await rescore(store, {
        run: 'r',
        spec: 'math',
        trusted: false,
        batchSize: 3,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      });
      assert.deepEqual([first.status, first.reason, first.cancelled, first.scored], ['incomplete', 'cancelled', true, 3]);
      const progress: number[] = [];
      const second = await rescore(store, {
        run: 'r',
        spec: 'math',
        trusted: false,
        batchSize: 3,
        onProgress: (p) => progress.push(p.samples!),
      });
      assert.deepEqual([second.set, second.status, second.resumed, second.scored], [first.set, 'complete', true, 7]);
      assert.deepEqual(progress, [6, 7]);
      const again = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      assert.deepEqual([again.set, again.reused], [first.set, true]);
      const fresh = await rescore(store, { run: 'r', spec: 'math', trusted: false, fresh: true });
      assert.notEqual(fresh.set, first.set);
    } finally {
      store.close();
    }
  });

  it('resumes a set that a killed process left running, after the engine marks it interrupted', async () => {
    const { store } = await fixture();
    try {
      const ac = new AbortController();
      const first = await rescore(store, {
        run: 'r',
        spec: 'math',
        trusted: false,
        batchSize: 2,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      });
      // What kill -9 during the second batch leaves behind: status still 'running'.
      store.db.prepare(`UPDATE rescore_sets SET status = 'running', reason = NULL`).run();
      const rs = new RescoreStore(store.db);
      assert.equal(rs.markInterrupted(), 1);
      assert.deepEqual(
        [rs.getSet(first.set)!.status, rs.getSet(first.set)!.reason],
        ['incomplete', 'interrupted: the process ended while scoring'],
      );
      const again = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      assert.deepEqual([again.set, again.status, again.resumed, again.scored], [first.set, 'complete', true, 7]);
    } finally {
      store.close();
    }
  });

  it('marks a set incomplete with the reason when the reward function fails, and resumes after the fix', async () => {
    const { dir, store } = await fixture();
    try {
      const flag = path.join(dir, 'broken');
      fs.writeFileSync(flag, '');
      const script = path.join(dir, 'judge.py');
      fs.writeFileSync(
        script,
        `import json, os, sys
for line in sys.stdin:
    if os.path.exists(${JSON.stringify(flag)}):
        print("judge: CUDA out of memory", file=sys.stderr, flush=True)
        sys.exit(1)
    req = json.loads(line)
    print(json.dumps({"id": req["id"], "score": 0.5}), flush=True)
`,
      );
      const spec = { terms: [{ fn: 'external', config: { command: ['python3', script], maxRestarts: 0 } }] };
      await assert.rejects(rescore(store, { run: 'r', spec, trusted: true }), /CUDA out of memory/);
      const [set] = new RescoreStore(store.db).listSets(1);
      assert.equal(set!.status, 'incomplete');
      assert.match(set!.reason!, /exited with code 1.*CUDA out of memory/);
      fs.rmSync(flag);
      const r = await rescore(store, { run: 'r', spec, trusted: true });
      assert.deepEqual([r.set, r.status, r.resumed, r.scored, r.approximate], [set!.id, 'complete', true, 7, true]);
    } finally {
      store.close();
    }
  });

  it('refuses an external command in an untrusted workspace before creating a set', async () => {
    const { store } = await fixture();
    try {
      await assert.rejects(
        rescore(store, { run: 'r', spec: 'external(command="python3 judge.py")', trusted: false }),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.Untrusted,
      );
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM rescore_sets').pluck().get(), 0);
    } finally {
      store.close();
    }
  });

  it('records per-sample errors without failing the set', async () => {
    const { store } = await fixture();
    try {
      const r = await rescore(store, { run: 'r', spec: 'overlong', trusted: false });
      assert.deepEqual([r.status, r.scored, r.errors], ['complete', 0, 7]);
      const err = store.db.prepare('SELECT error FROM rescore_results WHERE set_id = ? LIMIT 1').pluck().get(r.set) as string;
      assert.match(err, /no logged token length/);
      assert.equal(compareSet(store, { set: r.set, against: 'logged' }).summary.skipped, 7);
    } finally {
      store.close();
    }
  });
});
