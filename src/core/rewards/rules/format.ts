// Format rewards: SimpleRL-Zoo's correctness × boxed tables (docs/rewards.md#simplerl) and the
// `<think>…</think><answer>…</answer>` structure check.

export const SIMPLERL_MODES = ['mix', 'independent', 'legacy'] as const;
export type SimpleRLMode = (typeof SIMPLERL_MODES)[number];

/**
 * mix / independent: hf_math_verify.py (REWORD_FUNCTION_TYPE); legacy: simplelr_math.py's table.
 * `formatPenalty` is FORMAT_PENALTY_VALUE (default −1), used by `independent` for wrong ∧ unboxed and by
 * `legacy` wherever the answer is unboxed or wrong-and-unboxed.
 */
export function simpleRLReward(mode: SimpleRLMode, correct: boolean, boxed: boolean, formatPenalty = -1): number {
  switch (mode) {
    case 'mix':
      return correct ? 1 : 0;
    case 'independent':
      if (correct) return boxed ? 1 : 0.5;
      return boxed ? -0.5 : formatPenalty;
    case 'legacy':
      if (correct) return boxed ? 1 : formatPenalty;
      return boxed ? -0.5 : formatPenalty;
  }
}

const THINK_ANSWER_STRICT = /^\s*<think>[\s\S]*?<\/think>\s*<answer>[\s\S]*?<\/answer>\s*$/;
const THINK_ANSWER_LOOSE = /<think>[\s\S]*?<\/think>\s*<answer>[\s\S]*?<\/answer>/;

/** True when the response is `<think>…</think>` then `<answer>…</answer>` (strict: nothing around them). */
export function hasThinkAnswerFormat(response: string, strict = true): boolean {
  return (strict ? THINK_ANSWER_STRICT : THINK_ANSWER_LOOSE).test(response);
}
