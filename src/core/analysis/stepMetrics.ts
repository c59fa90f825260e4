// Per-step statistics, computed once when a step's samples change and stored with the step.
// Pure: the store hands over plain rows.

export interface StepSampleRow {
  group_id: number;
  reward: number;
  correct: number | null;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
}

export interface BasicStepStats {
  samples: number;
  groups: number;
  reward_mean: number | null;
  reward_std: number | null;
  mean_length: number | null;
  length_unit: 'tokens' | 'chars';
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

export function basicStepStats(rows: readonly StepSampleRow[]): BasicStepStats {
  const groups = new Set<number>();
  const rewards: number[] = [];
  let tokens = 0;
  let chars = 0;
  let allTokens = rows.length > 0;
  for (const r of rows) {
    groups.add(r.group_id);
    rewards.push(r.reward);
    chars += r.length_chars;
    if (r.length_tokens === null) allTokens = false;
    else tokens += r.length_tokens;
  }
  const n = rows.length;
  const mu = n ? mean(rewards) : null;
  const sd = n > 1 ? sampleStd(rewards, mu!) : null;
  return {
    samples: n,
    groups: groups.size,
    reward_mean: mu,
    reward_std: sd,
    mean_length: n ? (allTokens ? tokens : chars) / n : null,
    length_unit: allTokens ? 'tokens' : 'chars',
  };
}
