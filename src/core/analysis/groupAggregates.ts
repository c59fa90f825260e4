// Step statistics computed from per-group aggregates (the columns of the groups table), so a step of
// thousands of samples costs one row per group. Definitions: ALGORITHMS.md §2.2 (Knapsack RL), §6.5
// (SimpleRL-Zoo clip ratio, unbiased pass@k), §13 (zero-accuracy prompts). "positive" is R > 0.

export interface GroupAggregate {
  size: number;
  reward_sum: number;
  reward_sumsq: number;
  reward_min: number | null;
  reward_max: number | null;
  positive_n: number;
  correct_n: number;
  correct_known: number;
  len_sum: number;
  len_tokens_n: number;
  len_correct_sum: number;
  len_wrong_sum: number;
  finish_known: number;
  truncated_n: number;
  len_stopped_sum: number;
  stopped_n: number;
  reflect_sum: number;
  reflect_n: number;
}

export interface BasicStats {
  samples: number;
  groups: number;
  reward_mean: number | null;
  reward_std: number | null;
  mean_length: number | null;
  length_unit: 'tokens' | 'chars';
}

export type Difficulty = 'extremely_hard' | 'hard' | 'medium' | 'easy' | 'extremely_easy';

export interface ExtraStats {
  effective_gradient_ratio: number | null;
  effective_prompt_ratio: number | null;
  all_correct_ratio: number | null;
  all_wrong_ratio: number | null;
  zero_accuracy_ratio: number | null;
  clip_ratio: number | null;
  difficulty: Record<Difficulty, number>;
  mean_length_correct: number | null;
  mean_length_wrong: number | null;
  mean_length_stopped: number | null;
  reflection: { mean_per_response: number; share_responses: number; share_groups: number } | null;
  pass_at_k: Record<string, number>;
  /** Groups of one sample: their GRPO advantage is R/(1+ε), not 0 (ALGORITHMS.md §1.1). */
  singleton_groups: number;
}

/** Knapsack RL difficulty bucket of a success rate p (ALGORITHMS.md §2.2). */
export function difficultyBucket(p: number): Difficulty {
  if (p === 0) return 'extremely_hard';
  if (p <= 0.2) return 'hard';
  if (p < 0.8) return 'medium';
  if (p < 1) return 'easy';
  return 'extremely_easy';
}

/** Unbiased pass@k = 1 − C(n−c, k)/C(n, k), as a product to stay exact for large n. */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) return NaN;
  if (n - c < k) return 1;
  let ratio = 1;
  for (let i = 0; i < k; i++) ratio *= (n - c - i) / (n - i);
  return 1 - ratio;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Correct count of a group: logged verdicts when every sample has one, else reward > 0. */
function correctOf(g: GroupAggregate): number {
  return g.correct_known === g.size ? g.correct_n : g.positive_n;
}

export function stepStatsFromGroups(groups: readonly GroupAggregate[]): { basic: BasicStats; extra: ExtraStats } {
  let n = 0;
  let sum = 0;
  let sumsq = 0;
  let len = 0;
  let tokensN = 0;
  let effectiveSamples = 0;
  let mixedGroups = 0;
  let allCorrect = 0;
  let allWrong = 0;
  let finishKnown = 0;
  let truncated = 0;
  let lenCorrect = 0;
  let lenWrong = 0;
  let nCorrect = 0;
  let lenStopped = 0;
  let stopped = 0;
  let reflectSum = 0;
  let reflectN = 0;
  let reflectGroups = 0;
  let singletons = 0;
  const difficulty: Record<Difficulty, number> = { extremely_hard: 0, hard: 0, medium: 0, easy: 0, extremely_easy: 0 };
  let maxG = 0;
  for (const g of groups) {
    if (g.size === 0) continue;
    n += g.size;
    sum += g.reward_sum;
    sumsq += g.reward_sumsq;
    len += g.len_sum;
    tokensN += g.len_tokens_n;
    maxG = Math.max(maxG, g.size);
    if (g.size === 1) singletons++;
    // popStd > 0 ⇔ not every reward equal; a singleton never contributes (np.std of one value is 0).
    if (g.size > 1 && g.reward_min !== g.reward_max) effectiveSamples += g.size;
    if (g.positive_n > 0 && g.positive_n < g.size) mixedGroups++;
    const c = correctOf(g);
    if (c === g.size) allCorrect++;
    if (c === 0) allWrong++;
    difficulty[difficultyBucket(g.positive_n / g.size)]++;
    finishKnown += g.finish_known;
    truncated += g.truncated_n;
    lenCorrect += g.len_correct_sum;
    lenWrong += g.len_wrong_sum;
    nCorrect += c;
    lenStopped += g.len_stopped_sum;
    stopped += g.stopped_n;
    reflectSum += g.reflect_sum;
    reflectN += g.reflect_n;
    if (g.reflect_n > 0) reflectGroups++;
  }
  const groupCount = groups.filter((g) => g.size > 0).length;
  const mean = n ? sum / n : null;
  const variance = n > 1 ? Math.max(0, (sumsq - n * mean! * mean!) / (n - 1)) : null;
  const passAt: Record<string, number> = {};
  for (let k = 1; k <= maxG; k *= 2) {
    let acc = 0;
    let count = 0;
    for (const g of groups) {
      if (g.size < k) continue;
      acc += passAtK(g.size, correctOf(g), k);
      count++;
    }
    if (count) passAt[String(k)] = acc / count;
  }
  return {
    basic: {
      samples: n,
      groups: groupCount,
      reward_mean: mean,
      reward_std: variance === null ? null : Math.sqrt(variance),
      mean_length: n ? len / n : null,
      length_unit: n > 0 && tokensN === n ? 'tokens' : 'chars',
    },
    extra: {
      effective_gradient_ratio: ratio(effectiveSamples, n),
      effective_prompt_ratio: ratio(mixedGroups, groupCount),
      all_correct_ratio: ratio(allCorrect, groupCount),
      all_wrong_ratio: ratio(allWrong, groupCount),
      zero_accuracy_ratio: ratio(allWrong, groupCount),
      clip_ratio: ratio(truncated, finishKnown),
      difficulty,
      mean_length_correct: ratio(lenCorrect, nCorrect),
      mean_length_wrong: ratio(lenWrong, n - nCorrect),
      mean_length_stopped: ratio(lenStopped, stopped),
      reflection:
        n > 0
          ? { mean_per_response: reflectSum / n, share_responses: reflectN / n, share_groups: reflectGroups / groupCount }
          : null,
      pass_at_k: passAt,
      singleton_groups: singletons,
    },
  };
}
