// Group counts and step statistics for rewards without a verifier (docs/algorithms.md#rewards-without-a-verifier):
// BRPO's dropped groups, preference and skew under the default rule; the share of p(reference) = 0
// (VeriFree); and the zero-accuracy prompts each Cog-Rethinker stage rescued. The ingest writer adds
// these counts to the groups table as samples arrive, so a step's statistics never read its samples.
import { BRPO_TAU } from '../../shared/judgedAdvantages';
import type { Stage } from '../../shared/judging';

export interface JudgingCounts {
  /** Samples with a BRPO verdict (the reference's 0 included). */
  judged_n: number;
  verdict_sum: number;
  /** Non-reference samples judged, and how many of them beat the reference. */
  against_n: number;
  won_n: number;
  p_n: number;
  p_sum: number;
  p_zero_n: number;
  direct_n: number;
  direct_success_n: number;
  decompose_n: number;
  decompose_success_n: number;
  reflect_stage_n: number;
  reflect_success_n: number;
}

export function emptyJudgingCounts(): JudgingCounts {
  return {
    judged_n: 0,
    verdict_sum: 0,
    against_n: 0,
    won_n: 0,
    p_n: 0,
    p_sum: 0,
    p_zero_n: 0,
    direct_n: 0,
    direct_success_n: 0,
    decompose_n: 0,
    decompose_success_n: 0,
    reflect_stage_n: 0,
    reflect_success_n: 0,
  };
}

export interface JudgingSample {
  /** BRPO verdict under the default rule: 1, −1, 0 for the reference, null when not judged. */
  verdict?: number | null;
  reference?: boolean;
  /** p(reference), when the reward is one (VeriFree). */
  p?: number | null;
  stage?: Stage | null;
  success: boolean;
}

const STAGE_COUNTS = {
  direct: ['direct_n', 'direct_success_n'],
  decompose: ['decompose_n', 'decompose_success_n'],
  reflect: ['reflect_stage_n', 'reflect_success_n'],
} as const satisfies Record<Stage, readonly [keyof JudgingCounts, keyof JudgingCounts]>;

export function addJudging(g: JudgingCounts, s: JudgingSample): void {
  if (s.verdict !== undefined && s.verdict !== null) {
    g.judged_n++;
    g.verdict_sum += s.verdict;
    if (!s.reference) {
      g.against_n++;
      if (s.verdict > 0) g.won_n++;
    }
  }
  if (s.p !== undefined && s.p !== null) {
    g.p_n++;
    g.p_sum += s.p;
    if (s.p === 0) g.p_zero_n++;
  }
  if (s.stage) {
    const [n, ok] = STAGE_COUNTS[s.stage];
    g[n]++;
    if (s.success) g[ok]++;
  }
}

/** What a step's judged groups show; each part is null when no sample of the step logged it. */
export interface JudgingStats {
  /** BRPO under the default rule (τ = 0.6, win every vote, a tie loses): groups dropped, mean preference, mean |skew|. */
  brpo: { groups: number; dropped_ratio: number; mean_preference: number | null; mean_abs_skew: number } | null;
  /** VeriFree: mean p(reference) and the share of samples with p = 0 (no answer part, or truncated). */
  p_reference: { samples: number; mean: number; zero_ratio: number } | null;
  /** Cog-Rethinker: prompts whose direct rollouts all failed, and how many of them each later stage rescued. */
  rescued: { zero_accuracy: number; decompose: number; reflect: number } | null;
}

/** A judged group's BRPO skew and whether it is dropped, from its verdict sum (default rule). */
export function brpoOfGroup(verdictSum: number, size: number): { skew: number; dropped: boolean } {
  const skew = size ? Math.abs(verdictSum) / size : 0;
  return { skew, dropped: skew > BRPO_TAU };
}

/** BRPO drops a judged group whose |Σ verdicts| / G passes τ (default rule). */
export function brpoDropped(g: Pick<JudgingCounts, 'verdict_sum'> & { size: number }): boolean {
  return g.size > 0 && Math.abs(g.verdict_sum) / g.size > BRPO_TAU;
}

export function judgingStats(groups: ReadonlyArray<JudgingCounts & { size: number }>): JudgingStats {
  let judged = 0;
  let dropped = 0;
  let skewSum = 0;
  let against = 0;
  let won = 0;
  let pN = 0;
  let pSum = 0;
  let pZero = 0;
  let staged = 0;
  let zero = 0;
  let byDecompose = 0;
  let byReflect = 0;
  for (const g of groups) {
    if (g.judged_n > 0) {
      judged++;
      skewSum += Math.abs(g.verdict_sum) / g.size;
      if (brpoDropped(g)) dropped++;
      against += g.against_n;
      won += g.won_n;
    }
    pN += g.p_n;
    pSum += g.p_sum;
    pZero += g.p_zero_n;
    if (g.direct_n + g.decompose_n + g.reflect_stage_n > 0) staged++;
    if (g.direct_n > 0 && g.direct_success_n === 0) {
      zero++;
      if (g.decompose_success_n > 0) byDecompose++;
      else if (g.reflect_success_n > 0) byReflect++;
    }
  }
  return {
    brpo: judged
      ? {
          groups: judged,
          dropped_ratio: dropped / judged,
          mean_preference: against ? won / against : null,
          mean_abs_skew: skewSum / judged,
        }
      : null,
    p_reference: pN ? { samples: pN, mean: pSum / pN, zero_ratio: pZero / pN } : null,
    rescued: staged ? { zero_accuracy: zero, decompose: byDecompose, reflect: byReflect } : null,
  };
}
