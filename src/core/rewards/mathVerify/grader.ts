// Math-Verify's parse(gold) + parse(prediction) + verify(gold, prediction) (huggingface/Math-Verify
// parser.py, grader.py): both sides are extracted and parsed the same way; each side yields its
// parsed value and the first extracted string; any gold × prediction pair that is equal wins.
import { WorkerSymbolicChecker } from '../math/symbolic';
import { MathVerifyComparer, type MvStage, type MvVerdict } from './compare';
import { exprPatterns, extractFirst, latexPatterns, type Candidate, type Target } from './extract';
import { normalizeLatex } from './normalize';
import { parseWithRetry, type Value } from './value';

export interface MathVerifyConfig {
  /** Extraction targets, in the source's terms (LatexExtractionConfig, ExprExtractionConfig). */
  targets: Target[];
  /** Where \boxed{} ranks among the LaTeX patterns: 0 first, 50 the source default, −1 never. */
  boxedMatchPriority: number;
  floatRounding: number;
  strict: boolean;
  allowSetRelationComp: boolean;
  symbolicTimeoutMs: number;
}

export const MATH_VERIFY_DEFAULTS: MathVerifyConfig = {
  targets: ['latex', 'expr'],
  boxedMatchPriority: 50,
  floatRounding: 6,
  strict: true,
  allowSetRelationComp: false,
  symbolicTimeoutMs: 5000,
};

export interface Parsed {
  value: Value | null;
  /** The first extracted string (the source's fallback_mode="first_match"). */
  text: string | null;
}

const pct = (v: Value): Value => (v.k === 'expr' ? { k: 'expr', tex: `\\frac{${v.tex}}{100}`, pct: true } : v);

function latexCandidate(c: Candidate): { value: Value | null; fallback: string } {
  const groups = c.match.groups ?? {};
  const names = ['first', 'next1', 'next2', 'next3', 'next4', 'next5'];
  const found: Array<{ name: string; text: string; boxed: boolean }> = [];
  for (const n of names) {
    const key = Object.keys(groups).find((k) => k.startsWith(`${n}_latex`) && groups[k]);
    if (key) found.push({ name: n, text: groups[key]!, boxed: key.endsWith('latexBoxed') });
  }
  if (found.length === 0) return { value: null, fallback: '' };
  const values: Array<Value | null> = [];
  const strs: string[] = [];
  for (const f of found) {
    const norm = normalizeLatex(f.text, f.boxed ? 'last' : 'all');
    strs.push(norm);
    let v = parseWithRetry(norm);
    if (v && groups[`${f.name}_percent`]) v = pct(v);
    values.push(v);
  }
  if (values.length > 1 && values.every((v) => v !== null)) {
    const items = (values as Value[]).flatMap((v) => (v.k === 'set' ? v.items : [v]));
    return { value: { k: 'set', items }, fallback: strs.join(' and ') };
  }
  return { value: values[0] ?? null, fallback: strs[0]! };
}

function exprCandidate(c: Candidate): { value: Value | null; fallback: string } {
  const g = c.match.groups ?? {};
  const pick = (prefix: string): string =>
    Object.keys(g).find((k) => k.startsWith(prefix) && g[k]) !== undefined
      ? g[Object.keys(g).find((k) => k.startsWith(prefix) && g[k])!]!
      : '';
  let integer = pick('integer');
  let decimal = pick('decimal');
  if (integer || decimal) {
    integer = integer.replace(/[, ]/g, '');
    const neg = integer.startsWith('-');
    integer = integer.replace(/^-/, '').replace(/^0+/, '');
    if (integer === '') integer = '0';
    decimal = decimal.replace(',', '.');
    const n = `${neg ? '-' : ''}${integer}${decimal}`;
    // lstrip("0") runs on "-0…" too in the source, which keeps the sign; so does this.
    const v: Value = { k: 'expr', tex: n };
    return { value: g['percent'] ? pct(v) : v, fallback: n };
  }
  const e = g['expr'] ?? '';
  if (!e) return { value: null, fallback: '' };
  // The source hands this to Python's parse_expr: × and ÷ are not Python, two numbers side by
  // side ("2 3") are a syntax error, and so are unbalanced parentheses. "3." is a float there.
  const balanced = e.split('').reduce((d, c) => (d < 0 ? d : c === '(' ? d + 1 : c === ')' ? d - 1 : d), 0) === 0;
  if (/[×÷]/.test(e) || /[\d.]\s+[\d.(]|\)\s*[\d(]/.test(e) || !balanced) return { value: null, fallback: e };
  const tex = e
    .replace(/\n/g, ' ')
    .replaceAll('**', '^')
    .replace(/(\d)\.(?!\d)/g, '$1');
  return { value: parseWithRetry(tex), fallback: e };
}

/** parse(text, extraction_config) with fallback_mode="first_match", extraction_mode="any_match". */
export function parseAnswer(text: string, cfg: Pick<MathVerifyConfig, 'targets' | 'boxedMatchPriority'>): Parsed {
  const patterns = cfg.targets.flatMap((t) => (t === 'latex' ? latexPatterns(cfg.boxedMatchPriority) : exprPatterns()));
  const r = extractFirst<Value>(text, patterns, (c) => (c.target === 'latex' ? latexCandidate(c) : exprCandidate(c)));
  return { value: r.value, text: r.fallback };
}

export interface MathVerifyResult extends MvVerdict {
  gold: Parsed;
  prediction: Parsed;
}

/** One grader: a compute-engine worker shared by all its comparisons. */
export class MathVerifyGrader {
  private readonly checker: WorkerSymbolicChecker;
  private readonly comparer: MathVerifyComparer;

  constructor(private readonly cfg: MathVerifyConfig) {
    this.checker = new WorkerSymbolicChecker(cfg.symbolicTimeoutMs);
    this.comparer = new MathVerifyComparer(this.checker, {
      floatRounding: cfg.floatRounding,
      strict: cfg.strict,
      allowSetRelationComp: cfg.allowSetRelationComp,
    });
  }

  /** verify(parse(gold), parse(prediction)). */
  async grade(goldText: string, predictionText: string): Promise<MathVerifyResult> {
    const gold = parseAnswer(goldText, this.cfg);
    const prediction = parseAnswer(predictionText, this.cfg);
    const golds: Array<Value | string> = [...(gold.value ? [gold.value] : []), ...(gold.text ? [gold.text] : [])];
    const preds: Array<Value | string> = [...(prediction.value ? [prediction.value] : []), ...(prediction.text ? [prediction.text] : [])];
    let best: MvVerdict = { equal: false, stage: 'different' };
    for (const g of golds) {
      for (const p of preds) {
        let v: MvVerdict;
        if (typeof g === 'string' || typeof p === 'string') {
          const equal = typeof g === 'string' && typeof p === 'string' && g.trim() !== '' && g.trim() === p.trim();
          v = { equal, stage: equal ? 'string' : 'different' };
        } else {
          // The source counts an exception or a timeout in one comparison as "not equal".
          v = await this.comparer.eq(g, p).catch((): MvVerdict => ({ equal: false, stage: 'different', how: 'error' }));
        }
        if (v.equal) return { ...v, gold, prediction };
        if (v.how !== undefined && best.how === undefined) best = v;
      }
    }
    return { ...best, gold, prediction };
  }

  dispose(): Promise<void> {
    return this.checker.dispose();
  }
}

/** Stages decided by string or structure alone match the source exactly; the rest approximate sympy. */
export function isApproximateStage(stage: MvStage): boolean {
  return stage !== 'string';
}
