// Rule-based answer rewards: Qwen/SimpleRL math, SimpleRL-Zoo's format tables, DAPO, and
// General-Reasoner's extraction checked with the same equality stages.
import { z } from 'zod';
import { defineReward, perSampleFunction, type RewardFactory } from '../factory';
import { dapoScore } from '../math/dapo';
import { DEFAULT_UNIT_TEXTS, type StripOptions } from '../math/stripString';
import { WorkerSymbolicChecker, type SymbolicChecker } from '../math/symbolic';
import {
  compareAnswers,
  describeEquality,
  equalityStage,
  GroundTruthCache,
  mathVerdict,
  normalizeGroundTruth,
  type MathVerdict,
} from '../math/verdict';
import { SIMPLERL_MODES, simpleRLReward } from '../rules/format';
import { extractStudentAnswer } from '../verifier/generalReasoner';
import type { RewardInput, RewardOutput } from '../types';

const compiles = (u: string): boolean => {
  try {
    new RegExp(u, 'u');
    return true;
  } catch {
    return false;
  }
};

const equalityOptions = {
  /** Keep the source's quirks (unit letters, "and" removal, kept quotes). */
  qwenCompat: z.boolean().default(true),
  skipUnit: z.boolean().default(false),
  /** The unit words of strip_string step 7; null = the spec's single letters (docs/rewards.md). */
  units: z
    .array(z.string().min(1))
    .nullable()
    .default(null)
    .refine((us) => us === null || us.every(compiles), {
      message: 'each unit is used as a regular expression (as in the source) and must compile',
    }),
  symbolic: z.boolean().default(true),
  symbolicTimeoutMs: z.number().int().min(10).max(600_000).default(5000),
};

interface EqualityConfig {
  qwenCompat: boolean;
  skipUnit: boolean;
  units: string[] | null;
  symbolic: boolean;
  symbolicTimeoutMs: number;
}

function stripOptions(c: EqualityConfig): StripOptions {
  return { qwenCompat: c.qwenCompat, skipUnit: c.skipUnit, units: c.units ?? DEFAULT_UNIT_TEXTS };
}

function checkerFor(c: EqualityConfig): SymbolicChecker | null {
  return c.symbolic ? new WorkerSymbolicChecker(c.symbolicTimeoutMs) : null;
}

function requireGroundTruth(s: RewardInput): string {
  if (s.ground_truth === null || s.ground_truth === undefined) throw new Error('the sample has no ground_truth to compare with');
  return s.ground_truth;
}

const mathSchema = z.strictObject({
  ...equalityOptions,
  correct: z.number().default(1),
  wrong: z.number().default(0),
});

export const mathReward: RewardFactory = defineReward({
  id: 'math',
  description: 'Qwen/SimpleRL math answer check: extract_answer + strip_string + math_equal, symbolic stage when strings disagree',
  source: 'docs/rewards.md#math (qwen_math_eval_toolkit parser.py / grader.py)',
  exactness: 'port',
  schema: mathSchema,
  create(c) {
    const symbolic = checkerFor(c);
    const strip = stripOptions(c);
    const gts = new GroundTruthCache(strip);
    return perSampleFunction({
      id: 'math',
      config: c,
      description: mathReward.description,
      exactness: 'port',
      one(s) {
        const toOutput = (v: MathVerdict): RewardOutput => {
          const ok = v.equality.equal;
          return {
            score: ok ? c.correct : c.wrong,
            correct: ok,
            extracted: v.extracted.answer,
            components: {
              correct: ok ? 1 : 0,
              boxed: v.extracted.boxed ? 1 : 0,
              ...(v.equality.symbolic ? { symbolic: 1 } : {}),
            },
            rationale: describeEquality(v.equality),
            ...equalityStage(v.equality),
          };
        };
        const v = mathVerdict(s.response, requireGroundTruth(s), strip, symbolic, gts);
        return v instanceof Promise ? v.then(toOutput) : toOutput(v);
      },
      dispose: async () => symbolic?.dispose(),
    });
  },
});

export const simpleRLRewardFactory: RewardFactory = defineReward({
  id: 'simplerl',
  description: 'SimpleRL-Zoo correctness × \\boxed format table: mix (hf_math_verify default), independent, legacy (simplelr_math.py)',
  source: 'docs/rewards.md#simplerl (simpleRL-reason hf_math_verify.py, simplelr_math.py); correctness as in `math`',
  exactness: 'approximate',
  variantKey: 'mode',
  variants: SIMPLERL_MODES,
  schema: z.strictObject({
    ...equalityOptions,
    mode: z.enum(SIMPLERL_MODES).default('mix'),
    formatPenalty: z.number().default(-1),
  }),
  create(c) {
    const symbolic = checkerFor(c);
    const strip = stripOptions(c);
    const gts = new GroundTruthCache(strip);
    return perSampleFunction({
      id: 'simplerl',
      config: c,
      description: simpleRLRewardFactory.description,
      exactness: 'approximate',
      async one(s) {
        const v = await mathVerdict(s.response, requireGroundTruth(s), strip, symbolic, gts);
        const ok = v.equality.equal;
        const boxed = v.extracted.boxed;
        return {
          score: simpleRLReward(c.mode, ok, boxed, c.formatPenalty),
          correct: ok,
          extracted: v.extracted.answer,
          components: { correct: ok ? 1 : 0, boxed: boxed ? 1 : 0 },
          rationale: `${c.mode}: ${describeEquality(v.equality)}; ${boxed ? 'boxed' : 'no \\boxed{}'}`,
          ...equalityStage(v.equality),
        };
      },
      dispose: async () => symbolic?.dispose(),
    });
  },
});

export const dapoReward: RewardFactory = defineReward({
  id: 'dapo',
  description: 'DAPO math reward: "Answer:" in the last 300 characters, Minerva normalisation, exact match, ±1',
  source: 'docs/rewards.md#dapo (verl utils/reward_score/math_dapo.py)',
  exactness: 'port',
  schema: z.strictObject({ strictBoxVerify: z.boolean().default(false) }),
  create(c) {
    return perSampleFunction({
      id: 'dapo',
      config: c,
      description: dapoReward.description,
      exactness: 'port',
      one(s) {
        const r = dapoScore(s.response, requireGroundTruth(s), c.strictBoxVerify);
        return {
          score: r.score,
          correct: r.acc,
          ...(r.pred !== null ? { extracted: r.pred } : {}),
          components: { acc: r.acc ? 1 : 0 },
          stage: 'exact-match',
          approximate: false,
        };
      },
    });
  },
});

export const generalReasonerReward: RewardFactory = defineReward({
  id: 'general-reasoner',
  description: 'General-Reasoner student-answer extraction (last box, else the last "Answer:"-style line) checked like `math`',
  source: 'docs/rewards.md#general-reasoner (General-Reasoner verifier.py extraction); equality as in `math`',
  exactness: 'approximate',
  schema: z.strictObject({
    ...equalityOptions,
    correct: z.number().default(1),
    wrong: z.number().default(0),
  }),
  create(c) {
    const symbolic = checkerFor(c);
    const strip = stripOptions(c);
    return perSampleFunction({
      id: 'general-reasoner',
      config: c,
      description: generalReasonerReward.description,
      exactness: 'approximate',
      async one(s) {
        const raw = extractStudentAnswer(s.response);
        if (raw === null)
          return {
            score: c.wrong,
            correct: false,
            components: { correct: 0, extracted: 0 },
            rationale: 'no answer found',
            stage: 'empty',
            approximate: false,
          };
        const answer = normalizeGroundTruth(raw, strip);
        const eq = await compareAnswers(answer, normalizeGroundTruth(requireGroundTruth(s), strip), symbolic, strip);
        return {
          score: eq.equal ? c.correct : c.wrong,
          correct: eq.equal,
          extracted: answer,
          components: { correct: eq.equal ? 1 : 0, extracted: 1 },
          rationale: describeEquality(eq),
          ...equalityStage(eq),
        };
      },
      dispose: async () => symbolic?.dispose(),
    });
  },
});
