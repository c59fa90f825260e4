// docs/algorithms.md#step-metrics (P_nz) and #knapsack (Knapsack RL budget allocation), golden vectors as literals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { knapsackAllocation, knapsackValue, nonZeroGradientProbability, type KnapsackPrompt } from '../../../src/core/analysis/knapsack';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { assertClose, prng } from './helpers';

const prompts = (ps: Array<number | null>): KnapsackPrompt[] =>
  ps.map((p) => (p === null ? { valid: false, p: null } : { valid: true, p }));

describe('P_nz(N, p) (docs/algorithms.md#step-metrics)', () => {
  test('P_nz(8, 0.125) = 0.6563910245895386', () => assertClose(nonZeroGradientProbability(8, 0.125), 0.6563910245895386));
  test('P_nz(8, 0.5) = 0.9921875', () => assertClose(nonZeroGradientProbability(8, 0.5), 0.9921875));
  test('P_nz(8, 0.9) = 0.5695327799999998', () => assertClose(nonZeroGradientProbability(8, 0.9), 0.5695327799999998));
});

describe('Value(8, p) table (docs/algorithms.md#knapsack)', () => {
  const table: Array<[number, number]> = [
    [0, 0],
    [0.125, 0.06281867227517068],
    [0.25, 0.12654447555541992],
    [0.5, 0.1240234375],
    [0.75, 0.04218149185180664],
    [0.875, 0.008974096039310098],
    [1, 0],
  ];
  for (const [p, v] of table) test(`Value(8, ${p}) = ${v}`, () => assertClose(knapsackValue(8, p), v));
});

describe('allocation (docs/algorithms.md#knapsack, n = 8, min_n = 2)', () => {
  test('p = [0, .125, .5, .875, 1, .25, invalid, .625], max_n 32 → [2, 19, 7, 5, 2, 13, 8, 8], no fallback', () => {
    const r = knapsackAllocation(prompts([0, 0.125, 0.5, 0.875, 1, 0.25, null, 0.625]), {
      n: 8,
      minN: 2,
      maxN: 32,
    });
    assert.deepEqual(r.allocation, [2, 19, 7, 5, 2, 13, 8, 8]);
    assert.equal(r.fallback, false);
    assert.equal(r.fallback_effective_ratio, null);
    assert.equal(r.budget, 64);
  });
  test('fallback: p = [0, 0, .5, 1], max_n 16 → [13, 12, 5, 2], fallback_effective_ratio 0.125', () => {
    const r = knapsackAllocation(prompts([0, 0, 0.5, 1]), { n: 8, minN: 2, maxN: 16 });
    assert.deepEqual(r.allocation, [13, 12, 5, 2]);
    assert.equal(r.fallback, true);
    assertClose(r.fallback_effective_ratio, 0.125);
  });
  test('all solved: p = [1, 1, 1] → [8, 8, 8]', () => {
    assert.deepEqual(knapsackAllocation(prompts([1, 1, 1]), { n: 8, minN: 2, maxN: 32 }).allocation, [8, 8, 8]);
  });
  test('no effective prompt: the surplus goes evenly to p = 0 prompts, remainder first', () => {
    // B = 32, initial 2·4 = 8, surplus 24 over two p = 0 prompts.
    assert.deepEqual(knapsackAllocation(prompts([0, 1, 0, 1]), { n: 8, minN: 2, maxN: 32 }).allocation, [14, 2, 14, 2]);
    // B = 21, initial 6, surplus 15 over two p = 0 prompts → 8 and 7.
    assert.deepEqual(knapsackAllocation(prompts([0, 0, 1]), { n: 7, minN: 2, maxN: 32 }).allocation, [10, 9, 2]);
  });
  test('without fallback the whole surplus goes through the DP', () => {
    const r = knapsackAllocation(prompts([0, 0, 0.5, 1]), { n: 8, minN: 2, maxN: 16, allowFallback: false });
    assert.equal(r.fallback, false);
    assert.deepEqual(r.allocation, [2, 2, 26, 2]);
  });
});

describe('invalid prompts count among the p = 0 targets (KnapsackRL exploration_utils.py @ ca5d5f5)', () => {
  // Worked by hand from the official code: success_rates starts as zeros and is filled only for
  // valid prompts, so np.where(success_rates == 0) also returns the invalid ones.
  test('fallback: [invalid, .5, 1, 0], n 8, max_n 16 → [16, 5, 2, 9], ratio 3/18', () => {
    // Initial 8+2+2+2 = 14 of B = 32, surplus 18; est = ⌊ln .1/ln .5⌋ = 3 < 18, so 15 goes to
    // prompts 0 and 3 (8 and 7) and the DP gives its 3 units to the p = .5 prompt.
    const r = knapsackAllocation(prompts([null, 0.5, 1, 0]), { n: 8, minN: 2, maxN: 16 });
    assert.deepEqual(r.allocation, [16, 5, 2, 9]);
    assert.equal(r.fallback, true);
    assertClose(r.fallback_effective_ratio, 3 / 18);
  });
  test('no effective prompt: the surplus goes to p = 0 and invalid prompts, remainder first', () => {
    // Initial 6+2+2+6 = 16 of 24: 8 over prompts 0, 1, 3 → +3, +3, +2.
    assert.deepEqual(knapsackAllocation(prompts([null, 0, 1, null]), { n: 6, minN: 2, maxN: 32 }).allocation, [9, 5, 2, 8]);
    // Initial 10 of 18, surplus 8 over prompts 0 and 2.
    assert.deepEqual(knapsackAllocation(prompts([null, 1, 0]), { n: 6, minN: 2, maxN: 32 }).allocation, [10, 2, 6]);
  });
  test('no effective and no p = 0 prompt: an invalid prompt takes the surplus (not n for all)', () => {
    // Initial 6+2+2 = 10 of 18: all 8 go to the invalid prompt.
    assert.deepEqual(knapsackAllocation(prompts([null, 1, 1]), { n: 6, minN: 2, maxN: 32 }).allocation, [14, 2, 2]);
  });
});

describe('input validation (docs/algorithms.md#knapsack)', () => {
  const bad = (f: () => unknown, re: RegExp): void => {
    assert.throws(f, (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput && re.test(e.message));
  };
  test('n < min_n (budget below the initial allocation) is refused up front', () => {
    bad(() => knapsackAllocation(prompts([0.5, 0.5]), { n: 1, minN: 2, maxN: 8 }), /budget/);
  });
  test('p outside [0, 1] names the prompt', () => {
    bad(() => knapsackAllocation(prompts([0.5, 1.5]), { n: 8, minN: 2, maxN: 8 }), /prompts\[1\]\.p/);
  });
  test('max_n < min_n, empty prompts and a bad alpha are refused', () => {
    bad(() => knapsackAllocation(prompts([0.5]), { n: 8, minN: 4, maxN: 2 }), /max_n/);
    bad(() => knapsackAllocation([], { n: 8, minN: 2, maxN: 8 }), /at least one prompt/);
    bad(() => knapsackAllocation(prompts([0.5]), { n: 8, minN: 2, maxN: 8, alpha: 1 }), /alpha/);
  });
});

describe('properties (seeded random steps)', () => {
  const rnd = prng(99);
  const cases = Array.from({ length: 120 }, () => {
    const m = rnd.int(1, 24);
    const ps = Array.from({ length: m }, () => (rnd.next() < 0.1 ? null : rnd.pick([0, 1, rnd.int(1, 15) / 16])));
    const minN = rnd.int(1, 4);
    return { ps, n: rnd.int(minN, 12), minN, maxN: rnd.int(minN, 40) };
  });

  test('the allocation spends exactly B = n·M and never goes below the initial allocation', () => {
    for (const c of cases) {
      const r = knapsackAllocation(prompts(c.ps), { n: c.n, minN: c.minN, maxN: c.maxN });
      assert.equal(
        r.allocation.reduce((a, b) => a + b, 0),
        c.n * c.ps.length,
      );
      r.allocation.forEach((N, i) => {
        const p = c.ps[i];
        assert.ok(N >= (p === null ? c.n : c.minN), `prompt ${i}: ${N}`);
      });
    }
  });

  test('without leftovers, the DP beats any random feasible split of the same extra units', () => {
    let checked = 0;
    for (const c of cases) {
      const eff = c.ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null && x.p > 0 && x.p < 1);
      if (eff.length < 2) continue;
      const r = knapsackAllocation(prompts(c.ps), {
        n: c.n,
        minN: c.minN,
        maxN: c.maxN,
        allowFallback: false,
      });
      const extras = eff.map((x) => (r.allocation[x.i] as number) - c.minN);
      if (extras.some((k) => k > c.maxN - c.minN)) continue; // leftover spread: outside the DP's feasible set
      const gain = (k: number, p: number): number => (k === 0 ? 0 : knapsackValue(k + c.minN, p));
      const dpValue = eff.reduce((a, x, j) => a + gain(extras[j] as number, x.p), 0);
      const units = extras.reduce((a, b) => a + b, 0);
      checked++;
      for (let trial = 0; trial < 20; trial++) {
        const split = new Array<number>(eff.length).fill(0);
        for (let u = 0; u < units; u++) {
          const j = rnd.int(0, eff.length - 1);
          if ((split[j] as number) < c.maxN - c.minN) split[j] = (split[j] as number) + 1;
        }
        const v = eff.reduce((a, x, j) => a + gain(split[j] as number, x.p), 0);
        assert.ok(v <= dpValue + 1e-12, `random split ${split} beats the DP ${extras}`);
      }
    }
    assert.ok(checked >= 20, `only ${checked} cases exercised the DP`);
  });
});
