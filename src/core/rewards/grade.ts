// Grades one response against one ground truth with a named answer format: the `grade` command and
// the engine's "check this answer" request. Shows each step (extracted → normalised → verdict).
import { ErrorCode, LensError } from '../../shared/errors';
import { dapoScore, extractDapoAnswer, normalizeFinalAnswer } from './math/dapo';
import { extractAnswer, extractLastBoxed } from './math/qwenExtract';
import { WorkerSymbolicChecker } from './math/symbolic';
import { compareAnswers, normalizeGroundTruth } from './math/verdict';
import { extractStudentAnswer } from './verifier/generalReasoner';

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
    throw new LensError(
      ErrorCode.BadInput,
      `unknown answer format ${JSON.stringify(o.format)}; use ${ANSWER_FORMATS.join(', ')}`,
    );
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
    const eq =
      normalized === null
        ? { equal: false, stage: 'empty' as const }
        : await compareAnswers(normalized, gt, symbolic);
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
