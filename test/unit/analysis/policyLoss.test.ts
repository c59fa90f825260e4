// docs/algorithms.md#kl-and-loss: loss aggregation and KL estimators.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateLoss, klK1, klK2, klK3 } from '../../../src/core/analysis/policyLoss';
import { assertClose } from './helpers';

describe('KL estimators (docs/algorithms.md#kl-and-loss)', () => {
  test('k3 (low_var_kl): logp = −1, ref = −1.5 → 0.10653065971263342', () => {
    assertClose(klK3(-1, -1.5), 0.10653065971263342);
  });
  test('k1 and k2 on the same pair', () => {
    assertClose(klK1(-1, -1.5), 0.5);
    assertClose(klK2(-1, -1.5), 0.125);
  });
  test('k3 is clamped to 10 for a huge log-ratio', () => {
    assert.equal(klK3(-100, 0), 10);
  });
});

describe('loss aggregation (docs/algorithms.md#kl-and-loss)', () => {
  // ℓ ≡ 1, two responses of lengths 2 and 4, padded width 4.
  const rows = [
    { loss: [1, 1, 1, 1], mask: [1, 1, 0, 0] },
    { loss: [1, 1, 1, 1], mask: [1, 1, 1, 1] },
  ];
  test('token-mean → 1.0', () => assertClose(aggregateLoss(rows, 'token-mean'), 1.0));
  test('seq-mean-token-sum → 3.0', () => assertClose(aggregateLoss(rows, 'seq-mean-token-sum'), 3.0));
  test('seq-mean-token-mean → 1.0', () => assertClose(aggregateLoss(rows, 'seq-mean-token-mean'), 1.0));
  test('seq-mean-token-sum-norm → 1.5 (÷ padded width)', () => assertClose(aggregateLoss(rows, 'seq-mean-token-sum-norm'), 1.5));
  test('seq-mean-token-sum-norm honours loss_scale_factor', () => {
    assertClose(aggregateLoss(rows, 'seq-mean-token-sum-norm', { scaleFactor: 3 }), 2);
  });
  test('an all-masked sequence is left out of the seq-mean denominators', () => {
    const withEmpty = [...rows, { loss: [5, 5, 5, 5], mask: [0, 0, 0, 0] }];
    assertClose(aggregateLoss(withEmpty, 'seq-mean-token-sum'), 3.0);
    assertClose(aggregateLoss(withEmpty, 'seq-mean-token-mean'), 1.0);
  });
  test('token-mean weighs long sequences more than seq-mean-token-mean', () => {
    const r = [
      { loss: [2, 2, 0, 0], mask: [1, 1, 0, 0] },
      { loss: [0, 0, 0, 0], mask: [1, 1, 1, 1] },
    ];
    assertClose(aggregateLoss(r, 'token-mean'), 4 / 6);
    assertClose(aggregateLoss(r, 'seq-mean-token-mean'), 1);
  });
  test('rows of different widths are rejected', () => {
    assert.throws(
      () =>
        aggregateLoss(
          [
            { loss: [1], mask: [1] },
            { loss: [1, 1], mask: [1, 1] },
          ],
          'token-mean',
        ),
      /padded width/,
    );
  });
});
