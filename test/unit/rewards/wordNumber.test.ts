import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertWordNumber } from '../../../src/core/rewards/math/wordNumber';

describe('word2number behaviour (docs/rewards.md#strip-string step 11)', () => {
  const CASES: ReadonlyArray<[string, string]> = [
    ['seven days', '7'],
    ['seven', '7'],
    ['Twenty-One', '21'],
    ['one hundred and five', '105'],
    ['two thousand nineteen', '2019'],
    ['three million two hundred thousand', '3200000'],
    ['one billion', '1000000000'],
    ['hundred', '100'],
    ['two point five', '2.5'],
    ['three point zero', '3.0'],
    ['007', '7'],
    ['12', '12'],
    ['-5', '-5'],
    ['1.5', '1.5'],
    ['x+1', 'x+1'],
    ['none', 'none'],
    ['\\frac{1}{2}', '\\frac{1}{2}'],
  ];
  for (const [input, expected] of CASES) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(convertWordNumber(input), expected));
  }
  it('leaves malformed number phrases unchanged', () => {
    assert.equal(convertWordNumber('thousand million'), 'thousand million');
    assert.equal(convertWordNumber('one point two point three'), 'one point two point three');
    assert.equal(convertWordNumber('one point five hundred'), 'one point five hundred');
  });
});
