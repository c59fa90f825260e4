// Advantages of rewards without a verifier (docs/algorithms.md#rewards-without-a-verifier): BRPO's
// verdicts against a bootstrapped reference (Writing-Zero), the mean of per-model normalised
// advantages (LongWriter-Zero) and RLOO on p(reference) (VeriFree). Pure and shared: the engine, the
// CLI and the group view compute them the same way.
import { outcomeAdvantageValues } from './advantages';
import type { AnswerProbability, PairwiseVote } from './judging';

/** Writing-Zero's skew threshold: a group with |Σ A| / G above it is dropped. */
export const BRPO_TAU = 0.6;

export interface BrpoOptions {
  /** Drop the group when |Σ A| / G > tau. */
  tau?: number;
  /** What a tied vote counts as; unspecified by the paper, so `lose` (the stricter reading) by default. */
  ties?: 'win' | 'lose';
  /** `all`: +1 only when the sample wins every vote, both orders (the third-party trainer's rule); `majority`: more than half. */
  rule?: 'all' | 'majority';
}

export interface BrpoGroup {
  /** Per sample: +1 beat the reference, −1 did not, 0 the reference; null for a sample with no votes. */
  verdicts: Array<number | null>;
  /** The advantages: the verdicts, or all 0 when the group is dropped (a sample with no votes gets 0). */
  advantages: number[];
  /** |Σ verdicts| / G, over the whole group (the reference included in G). */
  skew: number;
  dropped: boolean;
  /** Share of the judged non-reference samples that beat the reference (null when none was judged). */
  preference: number | null;
}

/** One sample's verdict from its votes: +1 when it wins under the rule, else −1; null with no votes. */
export function brpoVerdict(votes: readonly Pick<PairwiseVote, 'win'>[], opts: BrpoOptions = {}): number | null {
  if (votes.length === 0) return null;
  const tieWins = (opts.ties ?? 'lose') === 'win';
  const wins = votes.filter((v) => v.win === true || (v.win === null && tieWins)).length;
  const won = (opts.rule ?? 'all') === 'all' ? wins === votes.length : wins * 2 > votes.length;
  return won ? 1 : -1;
}

/**
 * BRPO for one group: `reference` is the reference's index (null when none was logged: every sample
 * then has no verdict), `votes[i]` sample i's votes against it (ignored for the reference).
 */
export function brpoAdvantages(
  reference: number | null,
  votes: ReadonlyArray<readonly Pick<PairwiseVote, 'win'>[] | null>,
  opts: BrpoOptions = {},
): BrpoGroup {
  const g = votes.length;
  const verdicts = votes.map((v, i) => (i === reference ? 0 : reference === null || v === null ? null : brpoVerdict(v, opts)));
  let sum = 0;
  let judged = 0;
  let won = 0;
  verdicts.forEach((v, i) => {
    if (v === null) return;
    sum += v;
    if (i === reference) return;
    judged++;
    if (v > 0) won++;
  });
  const skew = g === 0 ? 0 : Math.abs(sum) / g;
  const dropped = skew > (opts.tau ?? BRPO_TAU);
  return {
    verdicts,
    advantages: verdicts.map((v) => (dropped || v === null ? 0 : v)),
    skew,
    dropped,
    preference: judged === 0 ? null : won / judged,
  };
}

export interface MultiRmGroup {
  /** Each model's GRPO-normalised advantage per sample. */
  perModel: Record<string, number[]>;
  /** Σ w_k · A_k / Σ w_k per sample: the plain mean of the models' advantages when every weight is 1. */
  advantages: number[];
  /** Each model's weighted share of each sample's advantage: w_k · A_k / Σ w (they sum to the advantage). */
  contributions: Record<string, number[]>;
}

/**
 * LongWriter-Zero's advantage: each reward model's scores are normalised within the group (GRPO,
 * (R − μ)/(s + ε)), then averaged across models, weighted. A sample missing a model's score counts
 * as 0 for it; weights default to 1.
 */
export function multiRmAdvantages(
  components: ReadonlyArray<Readonly<Record<string, number>> | null | undefined>,
  models: readonly string[],
  weights: Readonly<Record<string, number>> = {},
): MultiRmGroup {
  const perModel: Record<string, number[]> = {};
  const contributions: Record<string, number[]> = {};
  const total = models.reduce((s, m) => s + (weights[m] ?? 1), 0);
  const advantages = components.map(() => 0);
  for (const m of models) {
    const a = outcomeAdvantageValues(
      components.map((c) => c?.[m] ?? 0),
      'grpo',
    );
    perModel[m] = a;
    const w = weights[m] ?? 1;
    contributions[m] = a.map((x) => (total === 0 ? 0 : (w * x) / total));
    contributions[m].forEach((x, i) => (advantages[i] = (advantages[i] as number) + x));
  }
  return { perModel, advantages, contributions };
}

/** VeriFree's reward: p(reference), or exp(logp) when only the log-probability was logged; 0 for no answer part. */
export function answerReward(p: Pick<AnswerProbability, 'p' | 'logp'>): number {
  return Number.isFinite(p.p) ? p.p : p.logp === null ? 0 : Math.exp(p.logp);
}

/** VeriFree's advantage: RLOO on the rewards, (R − μ)·G/(G − 1); a singleton keeps A = R. */
export function verifreeAdvantages(rewards: readonly number[]): number[] {
  return outcomeAdvantageValues(rewards, 'rloo');
}
