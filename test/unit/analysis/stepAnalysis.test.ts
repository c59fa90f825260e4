// docs/algorithms.md#step-metrics (effective ratios, difficulty, clip ratio, lengths, pass@k,
// zero-accuracy prompts) and #rorecomp, over per-sample rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roRecompGroup } from '../../../src/core/analysis/rorecomp';
import { difficultyBucket, passAtK } from '../../../src/core/analysis/groupAggregates';
import { stepAnalysis, type AnalysisSampleRow } from '../../../src/core/analysis/stepAnalysis';
import { assertClose, prng } from './helpers';

function row(group_id: number, reward: number, extra: Partial<AnalysisSampleRow> = {}): AnalysisSampleRow {
  return {
    group_id,
    reward,
    correct: null,
    finish_reason: null,
    length_tokens: null,
    length_chars: 10,
    ...extra,
  };
}

describe('unbiased pass@k (docs/algorithms.md#step-metrics)', () => {
  test('n = 8, c = 2: pass@1 0.25, pass@4 0.7857142857, pass@8 1', () => {
    assertClose(passAtK(8, 2, 1), 0.25);
    assertClose(passAtK(8, 2, 4), 0.7857142857, 5e-11);
    assertClose(passAtK(8, 2, 8), 1);
  });
  test('c = 0 gives 0 for every k', () => {
    assert.equal(passAtK(8, 0, 4), 0);
  });
});

describe('difficulty buckets (docs/algorithms.md#step-metrics table)', () => {
  const cases: Array<[number, string]> = [
    [0, 'extremely_hard'],
    [0.125, 'hard'],
    [0.2, 'hard'],
    [0.25, 'medium'],
    [0.75, 'medium'],
    [0.8, 'easy'],
    [0.875, 'easy'],
    [1, 'extremely_easy'],
  ];
  for (const [p, b] of cases) test(`p = ${p} → ${b}`, () => assert.equal(difficultyBucket(p), b));
});

describe('stepAnalysis', () => {
  // g1 mixed (2 of 4 positive), g2 all positive, g3 all zero, g4 a singleton positive.
  const rows: AnalysisSampleRow[] = [
    row(1, 1),
    row(1, 0),
    row(1, 1),
    row(1, 0),
    row(2, 1),
    row(2, 1),
    row(3, 0),
    row(3, 0),
    row(3, 0),
    row(4, 1),
  ];
  const s = stepAnalysis(rows);

  test('effective gradient ratio counts samples of groups with std > 0; a singleton is not effective', () => {
    assertClose(s.effective_gradient_ratio, 4 / 10);
  });
  test('effective prompt ratio = groups with a positive and a non-positive reward', () => {
    assertClose(s.effective_prompt_ratio, 1 / 4);
    assertClose(s.all_positive_ratio, 2 / 4);
    assertClose(s.all_negative_ratio, 1 / 4);
  });
  test('all-correct / all-wrong / zero-accuracy ratios fall back to R > 0', () => {
    assertClose(s.all_correct_ratio, 2 / 4);
    assertClose(s.all_wrong_ratio, 1 / 4);
    assertClose(s.zero_accuracy_ratio, 1 / 4);
  });
  test('difficulty bucket counts', () => {
    assert.deepEqual(s.difficulty, { extremely_hard: 1, hard: 0, medium: 1, easy: 0, extremely_easy: 2 });
  });
  test('pass@k per power of two up to the largest group, over groups with ≥ k samples', () => {
    // k = 1: mean of 0.5, 1, 0, 1. k = 2: g1 1 − C(2,2)/C(4,2) = 5/6, g2 1, g3 0. k = 4: g1 only.
    assert.deepEqual(Object.keys(s.pass_at_k), ['1', '2', '4']);
    assertClose(s.pass_at_k['1'], 2.5 / 4);
    assertClose(s.pass_at_k['2'], (5 / 6 + 1 + 0) / 3);
    assertClose(s.pass_at_k['4'], 1);
  });
  test('clip ratio is null when no finish reason is known; reflection null when not counted', () => {
    assert.equal(s.clip_ratio, null);
    assert.equal(s.mean_length_stopped, null);
    assert.equal(s.reflection, null);
  });
  test('an empty step gives nulls and zero buckets', () => {
    const e = stepAnalysis([]);
    assert.equal(e.effective_gradient_ratio, null);
    assert.equal(e.effective_prompt_ratio, null);
    assert.deepEqual(e.pass_at_k, {});
    assert.equal(e.rorecomp, null);
  });
});

describe('stepAnalysis with correctness, finish reasons, lengths and reflection counts', () => {
  const rows: AnalysisSampleRow[] = [
    // Reward says positive, `correct` says wrong: `correct` wins for the group.
    row(1, 0.5, {
      correct: 0,
      finish_reason: 'length',
      length_tokens: 100,
      length_chars: 400,
      reflection_count: 2,
    }),
    row(1, 0.5, {
      correct: 0,
      finish_reason: 'stop',
      length_tokens: 60,
      length_chars: 240,
      reflection_count: 0,
    }),
    row(2, 1, {
      correct: 1,
      finish_reason: 'stop',
      length_tokens: 20,
      length_chars: 80,
      reflection_count: 1,
    }),
    row(2, 0, {
      correct: 0,
      finish_reason: 'stop',
      length_tokens: 40,
      length_chars: 160,
      reflection_count: 0,
    }),
  ];
  const s = stepAnalysis(rows);

  test('all-correct / all-wrong use `correct` when the whole group has it', () => {
    assertClose(s.all_wrong_ratio, 1 / 2);
    assertClose(s.all_correct_ratio, 0);
  });
  test('difficulty buckets count solved samples by the success rule (docs/algorithms.md#success), not R > 0', () => {
    // Group 1's rewards are all > 0 but its logged verdicts are all wrong: extremely hard.
    assert.deepEqual(s.difficulty, { extremely_hard: 1, hard: 0, medium: 1, easy: 0, extremely_easy: 0 });
  });
  test('clip ratio = finish_reason "length" share', () => {
    assertClose(s.clip_ratio, 1 / 4);
  });
  test('mean lengths by outcome and for stopped responses, in tokens when all are known', () => {
    assertClose(s.mean_length_correct, 20);
    assertClose(s.mean_length_wrong, (100 + 60 + 40) / 3);
    assertClose(s.mean_length_stopped, (60 + 20 + 40) / 3);
    assert.equal(s.basic.length_unit, 'tokens');
  });
  test('lengths fall back to chars when a token count is missing, like basicStepStats', () => {
    const mixed = rows.map((r, i) => (i === 0 ? { ...r, length_tokens: null } : r));
    assertClose(stepAnalysis(mixed).mean_length_correct, 80);
  });
  test('reflection: mean per response, share of responses and groups, precision and recall', () => {
    assert.deepEqual(s.reflection, {
      mean_per_response: 3 / 4,
      share_responses: 2 / 4,
      share_groups: 1,
      precision: 1 / 2,
      recall: 1,
    });
  });
});

describe('RoRecomp (docs/algorithms.md#rorecomp)', () => {
  const g = [
    { length: 10, correct: true },
    { length: 30, correct: true },
    { length: 20, correct: true },
    { length: 50, correct: false },
    { length: 40, correct: false },
  ];
  test('α = 0.5: the shortest ⌈α|C|⌉ correct and the longest ⌈α|W|⌉ wrong are priority', () => {
    const r = roRecompGroup(g, 0.5);
    assert.deepEqual(r.priority, [0, 2, 3]);
    assert.deepEqual(r.compensation, [1, 4]);
    assertClose(r.length_gap, 45 - 20);
  });
  test('quadrants split at the group median (≤ median is short)', () => {
    assert.deepEqual(roRecompGroup(g).quadrants, {
      short_correct: 3,
      short_wrong: 0,
      long_correct: 0,
      long_wrong: 2,
    });
    assert.equal(roRecompGroup(g).median, 30);
  });
  test('a group without both outcomes only feeds compensation', () => {
    const r = roRecompGroup([
      { length: 1, correct: true },
      { length: 2, correct: true },
    ]);
    assert.deepEqual(r.priority, []);
    assert.equal(r.length_gap, null);
  });
  test('the step summary pools groups', () => {
    const rows = g.map((x) => row(1, x.correct ? 1 : 0, { length_tokens: x.length }));
    const s = stepAnalysis(rows, { rorecompAlpha: 1 });
    assertClose(s.rorecomp?.priority_share, 1);
    assert.equal(s.rorecomp?.alpha, 1);
  });
});

describe('properties (seeded random steps)', () => {
  const rnd = prng(4242);
  const steps = Array.from({ length: 100 }, () =>
    Array.from({ length: rnd.int(1, 40) }, () => row(rnd.int(0, 7), rnd.int(0, 1), { length_tokens: rnd.int(1, 500) })),
  );
  test('difficulty buckets count every group once; ratios lie in [0, 1]', () => {
    for (const rows of steps) {
      const s = stepAnalysis(rows);
      const groups = new Set(rows.map((r) => r.group_id)).size;
      assert.equal(
        Object.values(s.difficulty).reduce((a, b) => a + b, 0),
        groups,
      );
      for (const v of [s.effective_gradient_ratio, s.effective_prompt_ratio, s.all_correct_ratio, s.all_wrong_ratio]) {
        assert.ok(v !== null && v >= 0 && v <= 1);
      }
    }
  });
  test('with binary rewards, effective prompts + all-positive + all-negative = 1', () => {
    for (const rows of steps) {
      const s = stepAnalysis(rows);
      assertClose((s.effective_prompt_ratio ?? 0) + (s.all_positive_ratio ?? 0) + (s.all_negative_ratio ?? 0), 1, 1e-12);
    }
  });
  test('pass@1 is the mean group accuracy', () => {
    for (const rows of steps) {
      const s = stepAnalysis(rows);
      const byGroup = new Map<number, number[]>();
      for (const r of rows) byGroup.set(r.group_id, [...(byGroup.get(r.group_id) ?? []), r.reward]);
      const acc = [...byGroup.values()].map((rs) => rs.filter((x) => x > 0).length / rs.length);
      assertClose(s.pass_at_k['1'], acc.reduce((a, b) => a + b, 0) / acc.length, 1e-12);
    }
  });
  test('pass@k grows with k for a fixed group', () => {
    for (let n = 1; n <= 16; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 2; k <= n; k++) assert.ok(passAtK(n, c, k) >= passAtK(n, c, k - 1) - 1e-12, `n=${n} c=${c} k=${k}`);
      }
    }
  });
});
