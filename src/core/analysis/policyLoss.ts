// KL estimators and loss aggregation modes (docs/algorithms.md#kl-and-loss; ports of verl's
// kl_penalty_forward and agg_loss with dp_size = 1). Used for "what would this loss be under mode X".
import { ErrorCode, LensError } from '../../shared/errors';

/** k1 ("kl"): logp − ref_logp. */
export function klK1(logp: number, refLogp: number): number {
  return logp - refLogp;
}

/** k2 ("mse"): ½(logp − ref_logp)². */
export function klK2(logp: number, refLogp: number): number {
  const d = logp - refLogp;
  return 0.5 * d * d;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** k3 ("low_var_kl"): clamp(exp(d) − d − 1, −10, 10) with d = clamp(ref_logp − logp, −20, 20). */
export function klK3(logp: number, refLogp: number): number {
  const d = clamp(refLogp - logp, -20, 20);
  return clamp(Math.exp(d) - d - 1, -10, 10);
}

export const LOSS_AGG_MODES = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm'] as const;
export type LossAggMode = (typeof LOSS_AGG_MODES)[number];

/** One sequence of the batch: per-token losses and the mask, both of the padded width. */
export interface LossRow {
  loss: readonly number[];
  mask: readonly number[];
}

/**
 * Aggregates per-token losses into the scalar loss. Sequences whose mask is all zero are left out
 * of the seq-mean denominators, as in verl. `scaleFactor` is verl's loss_scale_factor for
 * seq-mean-token-sum-norm (default: the padded width). An empty denominator gives 0.
 */
export function aggregateLoss(rows: readonly LossRow[], mode: LossAggMode, opts: { scaleFactor?: number } = {}): number {
  const width = rows[0]?.loss.length ?? 0;
  let total = 0;
  let tokens = 0;
  let seqMeanSum = 0;
  let seqSumSum = 0;
  let seqs = 0;
  rows.forEach((r, i) => {
    if (r.loss.length !== width || r.mask.length !== width) {
      throw new LensError(ErrorCode.BadInput, `loss row ${i}: loss and mask must all have the padded width ${width}`);
    }
    let s = 0;
    let m = 0;
    for (let t = 0; t < width; t++) {
      const mt = r.mask[t] as number;
      s += (r.loss[t] as number) * mt;
      m += mt;
    }
    total += s;
    tokens += m;
    if (m > 0) {
      seqs++;
      seqMeanSum += s / m;
      seqSumSum += s;
    }
  });
  switch (mode) {
    case 'token-mean':
      return tokens > 0 ? total / tokens : 0;
    case 'seq-mean-token-mean':
      return seqs > 0 ? seqMeanSum / seqs : 0;
    case 'seq-mean-token-sum':
      return seqs > 0 ? seqSumSum / seqs : 0;
    case 'seq-mean-token-sum-norm': {
      const c = opts.scaleFactor ?? width;
      return c > 0 ? total / c : 0;
    }
  }
}
