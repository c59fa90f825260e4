// Math-Verify's LaTeX normalisation before parsing (latex2sympy2_extended math_normalization.py
// `normalize_latex`, with Math-Verify's default config: basic_latex, units, malformed_operators,
// nits, boxed = "all" or "last"). Ported step by step; docs/rewards.md cites the commit.
import { fixASlashB } from '../math/stripString';

export type BoxedMode = 'all' | 'last' | 'none';

// The source's unit words, verbatim (including its "integer" "point" → "integerpoint" join and
// the unescaped "." in "q .", which the source inserts into its regex as "any character").
const UNITS = [
  'integerpoint',
  'feet',
  'sue',
  'digit',
  'pound',
  'meal',
  'edge',
  'student',
  'children ticket',
  'multiple',
  'east',
  'degree',
  'mph',
  'kmph',
  'ft',
  'm square',
  ' m east',
  'sq m',
  'deg',
  'mile',
  'q .',
  'monkey',
  'prime',
  'ratio',
  'profit of rs',
  'rd',
  'o',
  'gm',
  'p . m',
  'lb',
  'tile',
  'per',
  'dm',
  'lt',
  'gain',
  'ab',
  'way',
  'west',
  'a .',
  'b .',
  'c .',
  'd .',
  'e .',
  'f .',
  'g .',
  'h .',
  't',
  'h',
  'no change',
  'men',
  'soldier',
  'pie',
  'bc',
  'excess',
  'st',
  'inches',
  'noon',
  'cent',
  'by',
  'gal',
  'kmh',
  'c',
  'acre',
  'rise',
  'a . m',
  'th',
  'π r 2',
  'sq',
  'mark',
  'l',
  'toy',
  'coin',
  'sq . m',
  'gallon',
  '° f',
  'profit',
  'minw',
  'yr',
  'women',
  'am',
  'pm',
  'hr',
  'cu cm',
  'square',
  'v â € ™',
  'are',
  'rupee',
  'rounds',
  'cubic',
  'cc',
  'mtr',
  's',
  'ohm',
  'number',
  'kmph',
  'day',
  'hour',
  'minute',
  'min',
  'second',
  'man',
  'woman',
  'sec',
  'cube',
  'mt',
  'sq inch',
  'mp',
  '∏ cm ³',
  'hectare',
  'more',
  'sec',
  'unit',
  'cu . m',
  'cm 2',
  'rs .',
  'rs',
  'kg',
  'g',
  'month',
  'km',
  'm',
  'cm',
  'mm',
  'apple',
  'liter',
  'loss',
  'yard',
  'pure',
  'year',
  'increase',
  'decrease',
  'd',
  'less',
  'Surface',
  'litre',
  'pi sq m',
  's .',
  'metre',
  'meter',
  'inch',
];
const UNITS_RE = new RegExp(`(\\d|\\}|\\s)\\s*(?:(?:${UNITS.join('|')})(?:s|es)?)\\s*$`);
const UNIT_SUPERSCRIPT = /(\\(?:text|mbox)\{.*?\})(\^\d|\{\^\d\})?$/;

const LEFT =
  /\\m?left(\\\{|\{|\\\||\||\[|\(|\\rbracl|\\lgroup|\\lbrace|\\lbrack|\\vert|\\lvert|\\lceil|\\lfloor|\\langle|\\llcorner|\\ulcorner)/g;
const RIGHT = /\\m?right(\\\}|\}|\\\||\||\]|\)|\\rbrack|\\rgroup|\\rbrace|\\vert|\\rvert|\\rceil|\\rfloor|\\rangle|\\lrcorner|\\urcorner)/g;
const PERMUTATION = /\(([a-zA-Z0-9+\-*/\\ ]+?)\)_\{([a-zA-Z0-9+\-*/\\ ]+?)\}/g;
const TO_REMOVE = /\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|(?<!\\)["']|\\displaystyle/g;

// One pass, first alternative wins at each position, as the source's single combined regex.
const REPLACEMENTS: ReadonlyArray<readonly [string, string]> = [
  ['\\\\math(?:rm|it|bf)', '\\text'],
  ['\\\\text(?:normal|bf|it|rm)', '\\text'],
  ['\\\\(?:d|t|c)frac', '\\frac'],
  ['\\s\\.', ' 0.'],
  ['\\{\\.', '{0.'],
  ['~=', '\\approx'],
  ['\\s*\\{\\s*,\\s*\\}', ','],
  ['(?<![a-zA-Z])(?:,?\\s*(?:and|or))(?![a-zA-Z])', ','],
  ['(?:,?\\s*\\\\text\\{\\s*(?:and|or)\\s*\\})', ','],
  ['(?<!\\\\)\\\\\\s', ' '],
  ['infinity', '\\infty'],
  [',?(?:\\\\ldots)', ' '],
  ['\\s*\\bpercentage\\b', '\\%'],
  ['\\\\text\\{percentage\\}', '%'],
  ['\\s*\\bpercent\\b', '\\%'],
  ['\\\\text\\{percent\\}', '%'],
  ['\\s*\\bpct\\b', '\\%'],
  ['\\\\text\\{pct\\}', '%'],
  ['(?:(?<!\\\\)inf(?!inity))', '\\infty'],
  [' sqrt', '\\sqrt'],
];
const REPLACE_RE = new RegExp(REPLACEMENTS.map(([p], i) => `(?<g${i}>${p})`).join('|'), 'g');

const MALFORMED: ReadonlyArray<readonly [RegExp, string]> = [
  [/\^\s?\((.*?)\)/g, '^{$1}'],
  [/sqrt\s?\((.*?)\)/g, '\\sqrt{$1}'],
  [/\\frac\s?(\d)\s?(\d+)/g, '\\frac{$1}{$2}'],
  [/\\log_\s?(\d)\s?(\d+)/g, '\\log_{$1}{$2}'],
  [/\\frac\s?\{(.*?)\}\s?(\d)/g, '\\frac{$1}{$2}'],
  [/\\frac\s?(\d)\s?\{(.*?)\}/g, '\\frac{$1}{$2}'],
  [/\\sqrt\s?(\d)/g, '\\sqrt{$1}'],
];

const SEPARATOR = /\b(and|or)\b|,|;/;
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** extract_boxed_content: every \boxed/\fbox from the right ("all"), or the last run of them ("last"). */
export function extractBoxedContent(text: string, mode: 'last' | 'all'): string {
  const results: string[] = [];
  let current = text.length;
  let lastStart: number | null = null;
  let maxPos = text.length;
  const close = (open: number, max: number): number | null => {
    let depth = 1;
    for (let i = open + 1; i < max; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return i;
    }
    return null;
  };
  for (;;) {
    // Python's rfind(x, 0, current): the occurrence must end by `current`.
    const bi = current >= 6 ? text.lastIndexOf('\\boxed', current - 6) : -1;
    const fi = current >= 5 ? text.lastIndexOf('\\fbox', current - 5) : -1;
    if (bi < 0 && fi < 0) break;
    const start = Math.max(bi, fi);
    let next = start + (bi > fi ? 6 : 5);
    while (next < maxPos && isSpace(text[next])) next++;
    if (next >= maxPos) break;
    if (text[next] !== '{') {
      if (results.length === 0) results.push(text.slice(next));
      break;
    }
    const end = close(next, maxPos);
    if (end === null) {
      if (results.length === 0) results.push(text.slice(next));
      break;
    }
    const content = text.slice(next + 1, end).trim();
    if (mode === 'last' && lastStart !== null) {
      const between = text.slice(end + 1, lastStart);
      const prev = results.at(-1) ?? '';
      const ok = between.length < 10 || (content !== prev && between.length < 70 && SEPARATOR.test(between));
      if (!ok) break;
    }
    if (results.at(-1) !== content) results.push(content);
    lastStart = start;
    maxPos = start;
    current = start;
  }
  return results.length ? results.reverse().join(',') : text;
}

function fixFracs(text: string): string {
  const parts = text.split('\\frac');
  let out = parts[0]!;
  for (const raw of parts.slice(1)) {
    const p = raw.replace(/^\s+/, '');
    out += '\\frac';
    if (p.length > 0 && p[0] === '{') out += p;
    else if (p.length < 2) return text;
    else out += p[1] !== '{' ? `{${p[0]}}{${p[1]}}${p.slice(2)}` : `{${p[0]}}${p.slice(1)}`;
  }
  return out;
}

function fixSqrt(text: string): string {
  if (!text.includes('\\sqrt')) return text;
  const parts = text.split('\\sqrt');
  let out = parts[0]!;
  for (const raw of parts.slice(1)) {
    const p = raw.replace(/^\s+/, '');
    out += p.length > 0 && p[0] !== '{' && p[0] !== '[' ? `\\sqrt{${p[0]}}${p.slice(1)}` : `\\sqrt${p}`;
  }
  return out;
}

/** normalize_latex(text, config) with Math-Verify's LatexExtractionConfig defaults. */
export function normalizeLatex(input: string, boxed: BoxedMode): string {
  let t = input;
  if (boxed !== 'none') t = extractBoxedContent(t, boxed);
  // basic_latex
  t = t.replaceAll('\\mathrm{T}', 'T').replaceAll('\\mathrm{d}', 'd').replaceAll('{\\rm d}', 'd');
  t = t.replaceAll('\\left[\\begin{matrix}', '\\begin{bmatrix}').replaceAll('\\end{matrix}\\right]', '\\end{bmatrix}');
  t = t.replace(LEFT, '$1').replace(RIGHT, '$1');
  t = t.replace(PERMUTATION, '\\frac{($1)!}{(($1)-($2))!}');
  t = t.replace(TO_REMOVE, '');
  t = t.replace(REPLACE_RE, (...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    const i = Object.keys(groups).findIndex((k) => groups[k] !== undefined);
    return REPLACEMENTS[i]![1];
  });
  t = t.replaceAll('\n', ' ').replaceAll('\t', ' ');
  if (!t.includes('matrix')) t = t.replace(/\\\\(?=[a-zA-Z])/g, '\\');
  // units
  let u = t.replace(UNIT_SUPERSCRIPT, '').trim();
  if (u !== '' && u !== t) t = u;
  for (let k = 0; k < 2; k++) {
    u = t.replace(UNITS_RE, '$1');
    if (u !== '' && u !== t) t = u;
  }
  // nits
  if (t.startsWith('.')) t = `0${t}`;
  if (t === '0.5') t = '\\frac{1}{2}';
  // malformed_operators
  for (const [re, to] of MALFORMED) t = t.replace(re, to);
  t = t.replaceAll(' sqrt', '\\sqrt');
  t = fixASlashB(fixFracs(fixSqrt(t)));
  return t.trim();
}
