// General-Reasoner's model-based verifier, the pure parts (docs/rewards.md#llm-verifier-general-reasoner): the byte-exact prompt,
// student-answer extraction and the score rule with its length-difference penalty.
import { extractLastBoxed } from '../math/qwenExtract';

/** VERIFIER_PROMPT_TEMPLATE (docs/rewards.md#llm-verifier-general-reasoner), byte for byte. */
export function verifierPrompt(question: string, groundTruth: string, studentAnswer: string): string {
  return (
    `User: ### Question: ${question}\n\n` +
    `### Ground Truth Answer: ${groundTruth}\n\n` +
    `### Student Answer: ${studentAnswer}\n\n` +
    "For the above question, please verify if the student's answer is equivalent to the ground truth answer.\n" +
    "Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.\n" +
    `If the student's answer is correct, output "Final Decision: Yes". If the student's answer is incorrect, output "Final Decision: No". Assistant:`
  );
}

export const PASS_MARK = 'Final Decision: Yes';

const CUES = ['Final Answer:', 'Final Answer is:', 'The answer is:', 'Answer:', 'Solution:', 'The solution is:'];
// Each cue is followed by a lazy run without "<<" up to a newline: an answer on the last line without
// a trailing newline is not found, as in the source.
const escapeRegex = (s: string): string => s.replace(/[.*+?^$|()[\]{}\\]/g, '\\$&');
const CUE_PATTERNS = CUES.map((c) => new RegExp(escapeRegex(c) + '\\s*((?:[^<]|<[^<])*?)\\n', 'gi'));
const END_MARKERS = ['</s>', '<|im_end|>', '<|endoftext|>'];

/** The student answer (docs/rewards.md#general-reasoner): the last box, else the cue match that starts last; null when none. */
export function extractStudentAnswer(text: string): string | null {
  const boxed = extractLastBoxed(text);
  if (boxed !== null) return boxed;
  let best: { start: number; value: string } | null = null;
  for (const re of CUE_PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (!best || m.index >= best.start) best = { start: m.index, value: m[1]! };
    }
  }
  if (!best) return null;
  let v = best.value.trim();
  for (let changed = true; changed;) {
    changed = false;
    for (const mark of END_MARKERS) {
      if (v.endsWith(mark)) {
        v = v.slice(0, -mark.length).trimEnd();
        changed = true;
      }
    }
  }
  return v;
}

export interface VerifierScore {
  score: number;
  passed: boolean;
  /** min(|len(tok(solution)) − len(tok(gt))|, 10) when passed, else null. */
  lengthDiff: number | null;
  /** What was shown to the verifier as the student answer. */
  shown: string;
}

/** The docs/rewards.md#llm-verifier-general-reasoner rule: −0.5 when extraction failed; +1 − 0.05·min(|Δlen|, 10) when the verdict passes. */
export function verifierScore(
  solution: string | null,
  groundTruth: string,
  verdict: string,
  tokenCount: (text: string) => number,
): VerifierScore {
  let score = 0;
  if (solution === null) score -= 0.5;
  const shown = solution ? solution : 'No Answer';
  const passed = verdict.includes(PASS_MARK);
  let lengthDiff: number | null = null;
  if (passed) {
    score += 1.0;
    lengthDiff = Math.min(Math.abs(tokenCount(shown) - tokenCount(groundTruth)), 10);
    score -= 0.05 * lengthDiff;
  }
  return { score, passed, lengthDiff, shown };
}

/** Word count: the default token count when the verifier's tokenizer is not given (approximate). */
export function approximateTokenCount(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
