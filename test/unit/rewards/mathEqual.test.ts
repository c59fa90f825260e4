import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { choiceAnswer, isClose, mathEqual, mathEqualQuick, parseDigits, pythonFloat } from '../../../src/core/rewards/math/mathEqual';
import { WorkerSymbolicChecker } from '../../../src/core/rewards/math/symbolic';

describe('math_equal string and numeric stages (docs/rewards.md#math steps 1–5)', () => {
  it('None is never equal', () => assert.deepEqual(mathEqualQuick(null, '1'), { equal: false, stage: 'empty' }));
  it('compares trimmed, lower-cased strings first', () =>
    assert.deepEqual(mathEqualQuick(' ABC ', 'abc'), { equal: true, stage: 'string' }));
  it('matches a multiple-choice letter', () => {
    assert.deepEqual(mathEqualQuick('The answer is (C).', 'C'), { equal: true, stage: 'choice' });
    assert.equal(choiceAnswer('B or maybe D'), 'D');
  });
  it('compares numbers with rel_tol 1e-4 against ref/100, ref and ref·100', () => {
    assert.deepEqual(mathEqualQuick('1,234', '1234'), { equal: true, stage: 'numeric' });
    assert.deepEqual(mathEqualQuick('0.33333', '0.333333'), { equal: true, stage: 'numeric' });
    assert.deepEqual(mathEqualQuick('50', '0.5'), { equal: true, stage: 'numeric' });
    assert.deepEqual(mathEqualQuick('50\\%', '0.5'), { equal: true, stage: 'numeric' });
    assert.deepEqual(mathEqualQuick('5%', '0.5'), { equal: false, stage: 'numeric' });
    assert.deepEqual(mathEqualQuick('0.5', '50%'), { equal: true, stage: 'numeric' });
  });
  it('decides "not equal" for two numbers without a symbolic fallback', () => {
    assert.deepEqual(mathEqualQuick('41', '42'), { equal: false, stage: 'numeric' });
  });
  it('strips brackets and braces before comparing strings', () => {
    assert.deepEqual(mathEqualQuick('[1,2]', '1,2'), { equal: true, stage: 'brackets' });
    assert.deepEqual(mathEqualQuick('{a}', 'a'), { equal: true, stage: 'brackets' });
  });
  it('leaves undecided pairs to the later stages', () => assert.equal(mathEqualQuick('\\frac{1}{2}', '0.5'), null));
  it('parses numbers like Python float()', () => {
    assert.equal(pythonFloat(' 1_000.5 '), 1000.5);
    assert.equal(pythonFloat('-inf'), -Infinity);
    assert.equal(pythonFloat('1e'), null);
    assert.equal(parseDigits('12.5\\%'), 0.125);
    assert.equal(isClose(1, 1.00009), true);
    assert.equal(isClose(1, 1.0002), false);
  });
});

describe('math_equal structural stages without the symbolic stage (docs/rewards.md#math steps 6–7)', () => {
  it('compares tuples and intervals element-wise', async () => {
    assert.deepEqual(await mathEqual('(1, 2.0)', '[1,2]'), { equal: true, stage: 'tuple' });
    assert.equal((await mathEqual('(1,3)', '(1,2)')).equal, false);
  });
  it('compares pmatrix entries element-wise', async () => {
    assert.deepEqual(await mathEqual('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1.0&2\\\\3&4\\end{bmatrix}'), {
      equal: true,
      stage: 'matrix',
    });
  });
  it('uses the right side of a short "x = …" against a bare value', async () => {
    assert.deepEqual(await mathEqual('x = 5', '5.0'), { equal: true, stage: 'equation' });
    assert.deepEqual(await mathEqual('5', 'y=5'), { equal: true, stage: 'equation' });
  });
  it('says "different" when no stage matched and no checker is given', async () => {
    assert.deepEqual(await mathEqual('\\frac{1}{2}', '0.5'), { equal: false, stage: 'different' });
  });
});

describe('symbolic stage (compute-engine in a worker; approximate)', () => {
  const checker = new WorkerSymbolicChecker(20_000);
  after(() => checker.dispose());
  it('proves equal forms equal and labels the stage', async () => {
    const r = await mathEqual('\\frac{1}{2}', '0.5', { symbolic: checker });
    assert.equal(r.equal, true);
    assert.equal(r.stage, 'symbolic');
    assert.ok(r.symbolic);
    assert.equal((await mathEqual('x^2-1', '(x-1)(x+1)', { symbolic: checker })).equal, true);
    assert.equal((await mathEqual('\\frac{\\sqrt{2}}{2}', '\\sqrt{2}/2', { symbolic: checker })).equal, true);
  });
  it('rejects different expressions', async () => {
    assert.deepEqual(await mathEqual('x^2+1', '(x+1)^2', { symbolic: checker }), {
      equal: false,
      stage: 'different',
      symbolic: 'different',
    });
    assert.equal((await mathEqual('\\pi', '3.14', { symbolic: checker })).equal, false);
  });
  it('compares equations as lhs − (rhs), up to sign', async () => {
    const r = await mathEqual('y = 2x + 1', '2x - y = -1', { symbolic: checker });
    assert.equal(r.equal, true);
    assert.equal(r.stage, 'equation');
  });
  it('labels a tuple decided through a nested symbolic comparison', async () => {
    const r = await mathEqual('(3, \\pi/2)', '(3,\\frac{\\pi}{2})', { symbolic: checker });
    assert.equal(r.stage, 'tuple');
    assert.ok(r.symbolic);
  });
  it('counts a comparison past the time limit as not equal and recovers afterwards', async () => {
    // A cold worker needs far more than 5 ms to load compute-engine, so the first call must time out.
    const hasty = new WorkerSymbolicChecker(5);
    try {
      assert.deepEqual(await hasty.equal('\\frac{1}{3}', '\\frac{2}{6}'), { equal: false, how: 'timeout' });
    } finally {
      await hasty.dispose();
    }
    assert.equal((await checker.equal('\\frac{1}{3}', '\\frac{2}{6}')).equal, true);
  });
});
