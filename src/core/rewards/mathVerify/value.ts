// The structure latex2sympy2_extended builds from a normalised answer (its PS.g4 grammar: `math`,
// `set_elements`, `interval`, `ordered_tuple`, `finite_set`, relations, ±), rebuilt without sympy:
// sets, tuples, intervals, unions, relations and matrices are ours; the expressions at the leaves
// are LaTeX that compute-engine compares. null = "latex2sympy would not parse this".

export type RelOp = '=' | '<' | '>' | '<=' | '>=' | '!=';

export type Value =
  | { k: 'expr'; tex: string; pct?: boolean }
  | { k: 'sym'; name: string }
  | { k: 'set'; items: Value[] }
  | { k: 'tuple'; items: Value[] }
  | { k: 'interval'; lo: Value; hi: Value; lopen: boolean; ropen: boolean }
  | { k: 'union'; parts: Value[] }
  | { k: 'rel'; op: RelOp; lhs: Value; rhs: Value }
  | { k: 'and'; rels: Array<Extract<Value, { k: 'rel' }>> }
  | { k: 'matrix'; rows: Value[][] };

const OPEN = '([{';
const CLOSE = ')]}';

/** Splits at top-level occurrences of `sep` (brackets of any kind nest; `\{` counts as a brace). */
export function splitTop(s: string, sep: string | RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
      continue;
    }
    if (c === '\\') {
      // A command name is one token: "\in" must not be split inside "\infty".
      const m = /^\\[a-zA-Z]+/.exec(s.slice(i));
      if (m) {
        if (depth === 0 && typeof sep !== 'string' && new RegExp(`^(?:${sep.source})$`).test(m[0])) {
          parts.push(s.slice(start, i));
          start = i + m[0].length;
        }
        i += m[0].length - 1;
        continue;
      }
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    else if (depth === 0 && typeof sep === 'string' && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** True when the first character's bracket closes at the last character. */
function wrapsWhole(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
    } else if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    if (depth === 0 && i < s.length - 1) return false;
  }
  return depth === 0;
}

// Commands latex2sympy knows (enough for answers); an unknown one makes the parse fail, as in the
// source, which then retries with the last "=" side (parser.py parse_latex_cached).
const KNOWN = new Set(
  (
    'frac sqrt pi cdot times div pm mp infty text mbox le leq ge geq lt gt ne neq approx in notin cup cap setminus ' +
    'emptyset varnothing sin cos tan sec csc cot arcsin arccos arctan sinh cosh tanh log ln exp lg circ degree ' +
    'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi omicron rho sigma ' +
    'tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega mathbb boxed ' +
    'begin end quad qquad binom dbinom tbinom overline hat vec bar tilde mathbf operatorname sum prod int lim to ' +
    'cdots dots equiv pmod bmod mod angle perp parallel sim cong lfloor rfloor lceil rceil langle rangle neg ' +
    'land lor forall exists prime partial nabla ell imath mathrm mathit vert Vert mid colon ast star min max gcd ' +
    'lcm det arg Re Im sqrt overrightarrow underline dot ddot triangle square fbox'
  ).split(' '),
);

function unknownCommand(s: string): boolean {
  for (const m of s.matchAll(/\\([a-zA-Z]+)/g)) if (!KNOWN.has(m[1]!)) return true;
  return false;
}

const REL_RE = /\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|\\neq?(?![a-zA-Z])|\\lt(?![a-zA-Z])|\\gt(?![a-zA-Z])|<=|>=|!=|=|<|>/g;
const REL_OF: Record<string, RelOp> = {
  '\\le': '<=',
  '\\leq': '<=',
  '<=': '<=',
  '\\ge': '>=',
  '\\geq': '>=',
  '>=': '>=',
  '\\ne': '!=',
  '\\neq': '!=',
  '!=': '!=',
  '\\lt': '<',
  '<': '<',
  '\\gt': '>',
  '>': '>',
  '=': '=',
};

/** Top-level relation operators and the operands between them. */
function splitRelations(s: string): { operands: string[]; ops: RelOp[] } {
  const operands: string[] = [];
  const ops: RelOp[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    if (depth !== 0) continue;
    REL_RE.lastIndex = i;
    const m = REL_RE.exec(s);
    if (m && m.index === i) {
      operands.push(s.slice(start, i));
      ops.push(REL_OF[m[0]]!);
      start = i + m[0].length;
      i = start - 1;
    } else if (c === '\\') {
      const cmd = /^\\[a-zA-Z]+/.exec(s.slice(i));
      if (cmd) i += cmd[0].length - 1;
    }
  }
  operands.push(s.slice(start));
  return { operands, ops };
}

const THOUSANDS = /^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$/;
const LETTERS = /^[A-Za-z]+$/;

function leaf(tex: string): Value | null {
  let t = tex.trim();
  if (t === '') return null;
  if (/^\\text\{[^{}]*\}$/.test(t))
    return {
      k: 'sym',
      name: t
        .slice(6, -1)
        .trim()
        .replace(/^\((.*)\)$/, '$1'),
    };
  if (LETTERS.test(t)) return { k: 'sym', name: t };
  if (t.endsWith('\\%') || t.endsWith('%')) {
    const x = t.replace(/\\?%$/, '').trim();
    if (x === '') return null;
    return { k: 'expr', tex: `\\frac{${x}}{100}`, pct: true };
  }
  // A ratio a:b is a quotient for latex2sympy.
  const ratio = splitTop(t, ':');
  if (ratio.length === 2) t = `\\frac{${ratio[0]}}{${ratio[1]}}`;
  return { k: 'expr', tex: t };
}

function parseMatrix(s: string): Value | null {
  const m = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s.trim());
  if (!m || /\\(?:begin|end)\{/.test(m[2]!)) return null;
  const rows = m[2]!
    .split('\\\\')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const cells = rows.map((r) => r.split('&').map((c) => parse(c)));
  if (cells.some((r) => r.some((c) => c === null))) return null;
  return { k: 'matrix', rows: cells as Value[][] };
}

const MATRIX_SPAN = /\\begin\{([pbvBV]?matrix|array)\}[\s\S]*?\\end\{\1\}/g;

/** M₁ + M₂ and M₁ M₂ of literal matrices, entry by entry, as compute-engine LaTeX. */
function matrixArithmetic(s: string): Value | null {
  const spans = [...s.matchAll(MATRIX_SPAN)];
  if (spans.length < 2) return null;
  const between = spans.slice(1).map((m, i) => s.slice(spans[i]!.index! + spans[i]![0].length, m.index).trim());
  if (s.slice(0, spans[0]!.index).trim() !== '' || s.slice(spans.at(-1)!.index! + spans.at(-1)![0].length).trim() !== '') return null;
  const ms = spans.map((m) => parseMatrix(m[0]));
  if (ms.some((m) => m === null || m.k !== 'matrix')) return null;
  const tex = (v: Value): string | null => (v.k === 'expr' ? v.tex : v.k === 'sym' ? v.name : null);
  let acc = (ms[0] as Extract<Value, { k: 'matrix' }>).rows.map((r) => r.map(tex));
  for (let j = 1; j < ms.length; j++) {
    const b = (ms[j] as Extract<Value, { k: 'matrix' }>).rows.map((r) => r.map(tex));
    const op = between[j - 1]!;
    if (op === '+' || op === '-') {
      if (acc.length !== b.length || acc.some((r, i) => r.length !== b[i]!.length)) return null;
      acc = acc.map((r, i) => r.map((x, c) => `(${x})${op}(${b[i]![c]})`));
    } else if (op === '' || op === '\\cdot' || op === '\\times') {
      if (acc[0]!.length !== b.length) return null;
      acc = acc.map((r) => b[0]!.map((_, c) => r.map((x, k) => `(${x})(${b[k]![c]})`).join('+')));
    } else return null;
  }
  if (acc.some((r) => r.some((x) => x === null || x.includes('null')))) return null;
  return { k: 'matrix', rows: acc.map((r) => r.map((x) => ({ k: 'expr', tex: x! }))) };
}

function all(parts: string[]): Value[] | null {
  const out = parts.map((p) => parse(p));
  return out.some((v) => v === null) ? null : (out as Value[]);
}

function relationValue(operands: string[], ops: RelOp[]): Value | null {
  const vals = all(operands);
  if (!vals) return null;
  const rels = ops.map((op, i) => ({ k: 'rel' as const, op, lhs: vals[i]!, rhs: vals[i + 1]! }));
  return rels.length === 1 ? rels[0]! : { k: 'and', rels };
}

/** Parses one normalised answer; null where latex2sympy would raise. */
export function parse(input: string): Value | null {
  // Spacing commands are whitespace to latex2sympy's lexer, even glued to a letter ("\quadx");
  // \( \) and \[ \] are its "visual" brackets.
  let s = input
    .replace(/\\q?quad|(?<!\\)\\[,;:! ]/g, ' ')
    .replace(/\\\(/g, '(')
    .replace(/\\\)/g, ')')
    .replace(/\\\[/g, '[')
    .replace(/\\\]/g, ']')
    .trim();
  if (s === '' || unknownCommand(s)) return null;
  if (/\\begin\{(?:align|cases|equation|tabular)/.test(s)) return null;
  if (!MATRIX_SPAN.test(s) && (s.includes('&') || s.includes('\\\\'))) return null;
  MATRIX_SPAN.lastIndex = 0;
  // \approx: "x ≈ 11" reads as x = 11; "x = 1/3 ≈ 1.3" keeps what comes before the ≈.
  const approx = splitTop(s, /\\approx/);
  if (approx.length > 1) {
    if (LETTERS.test(approx[0]!.trim()) && approx.length === 2) s = `${approx[0]}=${approx[1]}`;
    else s = approx[0]!;
  }
  const inParts = splitTop(s, /\\in/);
  if (inParts.length === 2 && inParts[0]!.trim() !== '') return parse(inParts[1]!);
  const semis = splitTop(s, ';');
  if (semis.length > 1) {
    const items = all(semis);
    return items && { k: 'set', items };
  }
  const commas = splitTop(s, ',');
  if (commas.length > 1) {
    if (THOUSANDS.test(s)) return { k: 'expr', tex: s.replaceAll(',', '').trim() };
    const items = commas.map((c) => c.trim()).filter((c) => c !== '');
    const first = splitRelations(items[0]!);
    // set_elements_relation: "a = 1, 2, 3" is a = {1, 2, 3}.
    if (first.ops.length === 1 && items.slice(1).every((p) => splitRelations(p).ops.length === 0)) {
      const lhs = parse(first.operands[0]!);
      const rest = all([first.operands[1]!, ...items.slice(1)]);
      if (!lhs || !rest) return null;
      return { k: 'rel', op: first.ops[0]!, lhs, rhs: { k: 'set', items: rest } };
    }
    const vals = all(items);
    return vals && { k: 'set', items: vals };
  }
  const rel = splitRelations(s);
  if (rel.ops.length > 0) return relationValue(rel.operands, rel.ops);
  const union = splitTop(s, /\\cup/);
  if (union.length > 1) {
    const parts = all(union);
    return parts && { k: 'union', parts };
  }
  const pm = splitTop(s, /\\pm/);
  if (pm.length === 2) {
    const [a, b] = [pm[0]!.trim(), pm[1]!.trim()];
    if (b === '') return null;
    const items = a === '' ? [parse(b), parse(`-(${b})`)] : [parse(`${a}+${b}`), parse(`${a}-(${b})`)];
    return items.every((v) => v !== null) ? { k: 'set', items: items as Value[] } : null;
  }
  if (/^\\(?:emptyset|varnothing)$/.test(s) || s === '\\{\\}' || s === '{}') return { k: 'set', items: [] };
  if (s.startsWith('\\{') && s.endsWith('\\}') && wrapsWhole(s)) {
    const items = all(splitTop(s.slice(2, -2), ',').filter((p) => p.trim() !== ''));
    return items && { k: 'set', items };
  }
  const matrix = parseMatrix(s) ?? matrixArithmetic(s);
  if (matrix) return matrix;
  if (/^[([{]/.test(s) && /[)\]}]$/.test(s) && wrapsWhole(s)) {
    const inner = s.slice(1, -1);
    let parts = splitTop(inner, ',');
    if (parts.length === 1 && splitTop(inner, ';').length > 1) parts = splitTop(inner, ';');
    if (s[0] === '{') {
      if (parts.length === 1) return parse(inner);
      const items = all(parts);
      return items && { k: 'set', items };
    }
    if (parts.length === 1) return parse(inner);
    if (parts.length === 2) {
      const [lo, hi] = [parse(parts[0]!), parse(parts[1]!)];
      if (!lo || !hi) return null;
      return { k: 'interval', lo, hi, lopen: s[0] === '(', ropen: s.at(-1) === ')' };
    }
    if (s[0] === '(' && s.at(-1) !== ')') return null;
    const items = all(parts);
    return items && { k: 'tuple', items };
  }
  if (
    /[{}]/.test(
      s
        .replace(/\{[^{}]*\}/g, '')
        .replace(/\{[^{}]*\}/g, '')
        .replace(/\{[^{}]*\}/g, ''),
    )
  )
    return null;
  return leaf(s);
}

/** The parser's retry (parse_latex_cached → get_last_eq): the last "=" side of a chain of 3+. */
export function lastEquationSide(s: string): string {
  if (s.includes(',') || s.includes(';')) return s;
  const parts = s.split(/(?<!\\|<|!|>)=/);
  return parts.length > 2 ? parts.at(-1)! : s;
}

export function parseWithRetry(s: string): Value | null {
  const v = parse(s);
  if (v !== null) return v;
  const last = lastEquationSide(s);
  return last !== s ? parse(last) : null;
}
