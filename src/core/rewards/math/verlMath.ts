// verl's default MATH scorer (verl/utils/reward_score/math_reward.py, from lm-evaluation-harness's
// hendrycks_math): the last \boxed answer, then `is_equiv` = string equality after the Hendrycks
// `strip_string`. Ported with its exception paths, which decide real verdicts: when strip_string
// raises (an empty `\sqrt` or `\frac` tail, two "\text{ " units), the raw strings are compared.
import { lastBoxedOnlyString } from './dapo';
import { fixASlashB, fixFracs } from './stripString';

/** What Python would have raised; is_equiv catches it and falls back to raw equality. */
class PythonRaised extends Error {}

/** Python's str.replace: every occurrence. */
const rep = (s: string, from: string, to: string): string => s.split(from).join(to);

/** First character as Python indexes it (a code point, not a UTF-16 unit). */
function head(s: string): string {
  const c = s.codePointAt(0);
  if (c === undefined) throw new PythonRaised('string index out of range');
  return String.fromCodePoint(c);
}

function fixSqrt(s: string): string {
  if (!s.includes('\\sqrt')) return s;
  const [first, ...rest] = s.split('\\sqrt');
  let out = first!;
  for (const part of rest) {
    const a = head(part);
    out += a !== '{' ? `\\sqrt{${a}}${part.slice(a.length)}` : `\\sqrt${part}`;
  }
  return out;
}

function removeRightUnits(s: string): string {
  // The source asserts "\text{ " occurs at most once.
  if (!s.includes('\\text{ ')) return s;
  const parts = s.split('\\text{ ');
  if (parts.length !== 2) throw new PythonRaised('AssertionError');
  return parts[0]!;
}

/** Hendrycks `fix_fracs`: raises on an empty tail after `\frac` (the source indexes substr[0]). */
function hendrycksFixFracs(s: string): string {
  if (
    s
      .split('\\frac')
      .slice(1)
      .some((p) => p === '')
  )
    throw new PythonRaised('string index out of range');
  return fixFracs(s);
}

/** Hendrycks `strip_string`; throws PythonRaised where the source raises. */
export function hendrycksStripString(input: string): string {
  let s = rep(input, '\n', '');
  s = rep(s, '\\!', '');
  s = rep(s, '\\\\', '\\');
  s = rep(rep(s, 'tfrac', 'frac'), 'dfrac', 'frac');
  s = rep(rep(s, '\\left', ''), '\\right', '');
  s = rep(rep(s, '^{\\circ}', ''), '^\\circ', '');
  s = rep(s, '\\$', '');
  s = removeRightUnits(s);
  s = rep(rep(s, '\\\\%', ''), '\\%', '');
  s = rep(rep(s, ' .', ' 0.'), '{.', '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = `0${s}`;
  const eq = s.split('=');
  if (eq.length === 2 && Array.from(eq[0]!).length <= 2) s = eq[1]!;
  s = fixSqrt(s);
  s = rep(s, ' ', '');
  s = hendrycksFixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  return fixASlashB(s);
}

export type VerlMathStage = 'no-box' | 'unboxable' | 'normalized' | 'raw';

export interface VerlEquiv {
  equal: boolean;
  /** normalized: both strings stripped and compared; raw: strip_string raised, raw strings compared. */
  stage: 'normalized' | 'raw';
  normalized: [string, string] | null;
}

/** is_equiv(str1, str2). */
export function verlIsEquiv(a: string, b: string): VerlEquiv {
  try {
    const na = hendrycksStripString(a);
    const nb = hendrycksStripString(b);
    return { equal: na === nb, stage: 'normalized', normalized: [na, nb] };
  } catch (e) {
    if (!(e instanceof PythonRaised)) throw e;
    return { equal: a === b, stage: 'raw', normalized: null };
  }
}

/**
 * last_boxed_only_string: a "\boxed " (with a space) anywhere wins over any later \boxed{…}; else
 * the last \boxed (or \fbox) with its first balanced brace group; null when none or unclosed.
 */
export function verlLastBoxedOnlyString(text: string): string | null {
  if (text.includes('\\boxed ')) return `\\boxed ${text.split('\\boxed ').at(-1)!.split('$')[0]!}`;
  // Otherwise the same last brace-balanced \boxed / \fbox as DAPO's (both verl utils share it).
  return lastBoxedOnlyString(text);
}

/** remove_boxed; null where the source's assertions fail (e.g. every \fbox{…}: scored 0). */
export function verlRemoveBoxed(s: string): string | null {
  if (s.includes('\\boxed ')) return s.startsWith('\\boxed ') ? s.slice('\\boxed '.length) : null;
  if (!s.startsWith('\\boxed{') || !s.endsWith('}')) return null;
  return s.slice('\\boxed{'.length, -1);
}

export interface VerlMathResult {
  score: 0 | 1;
  /** The content of the last box (null: no box, or one remove_boxed rejects). */
  extracted: string | null;
  stage: VerlMathStage;
  normalized: [string, string] | null;
}

/** verl math_reward.compute_score(solution_str, ground_truth). */
export function verlMathScore(solution: string, groundTruth: string): VerlMathResult {
  const boxed = verlLastBoxedOnlyString(solution);
  if (boxed === null) return { score: 0, extracted: null, stage: 'no-box', normalized: null };
  const answer = verlRemoveBoxed(boxed);
  if (answer === null) return { score: 0, extracted: null, stage: 'unboxable', normalized: null };
  const eq = verlIsEquiv(answer, groundTruth);
  return { score: eq.equal ? 1 : 0, extracted: answer, stage: eq.stage, normalized: eq.normalized };
}
