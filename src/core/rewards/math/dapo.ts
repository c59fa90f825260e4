// DAPO's math reward (docs/rewards.md#dapo, verl `math_dapo.py`): "Answer: …" extraction from the
// last 300 characters, Minerva-style `normalize_final_answer`, exact string equality, ±1.
// The spec names the SUBSTITUTIONS / REMOVED_EXPRESSIONS tables without listing them; the tables
// below are the Minerva paper's published normalisation, reconstructed (docs/rewards.md says so).

export const DAPO_SUBSTITUTIONS: ReadonlyArray<readonly [string, string]> = [
  ['an ', ''],
  ['a ', ''],
  ['.$', '$'],
  ['\\$', ''],
  ['\\ ', ''],
  [' ', ''],
  ['mbox', 'text'],
  [',\\text{and}', ','],
  ['\\text{and}', ','],
  ['\\text{m}', '\\text{}'],
];

export const DAPO_REMOVED_EXPRESSIONS: readonly string[] = [
  'square',
  'ways',
  'integers',
  'dollars',
  'mph',
  'inches',
  'hours',
  'km',
  'units',
  '\\ldots',
  'sue',
  'points',
  'feet',
  'minutes',
  'digits',
  'cents',
  'degrees',
  'cm',
  'gm',
  'pounds',
  'meters',
  'meals',
  'edges',
  'students',
  'childrentickets',
  'multiples',
  '\\text{s}',
  '\\text{.}',
  '\\text{\ns}',
  '\\text{}^2',
  '\\text{}^3',
  '\\text{\n}',
  '\\text{}',
  '\\mathrm{th}',
  '^\\circ',
  '^{\\circ}',
  '\\;',
  ',\\!',
  '{,}',
  '"',
  '\\dots',
];

/** Minerva's normalize_final_answer: the last "=" side, substitutions, unwrapping, shorthand TeX. */
export function normalizeFinalAnswer(answer: string): string {
  let s = answer.split('=').pop() as string;
  for (const [before, after] of DAPO_SUBSTITUTIONS) s = s.replaceAll(before, after);
  for (const expr of DAPO_REMOVED_EXPRESSIONS) s = s.replaceAll(expr, '');
  s = s.replace(/(.*?)(\$)(.*?)(\$)(.*)/g, '$$$3$$');
  s = s.replace(/(\\text\{)(.*?)(\})/g, '$2');
  s = s.replace(/(\\textbf\{)(.*?)(\})/g, '$2');
  s = s.replace(/(\\overline\{)(.*?)(\})/g, '$2');
  s = s.replace(/(\\boxed\{)(.*)(\})/g, '$2');
  s = s.replace(/(frac)([^{])(.)/g, 'frac{$2}{$3}');
  s = s.replace(/(sqrt)([^{])/g, 'sqrt{$2}');
  s = s.replaceAll('$', '');
  // "100,000" → "100000" when only digits remain without the commas (Python isdigit: non-empty).
  if (/^[0-9]+$/.test(s.replaceAll(',', ''))) s = s.replaceAll(',', '');
  return s.trim();
}

/** The last `\boxed{…}` / `\fbox{…}` including the wrapper, brace-balanced; null when absent or unclosed. */
export function lastBoxedOnlyString(text: string): string | null {
  let idx = text.lastIndexOf('\\boxed');
  if (idx < 0) {
    idx = text.lastIndexOf('\\fbox');
    if (idx < 0) return null;
  }
  let depth = 0;
  for (let i = idx; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return text.slice(idx, i + 1);
    }
  }
  return null;
}

/** `\boxed{x}` → x (also `\boxed x`); null when the wrapper is not a box. */
export function removeBoxed(s: string): string | null {
  if (s.startsWith('\\boxed ')) return s.slice('\\boxed '.length);
  if (s.startsWith('\\boxed{') && s.endsWith('}')) return s.slice('\\boxed{'.length, -1);
  if (s.startsWith('\\fbox{') && s.endsWith('}')) return s.slice('\\fbox{'.length, -1);
  return null;
}

export interface DapoResult {
  score: 1 | -1;
  acc: boolean;
  /** The extracted answer after normalisation ("[INVALID]" normalised when nothing matched). */
  pred: string | null;
}

const ANSWER = /Answer\s*:\s*([^\n]+)/gi;

/** Python's s[-n:], which counts code points, not UTF-16 units. */
export function lastCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  const cps = Array.from(s.slice(-2 * n));
  return cps.slice(-n).join('');
}

/** The last "Answer: …" line in the last 300 characters, or "[INVALID]". */
export function extractDapoAnswer(solution: string): string {
  let extracted = '[INVALID]';
  for (const m of lastCodePoints(solution, 300).matchAll(ANSWER)) extracted = m[1]!;
  return extracted;
}

/** verl math_dapo.compute_score(solution, ground_truth, strict_box_verify). */
export function dapoScore(solution: string, groundTruth: string, strictBoxVerify = false): DapoResult {
  if (strictBoxVerify) {
    const tail = lastCodePoints(solution, 100);
    const boxed = lastBoxedOnlyString(tail);
    const pred = boxed === null ? null : removeBoxed(boxed);
    const ok = pred === groundTruth;
    return { score: ok ? 1 : -1, acc: ok, pred };
  }
  const pred = normalizeFinalAnswer(extractDapoAnswer(solution));
  const ok = pred === normalizeFinalAnswer(groundTruth);
  return { score: ok ? 1 : -1, acc: ok, pred };
}
