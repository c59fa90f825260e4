// Python's text semantics where ported reward parsers depend on them: `str.strip()` and `\s` use
// Python's whitespace set (it has \x1c–\x1f and \x85, JavaScript's has \ufeff instead), `\d` and `\b`
// are Unicode-aware for str patterns, and `int()` reads any Unicode decimal digit. JavaScript's `\d`
// and `\b` are ASCII-only, so a full-width "３" would otherwise parse differently from the source.

/** Characters for which Python's `str.isspace()` is true (the same set as `\s` in a str pattern). */
export const PY_SPACE = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

/** Python's `\d` in a str pattern: any Unicode decimal digit (use with the `u` flag). */
export const PY_DIGIT = '\\p{Nd}';

/** Python's `\w` in a str pattern: `str.isalnum()` or underscore (use with the `u` flag). */
export const PY_WORD = '[\\p{L}\\p{N}_]';

const LEADING_SPACE = new RegExp(`^${PY_SPACE}+`, 'u');
const TRAILING_SPACE = new RegExp(`${PY_SPACE}+$`, 'u');

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

const IS_DIGIT = /^\p{Nd}$/u;

/**
 * The value of one Unicode decimal digit, as Python's `int()` reads it. Every Nd block is a run of
 * 0–9 sequences starting at a zero, so the value is the distance from the start of the run, mod 10.
 */
export function digitValue(ch: string): number {
  let cp = ch.codePointAt(0) as number;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  const start = cp;
  while (cp > 0 && IS_DIGIT.test(String.fromCodePoint(cp - 1))) cp--;
  return (start - cp) % 10;
}

/** A run of Unicode decimal digits as a number (Python `int()` on a string of digits). */
export function digitsValue(s: string): number {
  let n = 0;
  for (const ch of s) n = n * 10 + digitValue(ch);
  return n;
}

const INT_TEXT = new RegExp(`^([+-]?)(${PY_DIGIT}+(?:_${PY_DIGIT}+)*)$`, 'u');

/**
 * Python's `int(x)` for a value decoded from JSON: bools are 0/1, floats truncate toward zero,
 * strings are base-10 integers (whitespace around, a sign, Unicode digits, single underscores between
 * digits). Null where Python raises (non-finite floats, other strings, lists, objects, None).
 */
export function pyInt(v: unknown): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v !== 'string') return null;
  const m = INT_TEXT.exec(pyStrip(v));
  if (!m) return null;
  const n = digitsValue(m[2]!.replace(/_/g, ''));
  return m[1] === '-' ? -n : n;
}
