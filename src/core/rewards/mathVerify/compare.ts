// Math-Verify's equivalence (grader.py `sympy_expr_eq` and helpers), over our Value tree:
// assignments unwrapped the way the gold dictates, relations to sets, structure first, then
// relations (same or flipped operator, equal up to a factor), sets and intervals (bracket types
// matter), symbols (\text{odd} = odd), matrices, and leaf expressions through compute-engine.
import type { SymbolicChecker, SymbolicVerdict } from '../math/symbolic';
import type { RelOp, Value } from './value';

export interface CompareOptions {
  floatRounding: number;
  strict: boolean;
  allowSetRelationComp: boolean;
}

/** Which rule decided; "structure" and "string" are exact, the others lean on compute-engine. */
export type MvStage = 'string' | 'structure' | 'relation' | 'set' | 'interval' | 'symbol' | 'matrix' | 'leaf' | 'different';

export interface MvVerdict {
  equal: boolean;
  stage: MvStage;
  /** How compute-engine decided a leaf (same, numeric, rounded, difference, sampled, …). */
  how?: string;
}

type Rel = Extract<Value, { k: 'rel' }>;
const NO: MvVerdict = { equal: false, stage: 'different' };

const isSetLike = (v: Value): boolean => v.k === 'set' || v.k === 'interval' || v.k === 'union';
const isRelation = (v: Value): boolean => v.k === 'rel' || (v.k === 'and' && v.rels.length > 0);
const isEquation = (v: Value): boolean =>
  (v.k === 'rel' && v.op === '=') || (v.k === 'and' && v.rels.length > 0 && v.rels.every((r) => r.op === '='));
const first = (v: Value): Rel => (v.k === 'and' ? v.rels[0]! : (v as Rel));
const last = (v: Value): Rel => (v.k === 'and' ? v.rels.at(-1)! : (v as Rel));

/** latex2sympy's is_expr_of_only_symbols: letters, subscripts, quotients, |·|, f(x); no numbers. */
function onlySymbols(v: Value): boolean {
  if (v.k === 'sym') return true;
  if (v.k === 'tuple' || v.k === 'set') return v.items.length > 0 && v.items.every(onlySymbols);
  if (v.k === 'interval') return onlySymbols(v.lo) && onlySymbols(v.hi);
  if (v.k !== 'expr') return false;
  const rest = v.tex
    .replace(/_\{[^{}]*\}|_[A-Za-z0-9]/g, '')
    .replace(/\\(?:frac|cdot|mathrm|text)/g, '')
    .replace(/\\(?:alpha|beta|gamma|delta|theta|lambda|mu|sigma|phi|omega|rho|tau)(?![a-zA-Z])/g, 'x')
    .replace(/[{}()|:+\-*/\s]/g, '');
  return /^[A-Za-z]+$/.test(rest);
}

function isAssignment(v: Value): boolean {
  if (v.k === 'rel') return v.op === '=' && onlySymbols(v.lhs);
  return v.k === 'and' && v.rels.length > 0 && v.rels.every((r) => r.op === '=') && onlySymbols(v.rels[0]!.lhs);
}

const texOf = (v: Value): string | null => (v.k === 'expr' ? v.tex : v.k === 'sym' ? v.name : null);
const isFloatAtom = (v: Value): boolean =>
  v.k === 'expr' && /^-?\d*\.\d+$/.test(v.pct ? v.tex.replace(/^\\frac\{(.*)\}\{100\}$/, '$1') : v.tex);

/** A relation in one variable as the set it describes (sympy's as_set for the common shapes). */
function relationToSet(v: Value): Value | null {
  const rels = v.k === 'and' ? v.rels : v.k === 'rel' ? [v] : [];
  const bound = (r: Rel): { varLeft: boolean; other: Value; op: RelOp } | null => {
    if (r.lhs.k === 'sym' || (r.lhs.k === 'expr' && onlySymbols(r.lhs))) return { varLeft: true, other: r.rhs, op: r.op };
    if (r.rhs.k === 'sym' || (r.rhs.k === 'expr' && onlySymbols(r.rhs))) return { varLeft: false, other: r.lhs, op: r.op };
    return null;
  };
  const INF: Value = { k: 'expr', tex: '\\infty' };
  const NEG: Value = { k: 'expr', tex: '-\\infty' };
  let lo: Value = NEG;
  let hi: Value = INF;
  let lopen = true;
  let ropen = true;
  for (const r of rels) {
    const b = bound(r);
    if (!b || b.op === '=' || b.op === '!=') return null;
    const below = b.varLeft === (b.op === '>' || b.op === '>=');
    if (below) [lo, lopen] = [b.other, b.op === '>' || b.op === '<'];
    else [hi, ropen] = [b.other, b.op === '<' || b.op === '>'];
  }
  return rels.length ? { k: 'interval', lo, hi, lopen, ropen } : null;
}

const INVERSE: Partial<Record<RelOp, RelOp>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=' };

export class MathVerifyComparer {
  constructor(
    private readonly ce: SymbolicChecker & { ask(a: string, b: string, r: object): Promise<SymbolicVerdict> },
    private readonly o: CompareOptions,
  ) {}

  private async leaf(a: Value, b: Value): Promise<MvVerdict> {
    const ta = texOf(a);
    const tb = texOf(b);
    if (ta === null || tb === null) return NO;
    const rounding = isFloatAtom(a) || isFloatAtom(b) ? this.o.floatRounding : null;
    const v = await this.ce.ask(ta, tb, { op: 'mv-leaf', rounding, strict: this.o.strict });
    return { equal: v.equal, stage: v.equal ? 'leaf' : 'different', how: v.how };
  }

  private async relations(g: Value, p: Value): Promise<MvVerdict> {
    if (g.k === 'and' && p.k === 'and') {
      if (g.rels.length !== p.rels.length) return NO;
      for (let i = 0; i < g.rels.length; i++) if (!(await this.relations(g.rels[i]!, p.rels[i]!)).equal) return NO;
      return { equal: true, stage: 'relation' };
    }
    if (g.k !== 'rel' || p.k !== 'rel') return NO;
    const diff = (r: Rel, flip = false): Value | null => {
      const [l, rr] = [texOf(r.lhs), texOf(r.rhs)];
      if (l === null || rr === null) return null;
      return { k: 'expr', tex: flip ? `(${rr})-(${l})` : `(${l})-(${rr})` };
    };
    if (g.op === p.op) {
      const [a, b] = [diff(g), diff(p)];
      if (a && b && (await this.eq(a, b)).equal) return { equal: true, stage: 'relation' };
      if (!a && (await this.eq(g.lhs, p.lhs)).equal && (await this.eq(g.rhs, p.rhs)).equal) return { equal: true, stage: 'relation' };
    }
    const inv = INVERSE[g.op];
    if (inv === undefined) return NO;
    if (inv === p.op) {
      const [a, b] = [diff(g), diff(p, true)];
      if (a && b && (await this.eq(a, b)).equal) return { equal: true, stage: 'relation' };
    }
    // sympy solves both sides; equal up to a constant factor is what that amounts to here.
    const [a, b] = [diff(g), diff(p)];
    if (!a || !b || a.k !== 'expr' || b.k !== 'expr') return NO;
    const r = await this.ce.ask(a.tex, b.tex, { op: 'mv-ratio' });
    if (typeof r.value !== 'number') return NO;
    const ok = g.op === '=' ? p.op === '=' : r.value > 0 ? p.op === g.op : p.op === inv;
    return ok ? { equal: true, stage: 'relation', how: 'ratio' } : NO;
  }

  private async elementwise(gs: readonly Value[], ps: readonly Value[], stage: MvStage): Promise<MvVerdict> {
    if (gs.length !== ps.length) return NO;
    for (let i = 0; i < gs.length; i++) if (!(await this.eq(gs[i]!, ps[i]!)).equal) return NO;
    return { equal: true, stage };
  }

  /** sympy orders FiniteSet elements (and drops repeats): by numeric value first, the rest by text. */
  private async sorted(items: readonly Value[]): Promise<Value[]> {
    const keyed = await Promise.all(
      items.map(async (v) => {
        const t = texOf(v.k === 'rel' && v.op === '=' ? v.rhs : v);
        const n = t === null ? null : (await this.ce.ask(t, '', { op: 'mv-num' })).value;
        return { v, t: JSON.stringify(v), num: typeof n === 'number' ? n : NaN };
      }),
    );
    const dedup = keyed.filter((x, i) => keyed.findIndex((y) => y.t === x.t) === i);
    dedup.sort((x, y) => {
      const xn = Number.isFinite(x.num);
      const yn = Number.isFinite(y.num);
      if (xn && yn) return x.num - y.num;
      if (xn !== yn) return xn ? -1 : 1;
      return x.t < y.t ? -1 : x.t > y.t ? 1 : 0;
    });
    return dedup.map((x) => x.v);
  }

  private async sets(g: Value, p: Value): Promise<MvVerdict> {
    const a: Value = isSetLike(g) || g.k === 'tuple' ? g : { k: 'set', items: [g] };
    const b: Value = isSetLike(p) || p.k === 'tuple' ? p : { k: 'set', items: [p] };
    if (a.k === 'interval' && b.k === 'interval') {
      if (a.lopen !== b.lopen || a.ropen !== b.ropen) return NO;
      const r = await this.elementwise([a.lo, a.hi], [b.lo, b.hi], 'interval');
      return r;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return { equal: true, stage: 'structure' };
    if (a.k === 'union' && b.k === 'union') return this.elementwise(a.parts, b.parts, 'set');
    const seq = async (x: Value, y: Value): Promise<MvVerdict> => {
      if ((x.k !== 'set' && x.k !== 'tuple') || (y.k !== 'set' && y.k !== 'tuple')) return NO;
      if (x.k === 'set') {
        const [xs, ys] = [await this.sorted(x.items), y.k === 'set' ? await this.sorted(y.items) : y.items];
        return this.elementwise(xs, ys, 'set');
      }
      // A tuple gold keeps its order; a set prediction is taken in the order it was written.
      return this.elementwise(x.items, y.items, 'set');
    };
    if ((a.k === 'set' || a.k === 'tuple') && (b.k === 'set' || b.k === 'tuple')) return seq(a, b);
    if (a.k === 'interval' && (b.k === 'set' || b.k === 'tuple') && a.lopen && a.ropen && b.items.length === 2)
      return seq({ k: 'tuple', items: [a.lo, a.hi] }, b);
    if (b.k === 'interval' && (a.k === 'set' || a.k === 'tuple') && b.lopen && b.ropen && a.items.length === 2)
      return seq(a, { k: 'tuple', items: [b.lo, b.hi] });
    return NO;
  }

  private symbols(g: Value, p: Value): MvVerdict {
    const gn = g.k === 'sym' ? g.name : texOf(g);
    const pn = p.k === 'sym' ? p.name : texOf(p);
    if (gn === null || pn === null) return NO;
    if (gn.toLowerCase() === 'e' && pn.toLowerCase() === 'e') return { equal: true, stage: 'symbol' };
    const norm = (s: string): string => (s.length > 1 ? s.toLowerCase() : s);
    const ok = g.k === 'sym' && p.k === 'sym' ? norm(gn) === norm(pn) : gn === pn;
    return ok ? { equal: true, stage: 'symbol' } : NO;
  }

  /** sympy_expr_eq(gold, pred). */
  async eq(gold: Value, pred: Value): Promise<MvVerdict> {
    let g = gold;
    let p = pred;
    const gAssign = isAssignment(g);
    const pAssign = isAssignment(p);
    const gEq = isEquation(g);
    const pEq = isEquation(p);
    if (gAssign) g = { k: 'rel', op: '=', lhs: first(g).lhs, rhs: last(g).rhs };
    if (pAssign) p = { k: 'rel', op: '=', lhs: first(p).lhs, rhs: last(p).rhs };
    if (pEq && !gEq) p = last(p).rhs;
    else if (gAssign && !pEq) g = last(g).rhs;
    if (isRelation(g) && isSetLike(p)) g = relationToSet(g) ?? g;
    if (this.o.allowSetRelationComp && isRelation(p) && isSetLike(g)) p = relationToSet(p) ?? p;
    if (JSON.stringify(g) === JSON.stringify(p)) return { equal: true, stage: 'structure' };
    if (isRelation(g) && isRelation(p)) return this.relations(g, p);
    if (isSetLike(g) || isSetLike(p) || g.k === 'tuple' || p.k === 'tuple') return this.sets(g, p);
    if (g.k === 'sym' || p.k === 'sym') return this.symbols(g, p);
    if (g.k === 'matrix' || p.k === 'matrix') {
      if (g.k !== 'matrix' || p.k !== 'matrix' || g.rows.length !== p.rows.length) return NO;
      for (let i = 0; i < g.rows.length; i++) if (!(await this.elementwise(g.rows[i]!, p.rows[i]!, 'matrix')).equal) return NO;
      return { equal: true, stage: 'matrix' };
    }
    if (g.k === 'expr' && p.k === 'expr') return this.leaf(g, p);
    return NO;
  }
}
