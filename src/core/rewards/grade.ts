// Grades one response against one ground truth with a named answer format: the `grade` command and
// the engine's "check this answer" request. Shows each step (extracted → normalised → verdict).
import { ErrorCode, LensError } from '../../shared/errors';
import { dapoScore, extractDapoAnswer, normalizeFinalAnswer } from './math/dapo';
import { extractAnswer, extractLastBoxed } from './math/qwenExtract';
import { WorkerSymbolicChecker } from './math/symbolic';
import { compareAnswers, normalizeGroundTruth } from './math/verdict';
import { extractStudentAnswer } from './verifier/generalReasoner';
import { createScorer } from './scorer';
import { parseRewardSpec } from './spec';
import type { JsonObject } from './types';

export const ANSWER_FORMATS = ['math', 'dapo', 'general-reasoner'] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

export interface GradeOptions {
  format: AnswerFormat;
  response: string;
  groundTruth: string;
  /** math / general-reasoner: run the compute-engine stage when strings disagree (default true). */
  symbolic?: boolean;
  symbolicTimeoutMs?: number;
  qwenCompat?: boolean;
}

export interface GradeResult {
  /** What the format's extraction rule picked, before normalisation (null: nothing found). */
  extracted: string | null;
  normalized: string | null;
  ground_truth_normalized: string;
  correct: boolean;
  /** SimpleRL's format check: extract_last_boxed found a \boxed{}. */
  boxed: boolean;
  /** Which stage decided; "symbolic" verdicts are approximate vs Python math_verify. */
  stage: string;
  approximate: boolean;
}

export async function grade(o: GradeOptions): Promise<GradeResult> {
  if (!(ANSWER_FORMATS as readonly string[]).includes(o.format)) {
    throw new LensError(ErrorCode.BadInput, `unknown answer format ${JSON.stringify(o.format)}; use ${ANSWER_FORMATS.join(', ')}`);
  }
  const boxed = extractLastBoxed(o.response) !== null;
  if (o.format === 'dapo') {
    const raw = extractDapoAnswer(o.response);
    const r = dapoScore(o.response, o.groundTruth);
    return {
      extracted: raw === '[INVALID]' ? null : raw,
      normalized: r.pred,
      ground_truth_normalized: normalizeFinalAnswer(o.groundTruth),
      correct: r.acc,
      boxed,
      stage: 'exact',
      approximate: false,
    };
  }
  const strip = { qwenCompat: o.qwenCompat ?? true };
  const symbolic = o.symbolic === false ? null : new WorkerSymbolicChecker(o.symbolicTimeoutMs ?? 5000);
  try {
    const gt = normalizeGroundTruth(o.groundTruth, strip);
    let raw: string | null;
    let normalized: string | null;
    if (o.format === 'math') {
      const ex = extractAnswer(o.response, strip);
      raw = ex.raw;
      normalized = ex.answer;
    } else {
      raw = extractStudentAnswer(o.response);
      normalized = raw === null ? null : normalizeGroundTruth(raw, strip);
    }
    const eq = normalized === null ? { equal: false, stage: 'empty' as const } : await compareAnswers(normalized, gt, symbolic, strip);
    return {
      extracted: raw,
      normalized,
      ground_truth_normalized: gt,
      correct: eq.equal,
      boxed,
      stage: eq.stage,
      approximate: 'symbolic' in eq && eq.symbolic !== undefined,
    };
  } finally {
    await symbolic?.dispose();
  }
}

export interface SpecGradeOptions {
  /** Any reward spec (`math-verify`, `0.9*verl-math + 0.1*format:boxed`, a JSON file, …). */
  reward: string;
  response: string;
  groundTruth: string;
  prompt?: string;
  /** Functions that run user code or models are refused when false. */
  trusted: boolean;
  /** Relative paths in the spec resolve against this folder. */
  baseDir?: string;
}

export interface SpecGradeResult {
  /** The spec as stored with a re-score set: canonical label. */
  reward: string;
  score: number | null;
  correct: boolean | null;
  extracted: string | null;
  /** The stage that decided the verdict (null when the function does not say). */
  stage: string | null;
  /** True when that stage approximates its source (e.g. compute-engine standing in for sympy). */
  approximate: boolean;
  /** True when any term of the spec is approximate, a model or an external program. */
  spec_approximate: boolean;
  components: Record<string, number>;
  rationale: string | null;
  /** Why the sample could not be scored (the grader threw, no ground truth, …). */
  error: string | null;
}

/** Scores one response with a whole reward spec, exactly as a re-score would score that sample. */
export async function gradeWithSpec(o: SpecGradeOptions): Promise<SpecGradeResult> {
  const spec = parseRewardSpec(o.reward, o.baseDir !== undefined ? { baseDir: o.baseDir } : {});
  const scorer = await createScorer(spec, { trusted: o.trusted, baseDir: o.baseDir ?? process.cwd() });
  try {
    const extra: JsonObject = { length_chars: Array.from(o.response).length };
    const [out] = await scorer.score([
      { id: '1', prompt: o.prompt ?? '', response: o.response, ground_truth: o.groundTruth, data_source: null, extra },
    ]);
    if (!out) throw new LensError(ErrorCode.Internal, 'the reward spec returned no result');
    return {
      reward: scorer.label,
      score: out.score,
      correct: out.correct ?? null,
      extracted: out.extracted ?? null,
      stage: out.stage ?? null,
      approximate: out.approximate === true,
      spec_approximate: scorer.approximate,
      components: out.components ?? {},
      rationale: out.rationale ?? null,
      error: out.error ?? null,
    };
  } finally {
    await scorer.dispose();
  }
}
