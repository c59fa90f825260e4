// docs/algorithms.md#advantages: GRPO, Dr. GRPO and RLOO advantages, golden vectors as literals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  advantagesByUid,
  drGrpoAdvantages,
  grpoAdvantages,
  outcomeAdvantages,
  rlooAdvantages,
} from '../../../src/core/analysis/advantages';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { assertAllClose, assertClose, prng } from './helpers';

describe('GRPO (docs/algorithms.md#advantages test vectors)', () => {
  test('[1,0,0,0] → [1.499997000006, −0.499999000002 ×3]', () => {
    assertAllClose(grpoAdvantages('g', [1, 0, 0, 0]).advantages, [1.499997000006, -0.499999000002, -0.499999000002, -0.499999000002]);
  });
  test('[1,1,0,0,0,0,0,1]: ones → 1.2076123955202949, zeros → −0.724567437312177', () => {
    const a = grpoAdvantages('g', [1, 1, 0, 0, 0, 0, 0, 1]).advantages;
    const one = 1.2076123955202949;
    const zero = -0.724567437312177;
    assertAllClose(a, [one, one, zero, zero, zero, zero, zero, one]);
  });
  test('DAPO ±1 reward [1,−1,−1,−1] → [1.4999985000015, −0.4999995 ×3]', () => {
    assertAllClose(grpoAdvantages('g', [1, -1, -1, -1]).advantages, [1.4999985000015, -0.4999995, -0.4999995, -0.4999995]);
  });
  test('old SimpleRL reward [1,−0.5,−1,1] (8 digits given)', () => {
    assertAllClose(grpoAdvantages('g', [1, -0.5, -1, 1]).advantages, [0.84887386, -0.60633847, -1.09140925, 0.84887386], 5e-9);
  });
  test('all-equal rewards give exactly 0', () => {
    assert.deepEqual(grpoAdvantages('g', [1, 1, 1, 1]).advantages, [0, 0, 0, 0]);
    // A float mean of 0.1s is not 0.1; the result must still be exactly 0.
    assert.deepEqual(grpoAdvantages('g', [0.1, 0.1, 0.1]).advantages, [0, 0, 0]);
  });
  test('G = 1 gives R/(1+ε) = 0.999999000001, not 0, with μ = 0 and s = 1', () => {
    const r = grpoAdvantages('g', [1]);
    assertAllClose(r.advantages, [0.999999000001]);
    assert.equal(r.mean, 0);
    assert.equal(r.std, 1);
    assert.equal(r.singleton, true);
  });
  test('mixed group sizes: uid a:[1,0], b:[0.5] → [0.70710578, −0.70710578, 0.4999995]', () => {
    const a = advantagesByUid(
      [
        { uid: 'a', reward: 1 },
        { uid: 'b', reward: 0.5 },
        { uid: 'a', reward: 0 },
      ],
      'grpo',
    );
    assertAllClose(a, [0.70710578, 0.4999995, -0.70710578], 5e-9);
  });
  test('reports the sample std (÷(G−1)) it divided by', () => {
    assertClose(grpoAdvantages('g', [1, 0, 0, 0]).std, 0.5);
  });
});

describe('Dr. GRPO (docs/algorithms.md#advantages)', () => {
  test('[1,0,0,0] → [0.75, −0.25 ×3]', () => {
    assertAllClose(drGrpoAdvantages('g', [1, 0, 0, 0]).advantages, [0.75, -0.25, -0.25, -0.25]);
  });
  test('[1,−1,−1,−1] → [1.5, −0.5 ×3]', () => {
    assertAllClose(drGrpoAdvantages('g', [1, -1, -1, -1]).advantages, [1.5, -0.5, -0.5, -0.5]);
  });
  test('[1,−0.5,−1,1] → [0.875, −0.625, −1.125, 0.875]', () => {
    assertAllClose(drGrpoAdvantages('g', [1, -0.5, -1, 1]).advantages, [0.875, -0.625, -1.125, 0.875]);
  });
  test('all equal → 0; G = 1 → [1]', () => {
    assert.deepEqual(drGrpoAdvantages('g', [1, 1, 1, 1]).advantages, [0, 0, 0, 0]);
    assert.deepEqual(drGrpoAdvantages('g', [1]).advantages, [1]);
  });
  test('is GRPO without std normalisation', () => {
    assert.deepEqual(outcomeAdvantages('g', [3, 1, 2], 'grpo', { normStd: false }).advantages, drGrpoAdvantages('g', [3, 1, 2]).advantages);
  });
});

describe('RLOO (docs/algorithms.md#advantages)', () => {
  test('[1,0,0,0] → [1, −1/3 ×3]', () => {
    assertAllClose(rlooAdvantages('g', [1, 0, 0, 0]).advantages, [1, -1 / 3, -1 / 3, -1 / 3]);
  });
  test('[1,1,0,0,0,0,0,1]: ones → 0.714285714…, zeros → −0.428571428…', () => {
    const a = rlooAdvantages('g', [1, 1, 0, 0, 0, 0, 0, 1]).advantages;
    const one = 0.714285714;
    const zero = -0.428571428;
    assertAllClose(a, [one, one, zero, zero, zero, zero, zero, one], 1e-9);
  });
  test('all equal → 0; G = 1 keeps A = R', () => {
    assert.deepEqual(rlooAdvantages('g', [1, 1, 1, 1]).advantages, [0, 0, 0, 0]);
    assert.deepEqual(rlooAdvantages('g', [1]).advantages, [1]);
  });
});

describe('bad rewards', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    test(`a ${bad} reward is rejected naming the group and the sample`, () => {
      assert.throws(
        () => grpoAdvantages('prompt-7', [1, bad, 0]),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput && /prompt-7/.test(e.message) && /sample 1/.test(e.message),
      );
    });
  }
  test('an empty group is rejected', () => {
    assert.throws(() => rlooAdvantages('empty', []), /empty/);
  });
});

describe('properties (seeded random groups)', () => {
  const rnd = prng(20240601);
  const groups = Array.from({ length: 200 }, () =>
    Array.from({ length: rnd.int(2, 16) }, () => (rnd.next() < 0.3 ? rnd.int(0, 1) : rnd.next() * 4 - 2)),
  );

  test('GRPO and Dr. GRPO advantages sum to 0 within a group', () => {
    for (const r of groups) {
      const sg = grpoAdvantages('g', r).advantages.reduce((a, b) => a + b, 0);
      const sd = drGrpoAdvantages('g', r).advantages.reduce((a, b) => a + b, 0);
      assertClose(sg, 0, 1e-9, 'Σ GRPO');
      assertClose(sd, 0, 1e-9, 'Σ Dr.GRPO');
    }
  });
  test('RLOO equals R_i minus the mean of the other rewards', () => {
    for (const r of groups) {
      const total = r.reduce((a, b) => a + b, 0);
      const expected = r.map((x) => x - (total - x) / (r.length - 1));
      assertAllClose(rlooAdvantages('g', r).advantages, expected, 1e-9, 'RLOO');
    }
  });
  test('GRPO is invariant to an affine change of reward (a·R + b, a > 0) up to ε', () => {
    for (const r of groups) {
      // ε/s bounds the difference; keep groups where it is small.
      if ((grpoAdvantages('g', r).std ?? 0) < 0.1) continue;
      const base = grpoAdvantages('g', r).advantages;
      const moved = grpoAdvantages(
        'g',
        r.map((x) => 3 * x + 5),
      ).advantages;
      assertAllClose(moved, base, 1e-4, 'affine');
    }
  });
  test('grouping by uid matches per-group computation whatever the row order', () => {
    const rows = groups.slice(0, 20).flatMap((r, gi) => r.map((reward) => ({ uid: `u${gi}`, reward })));
    const shuffled = rows.map((row, i) => ({ row, i, key: rnd.next() })).sort((a, b) => a.key - b.key);
    const got = advantagesByUid(
      shuffled.map((s) => s.row),
      'grpo',
    );
    const perGroup = groups.slice(0, 20).flatMap((r) => grpoAdvantages('g', r).advantages);
    // Rows of a group arrive in another order, so the mean may differ in the last bit.
    shuffled.forEach((s, k) => assertClose(got[k], perGroup[s.i] as number, 1e-12, `row ${s.i}`));
  });
});
