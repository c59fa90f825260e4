// Golden tests for rewards without a verifier (src/shared/judgedAdvantages.ts), each worked by hand
// from the definitions in docs/algorithms.md#rewards-without-a-verifier; the arithmetic is in the
// comments. countWords is checked against THUDM/LongWriter evaluation/pred.py `count_words` @ca6ccd4
// (CJK characters in U+4E00–U+9FFF plus matches of Python's `\b[a-zA-Z]+\b`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countWords, type PairwiseVote } from '../../../src/shared/judging';
import {
  BRPO_TAU,
  answerReward,
  brpoAdvantages,
  brpoVerdict,
  multiRmAdvantages,
  verifreeAdvantages,
} from '../../../src/shared/judgedAdvantages';
import { assertAllClose, assertClose } from './helpers';

const v = (order: 'ab' | 'ba', win: boolean | null): PairwiseVote => ({ order, win });
const WON = [v('ab', true), v('ba', true)];
const SPLIT = [v('ab', true), v('ba', false)];
const LOST = [v('ab', false), v('ba', false)];

describe('BRPO', () => {
  test('G = 4, reference 0, mixed wins: the verdicts are the advantages, no normalisation', () => {
    // Sample 1 wins both orders → +1; sample 2 wins only `ab` → −1 under `all`; sample 3 loses both → −1.
    // Σ = 0 + 1 − 1 − 1 = −1; skew = |−1| / 4 = 0.25 ≤ 0.6 → kept. Preference = 1 of 3 judged = 1/3.
    const r = brpoAdvantages(0, [null, WON, SPLIT, LOST]);
    assert.deepEqual(r.verdicts, [0, 1, -1, -1]);
    assert.deepEqual(r.advantages, [0, 1, -1, -1]);
    assert.equal(r.skew, 0.25);
    assert.equal(r.dropped, false);
    assertClose(r.preference, 1 / 3);
  });

  test('the reference can be any index; its own votes are ignored', () => {
    // Reference 2 → 0 even though it carries losing votes. Σ = 1 + (−1) + 0 = 0; skew 0.
    const r = brpoAdvantages(2, [WON, LOST, LOST]);
    assert.deepEqual(r.advantages, [1, -1, 0]);
    assert.equal(r.skew, 0);
    assert.equal(r.preference, 0.5);
  });

  test('a group with |Σ|/G = 0.75 > τ = 0.6 is dropped: every advantage 0, the verdicts kept', () => {
    // Three wins: Σ = 0 + 1 + 1 + 1 = 3; skew = 3/4 = 0.75 > 0.6 → dropped.
    const r = brpoAdvantages(0, [null, WON, WON, WON]);
    assert.equal(BRPO_TAU, 0.6);
    assert.deepEqual(r.verdicts, [0, 1, 1, 1]);
    assert.deepEqual(r.advantages, [0, 0, 0, 0]);
    assert.equal(r.skew, 0.75);
    assert.equal(r.dropped, true);
    assert.equal(r.preference, 1);
    // The same group under τ = 0.8 is kept (0.75 ≤ 0.8), and at τ = 0.75 too (the test is strictly >).
    assert.deepEqual(brpoAdvantages(0, [null, WON, WON, WON], { tau: 0.8 }).advantages, [0, 1, 1, 1]);
    assert.equal(brpoAdvantages(0, [null, WON, WON, WON], { tau: 0.75 }).dropped, false);
    // All losing is dropped as well: Σ = −3, |Σ|/G = 0.75.
    assert.equal(brpoAdvantages(0, [null, LOST, LOST, LOST]).dropped, true);
  });

  test('a tie counts as a loss by default and as a win with ties = win', () => {
    // Votes: ab won, ba tied. lose: 1 win of 2 → not all → −1. win: 2 of 2 → +1.
    const tied = [v('ab', true), v('ba', null)];
    assert.equal(brpoVerdict(tied), -1);
    assert.equal(brpoVerdict(tied, { ties: 'lose' }), -1);
    assert.equal(brpoVerdict(tied, { ties: 'win' }), 1);
    // In a group G = 3, reference 0: lose → [0, −1, +1], Σ = 0; win → [0, +1, +1], Σ = 2, 2/3 ≈ 0.667 > 0.6 → dropped.
    assert.deepEqual(brpoAdvantages(0, [null, tied, WON]).advantages, [0, -1, 1]);
    const w = brpoAdvantages(0, [null, tied, WON], { ties: 'win' });
    assert.deepEqual(w.verdicts, [0, 1, 1]);
    assert.equal(w.dropped, true);
  });

  test('rule all needs every vote; majority needs more than half', () => {
    // voting = 2 per order → 4 votes, 3 won: all → −1 (one lost); majority → 3·2 = 6 > 4 → +1.
    const threeOfFour = [v('ab', true), v('ab', true), v('ba', true), v('ba', false)];
    assert.equal(brpoVerdict(threeOfFour, { rule: 'all' }), -1);
    assert.equal(brpoVerdict(threeOfFour, { rule: 'majority' }), 1);
    // Exactly half is not a majority: 1·2 = 2 > 2 is false → −1.
    assert.equal(brpoVerdict(SPLIT, { rule: 'majority' }), -1);
    // Ties and the rule compose: ab won, ab tied, ba tied, ba lost. lose: 1 of 4 → −1; win: 3 of 4 → +1 (majority).
    const mixed = [v('ab', true), v('ab', null), v('ba', null), v('ba', false)];
    assert.equal(brpoVerdict(mixed, { rule: 'majority' }), -1);
    assert.equal(brpoVerdict(mixed, { rule: 'majority', ties: 'win' }), 1);
    assert.equal(brpoVerdict(mixed, { rule: 'all', ties: 'win' }), -1);
  });

  test('a sample with no votes has no verdict and advantage 0, but still counts in G', () => {
    // Reference 0; sample 2 unjudged (null) → verdict null, advantage 0. Σ = 0 + 1 + 1 = 2 over G = 4
    // → 0.5 ≤ 0.6, kept (over the 3 judged samples it would be 0.667 and dropped). Preference = 2/2.
    const r = brpoAdvantages(0, [null, WON, null, WON]);
    assert.deepEqual(r.verdicts, [0, 1, null, 1]);
    assert.deepEqual(r.advantages, [0, 1, 0, 1]);
    assert.equal(r.skew, 0.5);
    assert.equal(r.dropped, false);
    assert.equal(r.preference, 1);
    // An empty vote list is the same as none.
    assert.equal(brpoVerdict([]), null);
    assert.deepEqual(brpoAdvantages(0, [null, []]).verdicts, [0, null]);
  });

  test('no logged reference: no verdicts, nothing judged, nothing dropped', () => {
    const r = brpoAdvantages(null, [WON, LOST]);
    assert.deepEqual(r.verdicts, [null, null]);
    assert.deepEqual(r.advantages, [0, 0]);
    assert.equal(r.skew, 0);
    assert.equal(r.dropped, false);
    assert.equal(r.preference, null);
  });
});

describe('multi-RM (LongWriter-Zero)', () => {
  // G = 3, three models, ε = 1e-6, sample std ÷ (n − 1):
  //   len   [0, 1, 2]: μ = 1, Σ(R−μ)² = 1 + 0 + 1 = 2, s² = 2/2 = 1, s = 1 → A = [−1, 0, 1] / 1.000001
  //         = [−0.999999000001, 0, 0.999999000001]
  //   write [4, 2, 0]: μ = 2, Σ = 4 + 0 + 4 = 8, s² = 4, s = 2 → A = [2, 0, −2] / 2.000001
  //         = [0.99999950000025, 0, −0.99999950000025]
  //   fmt   [1, 1, 4]: μ = 2, Σ = 1 + 1 + 4 = 6, s² = 3, s = √3 = 1.7320508075688772
  //         → A = [−1, −1, 2] / 1.7320518075688772 = [−0.577349935856485, −0.577349935856485, 1.15469987171297]
  const components = [
    { len: 0, write: 4, fmt: 1 },
    { len: 1, write: 2, fmt: 1 },
    { len: 2, write: 0, fmt: 4 },
  ];
  const models = ['len', 'write', 'fmt'];
  const LEN = [-0.999999000001, 0, 0.999999000001];
  const WRITE = [0.99999950000025, 0, -0.99999950000025];
  const FMT = [-0.577349935856485, -0.577349935856485, 1.15469987171297];

  test('each model is GRPO-normalised in the group, then the plain mean', () => {
    const r = multiRmAdvantages(components, models);
    assertAllClose(r.perModel['len'] ?? [], LEN, 1e-12);
    assertAllClose(r.perModel['write'] ?? [], WRITE, 1e-12);
    assertAllClose(r.perModel['fmt'] ?? [], FMT, 1e-12);
    // Sample 0: (−0.999999000001 + 0.99999950000025 − 0.577349935856485) / 3 = −0.1924498119524117
    // Sample 1: (0 + 0 − 0.577349935856485) / 3 = −0.19244997861882832
    // Sample 2: (0.999999000001 − 0.99999950000025 + 1.15469987171297) / 3 = 0.3848997905712401
    assertAllClose(r.advantages, [-0.1924498119524117, -0.19244997861882832, 0.3848997905712401], 1e-12);
    // Contributions are A_k / 3 and sum to the advantage.
    assertAllClose(r.contributions['fmt'] ?? [], [-0.192449978618828, -0.192449978618828, 0.38489995723765663], 1e-12);
    r.advantages.forEach((a, i) =>
      assertClose((r.contributions['len']?.[i] ?? 0) + (r.contributions['write']?.[i] ?? 0) + (r.contributions['fmt']?.[i] ?? 0), a, 1e-15),
    );
  });

  test('weights: Σ w_k·A_k / Σ w_k', () => {
    // w = {len: 2, write: 1, fmt: 1}, Σ w = 4.
    // Sample 0: (2·(−0.999999000001) + 0.99999950000025 − 0.577349935856485) / 4 = −0.39433710896455876
    // Sample 1: (0 + 0 − 0.577349935856485) / 4 = −0.14433748396412124
    // Sample 2: (2·0.999999000001 − 0.99999950000025 + 1.15469987171297) / 4 = 0.53867459292868
    const r = multiRmAdvantages(components, models, { len: 2 });
    assertAllClose(r.advantages, [-0.39433710896455876, -0.14433748396412124, 0.53867459292868], 1e-12);
    assertAllClose(r.contributions['len'] ?? [], [-0.4999995000005, 0, 0.4999995000005], 1e-12);
    // A zero weight removes a model: only write counts → its advantages exactly.
    assertAllClose(multiRmAdvantages(components, models, { len: 0, fmt: 0 }).advantages, WRITE, 1e-12);
  });

  test('a missing score counts as 0 for that model; an all-equal model contributes 0', () => {
    // len over [missing → 0, 1, 2] is the same as [0, 1, 2]; fmt [3, 3, 3] is all equal → 0.
    const r = multiRmAdvantages([{ fmt: 3 }, { len: 1, fmt: 3 }, { len: 2, fmt: 3 }], ['len', 'fmt']);
    assertAllClose(r.perModel['len'] ?? [], LEN, 1e-12);
    assert.deepEqual(r.perModel['fmt'], [0, 0, 0]);
    // Mean of two: A_len / 2.
    assertAllClose(r.advantages, [-0.4999995000005, 0, 0.4999995000005], 1e-12);
  });
});

describe('VeriFree', () => {
  test('RLOO on p(reference): (R − μ)·G/(G − 1)', () => {
    // p = [0.5, 0.1, 0, 0.2]: μ = 0.8/4 = 0.2, G/(G−1) = 4/3.
    // A = [0.3, −0.1, −0.2, 0]·4/3 = [0.4, −0.13333…, −0.26666…, 0].
    assertAllClose(verifreeAdvantages([0.5, 0.1, 0, 0.2]), [0.4, -2 / 15, -4 / 15, 0], 1e-12);
    // A singleton keeps A = R.
    assert.deepEqual(verifreeAdvantages([0.3]), [0.3]);
    // All equal → 0.
    assert.deepEqual(verifreeAdvantages([0.25, 0.25]), [0, 0]);
  });

  test('the reward is p, or exp(logp) when p is not logged, or 0 for no answer part', () => {
    assert.equal(answerReward({ p: 0.25, logp: null }), 0.25);
    assertClose(answerReward({ p: NaN, logp: Math.log(0.5) }), 0.5, 1e-15);
    assert.equal(answerReward({ p: NaN, logp: null }), 0);
    assert.equal(answerReward({ p: 0, logp: null }), 0);
  });
});

describe('countWords (LongWriter count_words)', () => {
  // Each value checked by running the pred.py regexes in Python.
  const cases: Array<[string, number]> = [
    ['Hello world', 2],
    ['你好世界', 4],
    ["don't", 2], // `don` and `t`: the apostrophe is a boundary
    ['abc中', 1], // 0 English words (中 is a word character, no boundary after c) + 1 CJK
    ['x2', 0], // no boundary between x and 2
    ['Hello, 世界! foo_bar baz', 4], // Hello, baz + 世, 界; `_` joins foo_bar into one non-letter word
    ['café au lait', 2], // `caf` is followed by a letter: only au, lait
    ['state-of-the-art', 4],
    ['写作 writing 写作', 5],
    ['', 0],
  ];
  for (const [text, n] of cases) test(`${JSON.stringify(text)} → ${n}`, () => assert.equal(countWords(text), n));
});
