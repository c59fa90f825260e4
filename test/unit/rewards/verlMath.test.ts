// verl's default MATH scorer (verl/utils/reward_score/math_reward.py @ b178a3c): expected values
// worked by hand from the Python source, including the branches where it raises or asserts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hendrycksStripString, verlIsEquiv, verlLastBoxedOnlyString, verlMathScore } from '../../../src/core/rewards/math/verlMath';
import { gradeWithSpec } from '../../../src/core/rewards/grade';

describe('verl-math: strip_string (Hendrycks)', () => {
  it('normalises fractions, \\left/\\right, degrees, dollars, percent and short "k =" prefixes', () => {
    assert.equal(hendrycksStripString('\\dfrac{1}{2}'), '\\frac{1}{2}');
    assert.equal(hendrycksStripString('\\frac12'), '\\frac{1}{2}');
    assert.equal(hendrycksStripString('0.5'), '\\frac{1}{2}');
    assert.equal(hendrycksStripString('1/2'), '\\frac{1}{2}');
    assert.equal(hendrycksStripString('\\left( 3, \\frac{\\pi}{2} \\right)'), '(3,\\frac{\\pi}{2})');
    assert.equal(hendrycksStripString('90^\\circ'), '90');
    assert.equal(hendrycksStripString('\\$5'), '5');
    assert.equal(hendrycksStripString('10\\%'), '10');
    assert.equal(hendrycksStripString('x = 5'), '5');
    assert.equal(hendrycksStripString('abc = 5'), 'abc=5');
    assert.equal(hendrycksStripString('.25'), '0.25');
    assert.equal(hendrycksStripString('\\sqrt3'), '\\sqrt{3}');
    assert.equal(hendrycksStripString('5\\text{ cm}'), '5');
  });
  it('raises where the source raises (then is_equiv compares the raw strings)', () => {
    assert.throws(() => hendrycksStripString('\\sqrt'), /string index out of range/);
    assert.throws(() => hendrycksStripString('5\\text{ m}\\text{ s}'), /AssertionError/);
    assert.throws(() => hendrycksStripString('\\frac'), /string index out of range/);
    assert.deepEqual(verlIsEquiv('\\sqrt', '\\sqrt'), { equal: true, stage: 'raw', normalized: null });
    assert.deepEqual(verlIsEquiv('5\\text{ m}\\text{ s}', '5'), { equal: false, stage: 'raw', normalized: null });
  });
});

describe('verl-math: last boxed answer', () => {
  it('takes the last \\boxed{…} with balanced braces', () =>
    assert.equal(verlLastBoxedOnlyString('\\boxed{1} then \\boxed{\\frac{1}{2}}.'), '\\boxed{\\frac{1}{2}}'));
  it('a "\\boxed " (with a space) anywhere wins, cut at the next $', () =>
    assert.equal(verlLastBoxedOnlyString('$\\boxed 3$ and later \\boxed{4}'), '\\boxed 3'));
  it('an unclosed box is no answer', () => assert.equal(verlLastBoxedOnlyString('\\boxed{\\frac{1}{2}'), null));
});

describe('verl-math: compute_score', () => {
  const cases: Array<[string, string, number, string]> = [
    ['So \\boxed{\\dfrac{1}{2}}.', '\\frac{1}{2}', 1, 'normalized'],
    ['\\boxed{0.5}', '\\frac12', 1, 'normalized'],
    ['\\boxed{10\\%}', '10', 1, 'normalized'],
    ['\\boxed{x = 5}', '5', 1, 'normalized'],
    ['\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}', '(3,\\frac{\\pi}{2})', 1, 'normalized'],
    ['\\boxed{2}', '2.0', 0, 'normalized'],
    ['\\fbox{3}', '3', 0, 'unboxable'],
    ['$\\boxed 3$ and later \\boxed{4}', '3', 1, 'normalized'],
    ['$\\boxed 3$ and later \\boxed{4}', '4', 0, 'normalized'],
    ['\\boxed{\\sqrt}', '\\sqrt', 1, 'raw'],
    ['The answer is 7.', '7', 0, 'no-box'],
  ];
  for (const [response, gt, score, stage] of cases) {
    it(`${JSON.stringify(response)} vs ${JSON.stringify(gt)} → ${score} (${stage})`, () => {
      const r = verlMathScore(response, gt);
      assert.deepEqual([r.score, r.stage], [score, stage]);
    });
  }
  it('as a spec: exact port, stage in the result, no options accepted', async () => {
    const r = await gradeWithSpec({ reward: 'verl-math', response: '\\boxed{\\tfrac{3}{4}}', groundTruth: '3/4', trusted: true });
    assert.deepEqual(
      [r.score, r.correct, r.extracted, r.stage, r.approximate, r.spec_approximate, r.rationale],
      [1, true, '\\tfrac{3}{4}', 'normalized', false, false, '"\\\\frac{3}{4}" = "\\\\frac{3}{4}" after strip_string'],
    );
    await assert.rejects(
      gradeWithSpec({ reward: 'verl-math(strict=true)', response: 'x', groundTruth: 'y', trusted: true }),
      /verl-math: Unrecognized key: "strict"/,
    );
  });
});
