// The graders trainers ship by default, as named specs: verl's MATH scorer and Math-Verify (TRL's
// accuracy_reward, open-r1). Each result says which stage decided and whether it is approximate.
import { z } from 'zod';
import { defineReward, perSampleFunction, type RewardFactory } from '../factory';
import { verlMathScore } from '../math/verlMath';
import { isApproximateStage, MathVerifyGrader, MATH_VERIFY_DEFAULTS } from '../mathVerify/grader';
import type { RewardInput } from '../types';

function requireGroundTruth(s: RewardInput): string {
  if (s.ground_truth === null || s.ground_truth === undefined) throw new Error('the sample has no ground_truth to compare with');
  return s.ground_truth;
}

export const verlMathReward: RewardFactory = defineReward({
  id: 'verl-math',
  description: "verl's default MATH scorer: last \\boxed answer, is_equiv after the Hendrycks strip_string, 1 or 0",
  source: 'volcengine/verl verl/utils/reward_score/math_reward.py @ b178a3c (docs/rewards.md)',
  exactness: 'port',
  schema: z.strictObject({}),
  create(c) {
    return perSampleFunction({
      id: 'verl-math',
      config: c,
      description: verlMathReward.description,
      exactness: 'port',
      one(s) {
        const r = verlMathScore(s.response, requireGroundTruth(s));
        const why =
          r.stage === 'no-box'
            ? 'no closed \\boxed answer'
            : r.stage === 'unboxable'
              ? 'the last box is not \\boxed{…} (remove_boxed rejects it)'
              : r.stage === 'raw'
                ? `strip_string raised; raw strings ${r.score ? 'equal' : 'differ'}`
                : `${JSON.stringify(r.normalized![0])} ${r.score ? '=' : '≠'} ${JSON.stringify(r.normalized![1])} after strip_string`;
        return {
          score: r.score,
          correct: r.score === 1,
          ...(r.extracted !== null ? { extracted: r.extracted } : {}),
          components: { correct: r.score },
          rationale: why,
          stage: r.stage,
          approximate: false,
        };
      },
    });
  },
});

export const mathVerifyReward: RewardFactory = defineReward({
  id: 'math-verify',
  description:
    'Math-Verify (TRL accuracy_reward, open-r1): gold and answer both extracted and parsed; sets, intervals, relations, matrices, percentages compared',
  source: 'huggingface/Math-Verify src/math_verify/{parser,grader}.py @ 5d148cf (docs/rewards.md)',
  exactness: 'approximate',
  schema: z.strictObject({
    /** Extraction targets for both sides (the source's LatexExtractionConfig / ExprExtractionConfig). */
    targets: z
      .array(z.enum(['latex', 'expr']))
      .min(1)
      .default(['latex', 'expr']),
    /** 50 = parse()'s default; 0 = boxed first, as TRL's accuracy_reward asks for the prediction. */
    boxedMatchPriority: z.number().int().min(-1).default(MATH_VERIFY_DEFAULTS.boxedMatchPriority),
    floatRounding: z.number().int().min(0).max(15).default(MATH_VERIFY_DEFAULTS.floatRounding),
    strict: z.boolean().default(true),
    allowSetRelationComp: z.boolean().default(false),
    symbolicTimeoutMs: z.number().int().min(10).max(600_000).default(MATH_VERIFY_DEFAULTS.symbolicTimeoutMs),
    correct: z.number().default(1),
    wrong: z.number().default(0),
  }),
  create(c) {
    const grader = new MathVerifyGrader(c);
    return perSampleFunction({
      id: 'math-verify',
      config: c,
      description: mathVerifyReward.description,
      exactness: 'approximate',
      async one(s) {
        const r = await grader.grade(requireGroundTruth(s), s.response);
        const how = r.how !== undefined ? ` (compute-engine: ${r.how})` : '';
        return {
          score: r.equal ? c.correct : c.wrong,
          correct: r.equal,
          ...(r.prediction.text !== null ? { extracted: r.prediction.text } : {}),
          components: { correct: r.equal ? 1 : 0, extracted: r.prediction.text !== null ? 1 : 0 },
          rationale: `${r.equal ? `equal at the ${r.stage} stage` : 'not equal'}${how}; gold parsed as ${JSON.stringify(r.gold.text)}`,
          stage: r.stage,
          approximate: isApproximateStage(r.stage),
        };
      },
      dispose: () => grader.dispose(),
    });
  },
});
