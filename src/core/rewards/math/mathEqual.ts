// Qwen/Hendrycks `math_equal(pred, ref)` stages 1–7 (docs/rewards.md#math), then the symbolic stage
// (compute-engine, approximate) only when every string stage disagreed.
import type { SymbolicChecker } from './symbolic';

export type EqualityStage =
  'empty' | 'string' | 'choice' | 'numeric' | 'brackets' | 'tuple' | 'matrix' | 'equation' | 'symbolic' | 'different';

export interface EqualityResult {
  equal: boolean;
  /** The stage that decided; 'symbolic' verdicts are approximate vs sympy / math_verify. */
  stage: EqualityStage;
  /** How the symbolic stage decided (same, isEqual, numeric, timeout, …) when it ran. */
  symbolic?: string;
}

export interface MathEqualOptions {
  /** null: string and numeric stages only. */
  symbolic?: SymbolicChecker | null;
  /** Compare numbers also against ref/100 and ref·100 (the source's default). */
  includePercentage?: boolean;
  /**
   * qwenCompat=false: two bracketed answers must open and close with the same brackets, so
   * (0,1] ≠ [0,1) and [1,2] ≠ (1,2). The source strips brackets and says they are equal.
   */
  compareBrackets?: boolean;
}

/** Both wrapped in ( or [ … ) or ], with a different bracket at either end. */
export function bracketsDiffer(pred: string, ref: string): boolean {
  const wrapped = (s: string): boolean => /^[([]/.test(s) && /[)\]]$/.test(s) && s.length >= 2;
  return wrapped(pred) && wrapped(ref) && (pred[0] !== ref[0] || pred.at(-1) !== ref.at(-1));
}

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Python's float(str): surrounding whitespace, underscores between digits, inf and nan. */
export function pythonFloat(text: string): number | null {
  const s = text.trim();
  if (PY_FLOAT.test(s)) return Number(s.replaceAll('_', ''));
  const m = PY_SPECIAL.exec(s);
  if (!m) return null;
  if (m[2]!.toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** The source's parse_digits: commas dropped; a trailing % or \% divides by 100. */
export function parseDigits(text: string): number | null {
  let s = text.replaceAll(',', '');
  const direct = pythonFloat(s);
  if (direct !== null) return direct;
  if (!s.endsWith('%')) return null;
  s = s.slice(0, -1);
  if (s.endsWith('\\')) s = s.slice(0, -1);
  const v = pythonFloat(s);
  return v === null ? null : v / 100;
}

/** math.isclose(a, b, rel_tol=1e-4). */
export function isClose(a: number, b: number, relTol = 1e-4): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
}

/** Python's str.strip(chars). */
function stripChars(s: string, chars: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && chars.includes(s[i]!)) i++;
  while (j > i && chars.includes(s[j - 1]!)) j--;
  return s.slice(i, j);
}

/** The letter a multiple-choice prediction names: its last standalone A–E, else the cleaned text. */
export function choiceAnswer(pred: string): string {
  let p = stripChars(pred, '\n').replace(/\.+$/, '').replace(/\/+$/, '');
  p = stripChars(p, ' ').replace(/^:+/, '');
  const letters = p.toUpperCase().match(/\b[A-E]\b/g);
  const pick = letters ? letters[letters.length - 1]! : stripChars(p.trim(), '.');
  return pick.replace(/\.+$/, '').replace(/\/+$/, '');
}

const WRAPPED = /^(\(|\[).+(\)|\])/;
const MATRIX_OPEN = ['\\begin{pmatrix}', '\\begin{bmatrix}'];
const MATRIX_CLOSE = ['\\end{pmatrix}', '\\end{bmatrix}'];
const isMatrix = (s: string): boolean => MATRIX_OPEN.some((o) => s.startsWith(o)) && MATRIX_CLOSE.some((c) => s.endsWith(c));

function matrixRows(s: string): string[] {
  return s
    .slice('\\begin{pmatrix}'.length, s.length - '\\end{pmatrix}'.length)
    .split('\\\\')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Element-wise equality; `symbolic` reports a nested symbolic decision so the result stays labelled. */
async function allEqual(
  preds: readonly string[],
  refs: readonly string[],
  opts: MathEqualOptions,
): Promise<{ equal: boolean; symbolic?: string }> {
  if (preds.length !== refs.length) return { equal: false };
  let symbolic: string | undefined;
  for (let i = 0; i < preds.length; i++) {
    const r = await mathEqual(preds[i]!, refs[i]!, opts);
    if (!r.equal) return { equal: false };
    symbolic ??= r.symbolic;
  }
  return symbolic === undefined ? { equal: true } : { equal: true, symbolic };
}

/**
 * The string, numeric and structural stages; null when none decided and only the symbolic stage
 * is left. Synchronous, so a re-score pays for promises only when symbolic work is needed.
 */
export function mathEqualQuick(
  pred: string | null,
  ref: string | null,
  includePercentage = true,
  compareBrackets = false,
): EqualityResult | null {
  if (pred === null || ref === null) return { equal: false, stage: 'empty' };
  if (pred.trim().toLowerCase() === ref.trim().toLowerCase()) return { equal: true, stage: 'string' };
  if (['A', 'B', 'C', 'D', 'E'].includes(ref) && choiceAnswer(pred) === ref) return { equal: true, stage: 'choice' };
  const p = parseDigits(pred);
  const r = p === null ? null : parseDigits(ref);
  if (p !== null && r !== null) {
    const targets = includePercentage ? [r / 100, r, r * 100] : [r];
    // Both numeric and no match is final: the source has no symbolic fallback here.
    return { equal: targets.some((t) => isClose(p, t)), stage: 'numeric' };
  }
  if (pred === '') return { equal: false, stage: 'empty' };
  const pt = pred.trim();
  const rt = ref.trim();
  if (compareBrackets && bracketsDiffer(pt, rt)) return { equal: false, stage: 'brackets' };
  let ps = pt;
  let rs = rt;
  if ((pt.startsWith('[') && pt.endsWith(']') && !rt.startsWith('(')) || (pt.startsWith('(') && pt.endsWith(')') && !rt.startsWith('['))) {
    ps = stripChars(ps, '[]()');
    rs = stripChars(rs, '[]()');
  }
  ps = ps.replace(/[{}()]/g, '');
  rs = rs.replace(/[{}()]/g, '');
  if (ps.toLowerCase() === rs.toLowerCase()) return { equal: true, stage: 'brackets' };
  return null;
}

/** math_equal(pred, ref): stages 1–7 of docs/rewards.md#math, then the symbolic stage when a checker is given. */
export async function mathEqual(pred: string | null, ref: string | null, opts: MathEqualOptions = {}): Promise<EqualityResult> {
  const quick = mathEqualQuick(pred, ref, opts.includePercentage ?? true, opts.compareBrackets ?? false);
  if (quick) return quick;
  const pt = (pred as string).trim();
  const rt = (ref as string).trim();
  if (WRAPPED.test(pt) && WRAPPED.test(rt)) {
    const r = await allEqual(pt.slice(1, -1).split(','), rt.slice(1, -1).split(','), opts);
    if (r.equal) return { ...r, stage: 'tuple' };
  }
  if (isMatrix(pt) && isMatrix(rt)) {
    const pl = matrixRows(pt);
    const rl = matrixRows(rt);
    let row: { equal: boolean; symbolic?: string } = { equal: pl.length === rl.length };
    let symbolic: string | undefined;
    for (let i = 0; row.equal && i < pl.length; i++) {
      row = await allEqual(pl[i]!.split('&'), rl[i]!.split('&'), opts);
      symbolic ??= row.symbolic;
    }
    if (row.equal) return symbolic === undefined ? { equal: true, stage: 'matrix' } : { equal: true, stage: 'matrix', symbolic };
  }
  const sym = opts.symbolic ?? null;
  const pEq = pt.split('=').length - 1;
  const rEq = rt.split('=').length - 1;
  if (pEq === 1 && rEq === 1) {
    const diff = (s: string): string => {
      const [l, r] = s.split('=') as [string, string];
      return `${l.trim()} - (${r.trim()})`;
    };
    if (sym) {
      const a = await sym.equal(diff(pt), diff(rt));
      if (a.equal) return { equal: true, stage: 'equation', symbolic: a.how };
      const b = await sym.equal(`-(${diff(pt)})`, diff(rt));
      if (b.equal) return { equal: true, stage: 'equation', symbolic: b.how };
    }
  } else if (pEq === 1 && pt.split('=')[0]!.trim().length <= 2 && rEq === 0) {
    const r = await mathEqual(pt.split('=')[1]!, rt, opts);
    if (r.equal) return { ...r, stage: 'equation' };
  } else if (rEq === 1 && rt.split('=')[0]!.trim().length <= 2 && pEq === 0) {
    const r = await mathEqual(pt, rt.split('=')[1]!, opts);
    if (r.equal) return { ...r, stage: 'equation' };
  }
  if (sym) {
    const v = await sym.equal(pt, rt);
    return { equal: v.equal, stage: v.equal ? 'symbolic' : 'different', symbolic: v.how };
  }
  return { equal: false, stage: 'different' };
}
