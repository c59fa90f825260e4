// The one number format of the explorer, the documents and the webviews (src/shared/format.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compact, fmt, percent, signed } from '../../../src/shared/format';

describe('fmt', () => {
  it('keeps integers, trims decimals to 3 by default, and marks a missing value with an en dash', () => {
    assert.deepEqual(
      [fmt(3), fmt(0.5), fmt(0.12345), fmt(2 / 3, 2), fmt(1234.5678), fmt(null), fmt(undefined), fmt(Number.NaN)],
      ['3', '0.5', '0.123', '0.67', '1234.568', '–', '–', '–'],
    );
  });
  it('writes negatives with the minus sign, and very small or large values in exponent form', () => {
    assert.deepEqual(
      [fmt(-1), fmt(-0.25), fmt(0.0001234), fmt(-0.0001234), fmt(2.5e7), fmt(Infinity), fmt(-Infinity), fmt(0)],
      ['−1', '−0.25', '1.23e-4', '−1.23e-4', '2.50e+7', '∞', '−∞', '0'],
    );
  });
});

describe('signed, percent, compact', () => {
  it('signs every value, ± for zero', () => {
    assert.deepEqual([signed(0.8660254), signed(-0.5), signed(0), signed(-2, 4), signed(null)], ['+0.866', '−0.5', '±0', '−2', '–']);
  });
  it('writes shares as percentages with one decimal', () => {
    assert.deepEqual([percent(0.4667), percent(1), percent(-0.05), percent(null)], ['46.7%', '100.0%', '−5.0%', '–']);
  });
  it('shortens counts', () => {
    assert.deepEqual([compact(950), compact(1234), compact(3_400_000)], ['950', '1.2k', '3.4M']);
  });
});
