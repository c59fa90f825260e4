// Sample rows as the store hands them to analysis, and the mean / sample-std helpers every
// estimator shares.

export interface StepSampleRow {
  group_id: number;
  reward: number;
  correct: number | null;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (÷(n−1), as torch.Tensor.std()); NaN for fewer than two values. */
export function sampleStd(xs: readonly number[], mu = mean(xs)): number {
  if (xs.length < 2) return NaN;
  let ss = 0;
  for (const x of xs) ss += (x - mu) * (x - mu);
  return Math.sqrt(ss / (xs.length - 1));
}
