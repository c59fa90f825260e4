// Step statistics from per-group aggregates (the columns of the groups table), so a step of
// thousands of samples costs one row per group. The one definition of each step metric: the store
// reads aggregates from SQLite, stepAnalysis builds them from sample rows. Definitions:
// docs/algorithms.md#step-metrics (Knapsack RL, SimpleRL-Zoo clip ratio, unbiased pass@k, Cog-Rethinker).
import { DIFFICULTY_BUCKETS, type DifficultyBucket, type StepStats } from '../../shared/rollout';
import type { StepSampleRow } from './stepMetrics';
import { sampleSuccess } from './success';
import { denoise } from '../../shared/format';
import {
  addJudging,
  brpoDropped,
  emptyJudgingCounts,
  judgingStats,
  type JudgingCounts,
  type JudgingSample,
  type JudgingStats,
} from './judgingAggregates';
import { addFilterMark, emptyFilterCounts, filterStats, type FilterCounts, type FilterStats } from './filterAggregates';

export interface GroupAggregate extends JudgingCounts, FilterCounts {
  size: number;
  reward_sum: number;
  reward_sumsq: number;
  reward_min: number | null;
  reward_max: number | null;
  /** Samples with R > 0 (Knapsack RL's "positive"). */
  positive_n: number;
  correct_n: number;
  correct_known: number;
  len_tokens_n: number;
  chars_sum: number;
  tokens_sum: number;
  /** Samples solved under the run's success rule (src/shared/success.ts), and length sums by it. */
  success_n: number;
  chars_correct: number;
  tokens_correct: number;
  chars_wrong: number;
  tokens_wrong: number;
  finish_known: number;
  truncated_n: number;
  stopped_n: number;
  chars_stopped: number;
  tokens_stopped: number;
  reflect_sum: number;
  reflect_n: number;
  /** Samples with a tool or environment turn (usesTools). */
  tool_n: number;
}

export { DIFFICULTY_BUCKETS, type DifficultyBucket };

/** The basic columns of a step (the first keys of `rollout-lens stats`). */
export type BasicStats = Omit<StepStats, 'step' | 'split'>;

export interface ExtraStats extends JudgingStats, FilterStats {
  /** Samples in groups whose rewards are not all equal ÷ all samples; a singleton is not effective. */
  effective_gradient_ratio: number | null;
  /** Groups with both a positive (R > 0) and a non-positive reward ÷ groups. */
  effective_prompt_ratio: number | null;
  all_positive_ratio: number | null;
  all_negative_ratio: number | null;
  /** Groups whose samples are all solved, under the run's success rule. */
  all_correct_ratio: number | null;
  all_wrong_ratio: number | null;
  /** Cog-Rethinker's zero-accuracy prompts (docs/algorithms.md#step-metrics): the same groups as all_wrong_ratio. */
  zero_accuracy_ratio: number | null;
  /** Share of samples with finish_reason "length" among those with a finish reason. */
  clip_ratio: number | null;
  difficulty: Record<DifficultyBucket, number>;
  mean_length_correct: number | null;
  mean_length_wrong: number | null;
  mean_length_stopped: number | null;
  reflection: { mean_per_response: number; share_responses: number; share_groups: number } | null;
  /** Unbiased pass@k per k ∈ {1, 2, 4, …} ≤ largest group, averaged over groups with ≥ k samples. */
  pass_at_k: Record<string, number>;
  /** Groups of one sample: their GRPO advantage is R/(1+ε), not 0 (docs/algorithms.md#advantages). */
  singleton_groups: number;
}

/** The bucket of a success rate p (docs/algorithms.md#step-metrics table). */
export function difficultyBucket(p: number): DifficultyBucket {
  if (p <= 0) return 'extremely_hard';
  if (p <= 0.2) return 'hard';
  if (p < 0.8) return 'medium';
  if (p < 1) return 'easy';
  return 'extremely_easy';
}

/** Unbiased pass@k = 1 − C(n−c, k)/C(n, k) (docs/algorithms.md#step-metrics), as a product to stay exact for large n. */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n || k < 1) return NaN;
  if (n - c < k) return 1;
  let ratio = 1;
  for (let i = 0; i < k; i++) ratio *= (n - c - i) / (n - i);
  return 1 - ratio;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function emptyAggregate(): GroupAggregate {
  return {
    size: 0,
    reward_sum: 0,
    reward_sumsq: 0,
    reward_min: null,
    reward_max: null,
    positive_n: 0,
    correct_n: 0,
    correct_known: 0,
    success_n: 0,
    len_tokens_n: 0,
    chars_sum: 0,
    tokens_sum: 0,
    chars_correct: 0,
    tokens_correct: 0,
    chars_wrong: 0,
    tokens_wrong: 0,
    finish_known: 0,
    truncated_n: 0,
    stopped_n: 0,
    chars_stopped: 0,
    tokens_stopped: 0,
    reflect_sum: 0,
    reflect_n: 0,
    tool_n: 0,
    ...emptyJudgingCounts(),
    ...emptyFilterCounts(),
  };
}

export interface AggregateSample {
  reward: number;
  correct: boolean | undefined;
  finishReason: string | undefined;
  lengthTokens: number | undefined;
  lengthChars: number;
  reflections?: number | undefined;
  /** Solved under the run's success rule (sampleOutcome in ./success). */
  success: boolean;
  /** A tool or environment answered in one of its turns. */
  toolUse?: boolean;
  /** BRPO, VeriFree and Cog-Rethinker fields, when logged. */
  judging?: Omit<JudgingSample, 'success'>;
  /** Trained on (1), filtered out by the trainer (0), or not known. */
  trained?: number | null;
}

/** The counts that depend on the success rule: re-counted alone when the rule changes (successStore.ts). */
export type OutcomeCounts = Pick<GroupAggregate, 'success_n' | 'chars_correct' | 'tokens_correct' | 'chars_wrong' | 'tokens_wrong'>;

/** Counts one sample as solved or not, with its lengths on that side. */
export function addOutcome(g: OutcomeCounts, success: boolean, chars: number, tokens: number): void {
  if (success) {
    g.success_n++;
    g.chars_correct += chars;
    g.tokens_correct += tokens;
  } else {
    g.chars_wrong += chars;
    g.tokens_wrong += tokens;
  }
}

/** Adds one sample to a group's aggregate (the ingest writer does this as rows arrive). */
export function addToAggregate(g: GroupAggregate, s: AggregateSample): void {
  const r = s.reward;
  g.size++;
  g.reward_sum += r;
  g.reward_sumsq += r * r;
  g.reward_min = g.reward_min === null ? r : Math.min(g.reward_min, r);
  g.reward_max = g.reward_max === null ? r : Math.max(g.reward_max, r);
  if (r > 0) g.positive_n++;
  if (s.correct !== undefined) {
    g.correct_known++;
    if (s.correct) g.correct_n++;
  }
  const tokens = s.lengthTokens ?? 0;
  if (s.lengthTokens !== undefined) g.len_tokens_n++;
  g.chars_sum += s.lengthChars;
  g.tokens_sum += tokens;
  addOutcome(g, s.success, s.lengthChars, tokens);
  if (s.finishReason !== undefined) {
    g.finish_known++;
    if (s.finishReason === 'length') g.truncated_n++;
    else if (s.finishReason === 'stop') {
      g.stopped_n++;
      g.chars_stopped += s.lengthChars;
      g.tokens_stopped += tokens;
    }
  }
  if (s.toolUse) g.tool_n++;
  if (s.reflections !== undefined) {
    g.reflect_sum += s.reflections;
    if (s.reflections > 0) g.reflect_n++;
  }
  if (s.judging) addJudging(g, { ...s.judging, success: s.success });
  addFilterMark(g, s.trained);
}

/** Aggregates sample rows by group (what the store keeps incrementally). */
export function aggregateRows(
  rows: readonly (StepSampleRow & { reflection_count?: number | null })[],
  threshold: number | null = null,
): GroupAggregate[] {
  const groups = new Map<number, GroupAggregate>();
  for (const r of rows) {
    let g = groups.get(r.group_id);
    if (!g) groups.set(r.group_id, (g = emptyAggregate()));
    addToAggregate(g, {
      reward: r.reward,
      correct: r.correct === null ? undefined : r.correct !== 0,
      finishReason: r.finish_reason ?? undefined,
      lengthTokens: r.length_tokens ?? undefined,
      lengthChars: r.length_chars,
      reflections: r.reflection_count ?? undefined,
      success: sampleSuccess(r, threshold),
    });
  }
  return [...groups.values()];
}

/**
 * The one definition of the effective-gradient rule (docs/algorithms.md#effective-gradient): a
 * group's samples count when its rewards are not all equal (popStd > 0, so not a singleton either,
 * as np.std of one value is 0 in KnapsackRL's compute_coverage_metric). Returns how many count.
 */
export function effectiveSamples(size: number, rewardMin: number | null, rewardMax: number | null): number {
  return size > 1 && rewardMin !== rewardMax ? size : 0;
}

/** effectiveSamples over a group's rewards. */
export function effectiveSamplesOf(rewards: readonly number[]): number {
  if (rewards.length === 0) return 0;
  return effectiveSamples(
    rewards.length,
    rewards.reduce((a, b) => Math.min(a, b)),
    rewards.reduce((a, b) => Math.max(a, b)),
  );
}

export function stepStatsFromGroups(all: readonly GroupAggregate[]): { basic: BasicStats; extra: ExtraStats } {
  const groups = all.filter((g) => g.size > 0);
  const t = emptyAggregate();
  let effective = 0;
  let mixed = 0;
  let allPos = 0;
  let allNeg = 0;
  let allCorrect = 0;
  let allWrong = 0;
  let reflectGroups = 0;
  let singletons = 0;
  let maxG = 0;
  const difficulty = Object.fromEntries(DIFFICULTY_BUCKETS.map((b) => [b, 0])) as Record<DifficultyBucket, number>;
  for (const g of groups) {
    for (const k of Object.keys(t) as Array<keyof GroupAggregate>) {
      if (k !== 'reward_min' && k !== 'reward_max') t[k] += g[k] as number;
    }
    maxG = Math.max(maxG, g.size);
    if (g.size === 1) singletons++;
    // A pairwise-judged group's advantages are its verdicts, not its (placeholder) rewards: it carries
    // gradient unless BRPO drops it.
    effective += g.judged_n > 0 ? (brpoDropped(g) ? 0 : g.size) : effectiveSamples(g.size, g.reward_min, g.reward_max);
    if (g.positive_n > 0 && g.positive_n < g.size) mixed++;
    if (g.positive_n === g.size) allPos++;
    if (g.positive_n === 0) allNeg++;
    const c = g.success_n;
    if (c === g.size) allCorrect++;
    if (c === 0) allWrong++;
    difficulty[difficultyBucket(c / g.size)]++;
    if (g.reflect_n > 0) reflectGroups++;
  }
  const n = t.size;
  const G = groups.length;
  const mean = n ? t.reward_sum / n : null;
  const variance = n > 1 ? Math.max(0, (t.reward_sumsq - n * mean! * mean!) / (n - 1)) : null;
  // Tokens only when every sample of the step has them; otherwise characters throughout.
  const tokens = n > 0 && t.len_tokens_n === n;
  const passAt: Record<string, number> = {};
  for (let k = 1; k <= maxG; k *= 2) {
    let acc = 0;
    let m = 0;
    for (const g of groups) {
      if (g.size < k) continue;
      acc += passAtK(g.size, g.success_n, k);
      m++;
    }
    if (m) passAt[String(k)] = acc / m;
  }
  return {
    basic: {
      samples: n,
      groups: G,
      reward_mean: mean,
      reward_std: variance === null ? null : denoise(Math.sqrt(variance), Math.sqrt(t.reward_sumsq / n)),
      mean_length: ratio(tokens ? t.tokens_sum : t.chars_sum, n),
      length_unit: tokens ? 'tokens' : 'chars',
    },
    extra: {
      effective_gradient_ratio: ratio(effective, n),
      effective_prompt_ratio: ratio(mixed, G),
      all_positive_ratio: ratio(allPos, G),
      all_negative_ratio: ratio(allNeg, G),
      all_correct_ratio: ratio(allCorrect, G),
      all_wrong_ratio: ratio(allWrong, G),
      zero_accuracy_ratio: ratio(allWrong, G),
      clip_ratio: ratio(t.truncated_n, t.finish_known),
      difficulty,
      mean_length_correct: ratio(tokens ? t.tokens_correct : t.chars_correct, t.success_n),
      mean_length_wrong: ratio(tokens ? t.tokens_wrong : t.chars_wrong, n - t.success_n),
      mean_length_stopped: ratio(tokens ? t.tokens_stopped : t.chars_stopped, t.stopped_n),
      reflection:
        n > 0 ? { mean_per_response: t.reflect_sum / n, share_responses: t.reflect_n / n, share_groups: reflectGroups / G } : null,
      pass_at_k: passAt,
      singleton_groups: singletons,
      ...judgingStats(groups),
      ...filterStats(groups),
    },
  };
}
