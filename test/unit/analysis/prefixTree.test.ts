// docs/algorithms.md#tempo: the prefix tree and TEMPO's per-token advantages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grpoAdvantages } from '../../../src/core/analysis/advantages';
import { PrefixTree, tempoAdvantages, tempoTokenAdvantages } from '../../../src/core/analysis/prefixTree';
import { assertAllClose, assertClose, prng } from './helpers';

// docs/algorithms.md#tree-output: r1 = [5,6,9] has mask [1,1,1,0]; the padded position is not a token here.
const VECTOR = [
  { reward: 1, ids: [5, 6, 7, 8] },
  { reward: 0, ids: [5, 6, 9] },
  { reward: 0, ids: [5, 10, 11, 12] },
  { reward: 1, ids: [5, 6, 7, 13] },
];

describe('TEMPO test vector (docs/algorithms.md#tree-output)', () => {
  const norm = tempoTokenAdvantages('v', VECTOR);
  const raw = tempoTokenAdvantages('v', VECTOR, { norm: false });

  test('μ = 0.5 and s = √(1/3) = 0.57735', () => {
    assert.equal(norm.mean, 0.5);
    assertClose(norm.std, 0.57735, 5e-6);
  });
  test('r0 and r3 (norm) = [0.8660239037870368, 1.1546985383827153, 1.4433731729783945, 0.8660239037870368]', () => {
    const expected = [0.8660239037870368, 1.1546985383827153, 1.4433731729783945, 0.8660239037870368];
    assertAllClose(norm.tokenAdvantages[0] as number[], expected);
    assertAllClose(norm.tokenAdvantages[3] as number[], expected);
  });
  test('r1 (norm) = [−0.8660239, −0.5773493, −2.0207224] (+ 0 on padding)', () => {
    assertAllClose(norm.tokenAdvantages[1] as number[], [-0.8660239, -0.5773493, -2.0207224], 5e-8);
  });
  test('r2 (norm) = [−0.8660239, −1.7320478, −0.8660239, −0.8660239]', () => {
    assertAllClose(norm.tokenAdvantages[2] as number[], [-0.8660239, -1.7320478, -0.8660239, -0.8660239], 5e-8);
  });
  test('no std: r0 = [0.5, 0.6667, 0.8333, 0.5], r1 = [−0.5, −0.3333, −1.1667], r2 = [−0.5, −1.0, −0.5, −0.5]', () => {
    assertAllClose(raw.tokenAdvantages[0] as number[], [0.5, 0.6667, 0.8333, 0.5], 5e-5);
    assertAllClose(raw.tokenAdvantages[1] as number[], [-0.5, -0.3333, -1.1667], 5e-5);
    assertAllClose(raw.tokenAdvantages[2] as number[], [-0.5, -1.0, -0.5, -0.5], 5e-5);
    assertAllClose(raw.tokenAdvantages[3] as number[], [0.5, 0.6667, 0.8333, 0.5], 5e-5);
  });
  test('plain GRPO gives ±0.8660239037870368, TEMPO’s sequence advantage', () => {
    assertAllClose(norm.sequenceAdvantages, [0.8660239037870368, -0.8660239037870368, -0.8660239037870368, 0.8660239037870368]);
    assertAllClose(grpoAdvantages('v', [1, 0, 0, 1]).advantages, norm.sequenceAdvantages, 0);
  });
});

describe('TEMPO edge cases (docs/algorithms.md#tempo)', () => {
  test('G = 1 falls back to the GRPO singleton rule R/(1+ε) on every token', () => {
    const r = tempoTokenAdvantages('one', [{ reward: 1, ids: [1, 2, 3] }]);
    assert.equal(r.singleton, true);
    assertAllClose(r.tokenAdvantages[0] as number[], [0.999999000001, 0.999999000001, 0.999999000001]);
    assert.equal(r.mean, 0);
    assert.equal(r.std, 1);
  });
  test('all-equal rewards give exactly 0 everywhere', () => {
    const r = tempoTokenAdvantages('eq', [
      { reward: 0.1, ids: [1, 2] },
      { reward: 0.1, ids: [1, 3, 4] },
      { reward: 0.1, ids: [5] },
    ]);
    assert.deepEqual(r.tokenAdvantages, [[0, 0], [0, 0, 0], [0]]);
    assert.ok(Array.from(r.deltas).every((d) => d === 0));
  });
  test('identical responses share every node, so δ = 0 and A = GRPO', () => {
    const r = tempoTokenAdvantages('same', [
      { reward: 1, ids: [7, 8, 9] },
      { reward: 0, ids: [7, 8, 9] },
    ]);
    const a = grpoAdvantages('same', [1, 0]).advantages;
    assert.deepEqual(r.tokenAdvantages, [
      [a[0], a[0], a[0]],
      [a[1], a[1], a[1]],
    ]);
  });
  test('a response that is a prefix of another ends at an inner node; the longer one gets δ there', () => {
    const r = tempoTokenAdvantages('prefix', [
      { reward: 1, ids: [1, 2, 3] },
      { reward: 0, ids: [1, 2] },
    ]);
    // Token 3: V({r0}) − V({r0, r1}) = 1 − 0.5.
    const s = Math.SQRT1_2;
    assertAllClose(r.tokenAdvantages[0] as number[], [0.5 / (s + 1e-6), 0.5 / (s + 1e-6), 1 / (s + 1e-6)]);
    assertAllClose(r.tokenAdvantages[1] as number[], [-0.5 / (s + 1e-6), -0.5 / (s + 1e-6)]);
  });
  test('the TD coefficient scales δ (1 is the official code)', () => {
    const one = tempoTokenAdvantages('v', VECTOR, { norm: false });
    const two = tempoTokenAdvantages('v', VECTOR, { norm: false, tdCoef: 2 });
    assertClose(two.tokenAdvantages[2]?.[1], -0.5 + 2 * -0.5);
    assertClose(one.tokenAdvantages[2]?.[1], -1.0);
  });
  test('an empty response has no token advantages but still counts in the group', () => {
    const r = tempoTokenAdvantages('e', [
      { reward: 1, ids: [] },
      { reward: 0, ids: [4] },
    ]);
    assert.deepEqual(r.tokenAdvantages[0], []);
    assert.equal(r.tokenAdvantages[1]?.length, 1);
  });
  test('non-finite rewards are rejected naming the group', () => {
    assert.throws(() => tempoTokenAdvantages('bad-group', [{ reward: NaN, ids: [1] }]), /bad-group.*sample 0/);
  });
});

/**
 * TEMPO as docs/algorithms.md#tempo defines it and the official loop computes it: for each response, narrow the branch
 * token by token (responses equal at position j), V = mean reward of the branch, δ = V − V_prev.
 * O(L·G²), independent of the trie.
 */
function referenceTempo(group: ReadonlyArray<{ reward: number; ids: number[] }>, norm: boolean): number[][] {
  const R = group.map((g) => g.reward);
  const mu = R.reduce((a, b) => a + b, 0) / R.length;
  const s = Math.sqrt(R.reduce((a, r) => a + (r - mu) ** 2, 0) / (R.length - 1));
  const PAD = -1;
  const at = (k: number, j: number): number => group[k]?.ids[j] ?? PAD;
  const meanOf = (ks: number[]): number => ks.reduce((a, k) => a + (R[k] as number), 0) / ks.length;
  return group.map((g, i) => {
    let branch = group.map((_, k) => k);
    let prev = meanOf(branch);
    return g.ids.map((tok, j) => {
      branch = branch.filter((k) => at(k, j) === tok);
      const v = meanOf(branch);
      const delta = v - prev;
      prev = v;
      const x = (R[i] as number) - mu + delta;
      return norm ? x / (s + 1e-6) : x;
    });
  });
}

function randomGroup(rnd: ReturnType<typeof prng>): Array<{ reward: number; ids: number[] }> {
  const g = rnd.int(2, 12);
  const vocab = rnd.int(1, 4);
  const binary = rnd.next() < 0.5;
  const out: Array<{ reward: number; ids: number[] }> = [];
  for (let i = 0; i < g; i++) {
    // Copy a prefix of an earlier response, then diverge: realistic shared prefixes.
    const from = out.length && rnd.next() < 0.7 ? rnd.pick(out).ids : [];
    const ids = from.slice(0, rnd.int(0, from.length));
    for (let n = rnd.int(0, 8); n > 0; n--) ids.push(rnd.int(0, vocab));
    out.push({ reward: binary ? rnd.int(0, 1) : Math.round(rnd.next() * 100) / 50 - 1, ids });
  }
  return out;
}

describe('TEMPO properties (seeded random groups)', () => {
  const rnd = prng(7);
  const groups = Array.from({ length: 300 }, () => randomGroup(rnd)).filter((g) => new Set(g.map((x) => x.reward)).size > 1);

  test('the trie form equals the reference O(L·G²) loop, normalised and not', () => {
    assert.ok(groups.length > 100);
    for (const g of groups) {
      for (const norm of [true, false]) {
        const got = tempoTokenAdvantages('p', g, { norm }).tokenAdvantages;
        const want = referenceTempo(g, norm);
        want.forEach((row, i) => assertAllClose(got[i] as number[], row, 1e-9, `response ${i}`));
      }
    }
  });

  test('the radix tree has at most 2G nodes besides the root, no empty runs, and consistent counts', () => {
    for (const g of groups) {
      const tree = PrefixTree.build(
        g.map((x) => x.ids),
        g.map((x) => x.reward),
      );
      assert.ok(tree.size <= 2 * g.length + 1, `size ${tree.size} for G = ${g.length}`);
      assert.equal(tree.count[0], g.length);
      for (let n = 0; n < tree.size; n++) {
        if (n > 0) assert.ok((tree.length[n] as number) >= 1, 'a non-root node holds at least one token');
        const below = (tree.children[n] as number[]).reduce((a, c) => a + (tree.count[c] as number), 0);
        assert.equal(tree.count[n], below + (tree.ending[n] as number), `node ${n}: count = children + endings`);
        // A non-root node with one child and no ending would be an uncompressed chain.
        if (n > 0) assert.ok((tree.children[n] as number[]).length !== 1 || (tree.ending[n] as number) > 0);
      }
    }
  });

  test('every response’s path spells its ids', () => {
    for (const g of groups) {
      const tree = PrefixTree.build(
        g.map((x) => x.ids),
        g.map((x) => x.reward),
      );
      g.forEach((x, i) => {
        const spelled: number[] = [];
        for (const n of tree.path(i)) {
          const src = tree.sequences[tree.rep[n] as number] as number[];
          spelled.push(...src.slice(tree.start[n], tree.end(n)));
        }
        assert.deepEqual(spelled, x.ids);
      });
    }
  });

  test('where δ = 0 the token advantage is GRPO’s; δ ≠ 0 only at the first token of a run', () => {
    for (const g of groups.slice(0, 50)) {
      const tree = PrefixTree.build(
        g.map((x) => x.ids),
        g.map((x) => x.reward),
      );
      const r = tempoAdvantages(tree);
      g.forEach((_, i) => {
        const firsts = new Set(tree.path(i).map((n) => tree.start[n]));
        (r.tokenAdvantages[i] as number[]).forEach((a, t) => {
          if (!firsts.has(t)) assert.equal(a, r.sequenceAdvantages[i], `response ${i} token ${t}`);
        });
      });
    }
  });
});
