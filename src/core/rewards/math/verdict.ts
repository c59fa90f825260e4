// One answer check shared by the math-family rewards and `grade`: extract, normalise both sides,
// compare with math_equal's stages, and say which stage decided (symbolic = approximate).
import { extractAnswer, type ExtractedAnswer } from './qwenExtract';
import { mathEqual, mathEqualQuick, type EqualityResult } from './mathEqual';
import { stripString, type StripOptions } from './stripString';
import type { SymbolicChecker } from './symbolic';

/** The ground truth as the Qwen eval sees it: a boxed solution is extracted, a bare answer stripped. */
export function normalizeGroundTruth(gt: string, opts: StripOptions = {}): string {
  return gt.includes('boxed') ? extractAnswer(gt, opts).answer : stripString(gt, opts);
}

export interface MathVerdict {
  extracted: ExtractedAnswer;
  groundTruth: string;
  equality: EqualityResult;
}

/** Compares an already-extracted answer; synchronous unless the symbolic stage has to run. */
export function compareAnswers(
  answer: string,
  groundTruth: string,
  symbolic: SymbolicChecker | null,
  strip: StripOptions = {},
): EqualityResult | Promise<EqualityResult> {
  // The bracket quirk is one of the source's, so only qwenCompat=false fixes it.
  const compareBrackets = strip.qwenCompat === false;
  return mathEqualQuick(answer, groundTruth, true, compareBrackets) ?? mathEqual(answer, groundTruth, { symbolic, compareBrackets });
}

/** Ground truths repeat G times per group and across epochs: normalise each once. */
export class GroundTruthCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly strip: StripOptions) {}
  get(gt: string): string {
    let v = this.map.get(gt);
    if (v === undefined) {
      if (this.map.size >= 10_000) this.map.clear();
      v = normalizeGroundTruth(gt, this.strip);
      this.map.set(gt, v);
    }
    return v;
  }
}

/** Extract and compare; a promise only when the symbolic stage has to run. */
export function mathVerdict(
  response: string,
  groundTruth: string,
  strip: StripOptions,
  symbolic: SymbolicChecker | null,
  gtCache?: GroundTruthCache,
): MathVerdict | Promise<MathVerdict> {
  const extracted = extractAnswer(response, strip);
  const gt = gtCache ? gtCache.get(groundTruth) : normalizeGroundTruth(groundTruth, strip);
  const eq = compareAnswers(extracted.answer, gt, symbolic, strip);
  return eq instanceof Promise
    ? eq.then((equality) => ({ extracted, groundTruth: gt, equality }))
    : { extracted, groundTruth: gt, equality: eq };
}

/** A short reason for the results table: which stage decided, flagged when it is approximate. */
export function describeEquality(r: EqualityResult): string {
  if (r.symbolic !== undefined) {
    return `${r.equal ? 'equal' : 'not equal'} at the ${r.stage} stage via compute-engine (${r.symbolic}; approximate vs Python sympy/math_verify)`;
  }
  return `${r.equal ? 'equal' : 'not equal'} at the ${r.stage} stage`;
}

/** The stage and its exactness, for a reward result: only compute-engine decisions are approximate. */
export function equalityStage(r: EqualityResult): { stage: string; approximate: boolean } {
  return { stage: r.stage, approximate: r.symbolic !== undefined };
}
