// Failure clusters (docs/algorithms.md#failure-clusters): a crafted set of three known failure kinds
// with noise must come back as three pure clusters, the same for a seed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { silhouette, kmeans, KMEANS_DEFAULTS } from '../../../src/core/analysis/kmeans';
import { clusterTexts, distinguishingTerms, sampleIndices } from '../../../src/core/analysis/textClusters';
import { termsOf, tfidfVectors } from '../../../src/core/analysis/textVectors';
import { craftedFailures, purity, type Kind } from './failureTexts';

const crafted = craftedFailures([40, 30, 20]);
const texts = crafted.map((c) => c.text);
const kinds = crafted.map((c) => c.kind);
const TERMS = [
  ['# so', '# equals', 'equals #', '# makes', 'makes #'],
  ['approach and', 'is not', 'let me', 'not right', 'the approach'],
  ['inches', 'centimeters', '# inches', 'is #', 'it is'],
];

/** Each cluster's size and its most common kind. */
const shape = (clusters: ReadonlyArray<{ members: readonly number[] }>): Array<[number, Kind]> =>
  clusters.map((c) => {
    const n = new Map<Kind, number>();
    for (const i of c.members) n.set(kinds[i]!, (n.get(kinds[i]!) ?? 0) + 1);
    return [c.members.length, [...n].sort((a, b) => b[1] - a[1])[0]![0]];
  });

describe('clustering crafted failures (three templates with noise)', () => {
  const r = clusterTexts(texts, { seed: 1 });

  test('k = 3 by the silhouette, purity ≥ 0.9 (here 1), sizes 40 / 30 / 20', () => {
    assert.equal(r.k, 3);
    assert.equal(r.kRule, 'silhouette');
    assert.ok(purity(r.clusters, kinds) >= 0.9);
    assert.equal(purity(r.clusters, kinds), 1);
    assert.deepEqual(shape(r.clusters), [
      [40, 'arithmetic slip'],
      [30, 'never answers'],
      [20, 'wrong unit'],
    ]);
  });

  test('each cluster is named by its own terms, with three examples of its kind', () => {
    assert.deepEqual(
      r.clusters.map((c) => c.terms),
      TERMS,
    );
    for (const c of r.clusters) {
      assert.equal(c.examples.length, 3);
      assert.ok(c.examples.every((i) => c.members.includes(i)));
    }
  });

  test('the same seed gives the same clusters; seed 99 finds the same kinds', () => {
    assert.deepEqual(clusterTexts(texts, { seed: 1 }), r);
    const other = clusterTexts(texts, { seed: 99 });
    assert.ok(purity(other.clusters, kinds) >= 0.9);
    assert.deepEqual(
      other.clusters.map((c) => c.members.length),
      [40, 30, 20],
    );
  });

  test('a given k is kept', () => {
    const five = clusterTexts(texts, { seed: 1, k: 5 });
    assert.equal(five.k, 5);
    assert.equal(five.kRule, 'given');
    assert.equal(purity(five.clusters, kinds), 0.9777777777777777);
  });

  test('fewer than four responses are one cluster; responses with no shared word are set apart', () => {
    const few = clusterTexts(['the answer is 4', 'the answer is 5', 'no idea'], { seed: 1 });
    assert.equal(few.kRule, 'too few');
    assert.deepEqual(
      few.clusters.map((c) => [c.members, c.terms]),
      [
        [
          [0, 1],
          ['answer is', 'is #', 'the answer'],
        ],
        [[2], []],
      ],
    );
  });
});

describe('the pieces', () => {
  test('terms: words lower-cased, numbers as #, neighbouring pairs', () => {
    assert.deepEqual(termsOf('Wait, 3.5 Meters!'), ['wait', '#', 'meters', 'wait #', '# meters']);
  });

  test('the silhouette over cluster sums equals the pairwise definition', () => {
    const { terms, vectors } = tfidfVectors(texts.slice(0, 30));
    const res = kmeans(vectors, 3, terms.length, 1, KMEANS_DEFAULTS);
    let total = 0;
    const cos = (i: number, j: number): number => {
      let s = 0;
      const m = new Map<number, number>();
      vectors[i]!.idx.forEach((t, x) => m.set(t, vectors[i]!.val[x]!));
      vectors[j]!.idx.forEach((t, x) => (s += (m.get(t) ?? 0) * vectors[j]!.val[x]!));
      return s;
    };
    for (let i = 0; i < vectors.length; i++) {
      const sums = [0, 0, 0];
      const n = [0, 0, 0];
      for (let j = 0; j < vectors.length; j++) {
        if (j === i) continue;
        sums[res.assignment[j]!]! += 1 - cos(i, j);
        n[res.assignment[j]!]!++;
      }
      const own = res.assignment[i]!;
      if (n[own] === 0) continue;
      const a = sums[own]! / n[own]!;
      const b = Math.min(...[0, 1, 2].filter((c) => c !== own && n[c]! > 0).map((c) => sums[c]! / n[c]!));
      total += (b - a) / Math.max(a, b);
    }
    assert.ok(Math.abs(silhouette(vectors, res, terms.length) - total / vectors.length) < 1e-9);
  });

  test('distinguishing terms skip a word already inside a chosen pair', () => {
    const terms = ['answer', 'answer is', 'is', 'meters'];
    const inside = Float64Array.from([0.5, 0.6, 0.1, 0.4]);
    const outside = Float64Array.from([0.1, 0.1, 0.1, 0.0]);
    assert.deepEqual(distinguishingTerms(inside, outside, terms), ['answer is', 'meters']);
  });

  test('a seeded sample of indices is sorted, distinct and the same for the seed', () => {
    const a = sampleIndices(100, 5, 3);
    assert.deepEqual(a, sampleIndices(100, 5, 3));
    assert.equal(new Set(a).size, 5);
    assert.deepEqual(
      a,
      [...a].sort((x, y) => x - y),
    );
    assert.deepEqual(sampleIndices(4, 10, 3), [0, 1, 2, 3]);
  });
});
