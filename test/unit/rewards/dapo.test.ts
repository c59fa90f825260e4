import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dapoScore, extractDapoAnswer, lastBoxedOnlyString, normalizeFinalAnswer, removeBoxed } from '../../../src/core/rewards/math/dapo';

describe('DAPO math reward (docs/rewards.md#dapo)', () => {
  it('takes the last "Answer:" line, case-insensitively, and scores ±1', () => {
    assert.deepEqual(dapoScore('answer: 3\nthinking...\nAnswer: 42', '42'), {
      score: 1,
      acc: true,
      pred: '42',
    });
    assert.deepEqual(dapoScore('Answer: 41', '42'), { score: -1, acc: false, pred: '41' });
  });
  it('reads only the last 300 characters', () => {
    assert.equal(dapoScore(`Answer: 42\n${'x'.repeat(300)}`, '42').acc, false);
    assert.equal(extractDapoAnswer(`Answer: 42\n${'x'.repeat(300)}`), '[INVALID]');
  });
  it('normalises like Minerva: last "=" side, \\text, \\boxed, shorthand fractions, commas', () => {
    assert.equal(normalizeFinalAnswer('x = \\boxed{\\frac12}'), '\\frac{1}{2}');
    assert.equal(normalizeFinalAnswer('100,000'), '100000');
    assert.equal(normalizeFinalAnswer('$5$ dollars'), '5');
    assert.equal(normalizeFinalAnswer('\\text{(B)}'), '(B)');
    assert.equal(normalizeFinalAnswer('90^\\circ'), '90');
    assert.equal(normalizeFinalAnswer('\\sqrt2'), '\\sqrt{2}');
    assert.equal(normalizeFinalAnswer('1,2'), '12');
  });
  it('strict box mode compares the last box of the last 100 characters with the raw ground truth', () => {
    assert.deepEqual(dapoScore('so \\boxed{\\frac{1}{2}}', '\\frac{1}{2}', true), {
      score: 1,
      acc: true,
      pred: '\\frac{1}{2}',
    });
    assert.equal(dapoScore('so \\boxed{0.5}', '\\frac{1}{2}', true).acc, false);
    assert.equal(dapoScore('no box', '1', true).pred, null);
  });
  it('finds the last box with balanced braces and unwraps it', () => {
    assert.equal(lastBoxedOnlyString('\\boxed{1} and \\boxed{\\frac{a}{b}} end'), '\\boxed{\\frac{a}{b}}');
    assert.equal(lastBoxedOnlyString('\\boxed{open'), null);
    assert.equal(removeBoxed('\\boxed{x}'), 'x');
  });
});
