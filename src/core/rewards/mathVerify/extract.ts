// Math-Verify's extraction (parser.py `lazy_latex_regex`, `lazy_expr_regex`,
// `extract_target_from_pred`): regexes grouped by priority (lower first); within a priority the
// rightmost match is tried first, and the first match that parses wins. Python's (?i:…) becomes
// explicit letter classes (Node 20 has no inline modifiers); (?P<n>…) becomes (?<n>…).

export type Target = 'latex' | 'expr';

export interface Pattern {
  re: RegExp;
  priority: number;
  target: Target;
}

/** "answer" → "[aA][nN]…": a case-insensitive word without the i flag. */
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c === ' ' ? ' ' : c)).join('');
}
const FINAL_ANSWER_IS = ci('final answer is');
const FINAL_ANSWER = ci('final answer');
const ANSWER = ci('answer');

function envPattern(prefix: string, context: 'boxed' | 'plain'): string {
  const percent = `(?<${prefix}percent>(?:\\\\?%|[Pp]ercent|[Pp]ercentage|[Pp]ct))`;
  let dd = '(?:[^$]|\\$(?!\\$))';
  let db = '(?:[^\\\\]|\\\\(?!\\]))';
  let id = '(?:\\\\[$]|[^\\n$])';
  let ip = '(?:[^\\\\\\n]|\\\\(?!\\)))';
  let ib = '[^\\n\\]\\[]';
  const boxed = (c: string): string => `${c}*?\\\\boxed\\{${c}+?\\}${c}*?`;
  if (context === 'boxed') [dd, db, id, ip, ib] = [boxed(dd), boxed(db), boxed(id), boxed(ip), boxed(ib)];
  else [dd, db, id, ip, ib] = [`${dd}+?`, `${db}+?`, `${id}+?`, `${ip}+?`, `${ib}+?`];
  const patterns = [
    `(?<!\\\\)\\$\\$(?<${prefix}latexDisplayDollar>${dd})(?<!\\\\)\\$\\$`,
    `(?<!\\\\)\\\\\\[(?<${prefix}latexDisplayBracket>${db})(?<!\\\\)\\\\\\]`,
    `(?<!\\\\|\\d)\\$(?<${prefix}latexInlineDollar>${id})(?<!\\\\)\\$`,
    `(?<!\\\\)\\\\\\((?<${prefix}latexInlineParenthesis>${ip})(?<!\\\\)\\\\\\)`,
    `\\s\\[(?<${prefix}latexInlineBracket>${ib})\\]\\s`,
  ];
  if (context === 'plain') {
    const num = '-?\\d+(?:[.,]\\d+)?';
    patterns.push(`(?<${prefix}latexFraction>-?\\\\frac\\{${num}\\}\\{${num}\\})`);
  }
  return `(?:(?:${patterns.join('|')})\\s*${percent}?)`;
}

/** The LaTeX target's patterns; boxedPriority −1 disables the boxed ones (source default 50). */
export function latexPatterns(boxedPriority: number): Pattern[] {
  const next = (context: 'boxed' | 'plain', lead: string): string =>
    [1, 2, 3, 4, 5].map((i) => `${lead}(?:\\s*(?:,?and|,?or|,)\\s*${envPattern(`next${i}_`, context)})?`).join('');
  const envs = `(?:${envPattern('first_', 'plain')}${next('plain', '')})`;
  const out: Array<[string, number]> = [
    [`${FINAL_ANSWER_IS}:?\\s*${envs}\\.?\\s?I hope`, 0],
    [`${FINAL_ANSWER}.{0,100}?\\s+is:?\\s*${envs}`, 50],
    [`${ANSWER}:.{0,50}?${envs}`, 100],
    [`${ANSWER}.{0,50}?${envs}`, 200],
    [envs, 300],
  ];
  if (boxedPriority >= 0) {
    out.push([`${envPattern('first_', 'boxed')}${next('boxed', '\\s*')}`, boxedPriority]);
    out.push(['(?<first_latexBoxed>\\\\boxed\\{.+\\})', boxedPriority]);
  }
  return out.map(([p, priority]) => ({ re: new RegExp(p, 'gs'), priority, target: 'latex' }));
}

/** The expression target's patterns (numbers with separators, currency and percent; 1/2-style expressions). */
export function exprPatterns(): Pattern[] {
  const number =
    '(?<!\\d)(?:' +
    '(?<integer1>-?[1-9]\\d{0,2}(?:[ ,]\\d{3})+)(?<decimal1>\\.\\d+)?|' +
    '(?<integer2>-?\\d+)(?<decimal2>[.,]\\d+)|' +
    '(?<decimal3>\\.\\d+)|' +
    '(?<integer3>-?\\d+)' +
    ')(?<percent>\\s*(?:%|[Pp]ercent|\\s*[Pp]ercentage|\\s*[Pp]ct))?';
  const ops = '\\+\\-\\*\\×\\/\\^\\(\\)\\÷';
  const chars = `[\\d\\.\\s${ops}]`;
  const expr = `(?<expr>-?\\(?-?\\d${chars}*[${ops}]${chars}+\\)?)`;
  const currency = '$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿'.replace(/[$]/g, '\\$');
  const prefix = '(?:^|\\s|=)(?:\\*\\*)?';
  const suffix = '(?:\\*\\*)?(?:\\.|,|:|\\s|\\)|\\$|$)';
  const exprAnchored = `(?:${prefix}${expr}${suffix})`;
  const numberAnchored = `(?:${prefix}[${currency}]?${number})`;
  const either = `(?:${exprAnchored}|${numberAnchored})`;
  const out: Array<[string, number]> = [
    [`${FINAL_ANSWER_IS}:?\\s*${either}\\.?\\s?I hope`, 0],
    [`${FINAL_ANSWER}.{0,100}?\\s+is:?${either}`, 50],
    [`${ANSWER}:(?:.{0,100}=\\s*|.{0,50}?)${either}(?!\\s*=)`, 100],
    [`${ANSWER}(?:.{0,100}=\\s*|.{0,50}?)${either}(?!\\s*=)`, 200],
    [exprAnchored, 300],
    [numberAnchored, 300],
  ];
  return out.map(([p, priority]) => ({ re: new RegExp(p, 'g'), priority, target: 'expr' }));
}

export interface Candidate {
  match: RegExpMatchArray;
  target: Target;
}

/**
 * Candidates in the order the source tries them: by priority, then rightmost end first, then
 * leftmost start. `tryOne` returns a value to stop, or null to go on; each priority group is
 * exhausted before the next. Returns the value and the first string the source keeps as fallback.
 */
export function extractFirst<V>(
  text: string,
  patterns: readonly Pattern[],
  tryOne: (c: Candidate) => { value: V | null; fallback: string },
): { value: V | null; fallback: string | null } {
  const priorities = [...new Set(patterns.map((p) => p.priority))].sort((a, b) => a - b);
  let fallback: string | null = null;
  for (const pr of priorities) {
    const found: Candidate[] = [];
    for (const p of patterns) {
      if (p.priority !== pr) continue;
      p.re.lastIndex = 0;
      for (const m of text.matchAll(p.re)) found.push({ match: m, target: p.target });
    }
    const end = (c: Candidate): number => c.match.index! + c.match[0].length;
    // Python's sorted(key=(end, -start), reverse=True) is stable, so equal keys keep their order.
    const order = found.map((c, i) => ({ c, i }));
    order.sort((x, y) => end(y.c) - end(x.c) || x.c.match.index! - y.c.match.index! || x.i - y.i);
    for (const { c } of order) {
      const r = tryOne(c);
      if (r.fallback && fallback === null) fallback = r.fallback;
      if (r.value !== null) return { value: r.value, fallback };
    }
  }
  return { value: null, fallback };
}
