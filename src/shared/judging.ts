// Rewards that no rule checks (docs/native-format.md#judges-reward-models-and-preference): a pairwise
// judge's verdicts against a group's reference (Writing-Zero BRPO), several reward models averaged per
// model (LongWriter-Zero) and the policy's own probability of the reference answer (VeriFree). Shared
// by the engine (ingest, views, CLI) and the webviews, which show these as they were logged.

/** Which of the pair came first in the judge's prompt: `ab` = this sample first, the reference second. */
export const VOTE_ORDERS = ['ab', 'ba'] as const;
export type VoteOrder = (typeof VOTE_ORDERS)[number];

/** One call of the pairwise judge: the order, whether this sample won (null = a tie), both scores and the critique. */
export interface PairwiseVote {
  order: VoteOrder;
  win: boolean | null;
  /** This sample's score (Writing-Zero's GenRM gives 0–10). */
  score?: number;
  /** The reference's score in the same call. */
  against_score?: number;
  /** The judge's principles and critique: untrusted model text, shown as text. */
  critique?: string;
}

/** A sample's pairwise record: the group's reference, or its votes against the reference (an index in the group). */
export type Pairwise = { reference: true } | { against: number; votes: PairwiseVote[] };

export function isReference(p: Pairwise | null | undefined): p is { reference: true } {
  return p !== null && p !== undefined && 'reference' in p;
}

/** Several reward models whose scores are the sample's components of these names, each normalised in the group, then averaged. */
export interface RewardModels {
  models: string[];
  /** The length model's predicted range, in words (LongWriter-Zero), and the component that scores it. */
  length_range?: [number, number];
}

/** A reward that is the policy's probability of the reference answer (VeriFree). */
export interface AnswerProbability {
  /** p(reference) in [0, 1]; 0 when the response had no `<answer` or was truncated. */
  p: number;
  /** The log-probability it came from, when logged; null for −∞ (no answer part). */
  logp: number | null;
  /** The character offset in the response where the answer part (`<answer`) starts; null when there is none. */
  answer_offset: number | null;
}

/** Cog-Rethinker's rollout stages: a zero-accuracy prompt is re-rolled by decomposing, then by reflecting. */
export const STAGES = ['direct', 'decompose', 'reflect'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Words as LongWriter counts them (THUDM/LongWriter evaluation/pred.py `count_words` @ca6ccd4): each
 * character in U+4E00–U+9FFF, plus each run of ASCII letters standing alone between Python's Unicode
 * word boundaries (so `abc中` and `x2` count no English word, and `don't` counts two). Its length
 * model predicts ranges in these words, not tokens.
 */
export function countWords(text: string): number {
  const cjk = text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
  const latin = text.match(/(?<![\p{L}\p{N}_])[a-zA-Z]+(?![\p{L}\p{N}_])/gu)?.length ?? 0;
  return cjk + latin;
}
