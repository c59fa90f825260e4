// Reading the small JSON inputs of the analysis commands: `advantages --input` ({"groups":[{"uid",
// "samples":[…]}]}, docs/algorithms.md#cli-examples) and the knapsack prompts. Every shape error
// names the file and the JSON path of the offending value (e.g. groups[1].samples[0].reward).
import * as fs from 'node:fs';
import { ErrorCode, LensError, errorMessage, isLensError } from '../../shared/errors';
import type { PairwiseVote } from '../../shared/judging';

export const ESTIMATORS = ['grpo', 'drgrpo', 'rloo', 'tempo', 'brpo', 'multi-rm', 'verifree'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read: ${errorMessage(e)}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: not valid JSON: ${errorMessage(e)}`, { file });
  }
}

/** Field-level checks that name the file and the JSON path of the offending value. */
export class Shape {
  constructor(readonly file: string) {}
  fail(at: string, what: string): never {
    throw new LensError(ErrorCode.BadInput, `${this.file}: ${at} ${what}`, { file: this.file, field: at });
  }
  object(v: unknown, at: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(at, 'must be an object');
    return v as Record<string, unknown>;
  }
  array(v: unknown, at: string): unknown[] {
    if (!Array.isArray(v)) this.fail(at, 'must be an array');
    return v;
  }
  number(v: unknown, at: string): number {
    if (typeof v !== 'number') this.fail(at, `must be a number, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(v: unknown, at: string): boolean {
    if (typeof v !== 'boolean') this.fail(at, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  int(v: unknown, at: string, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(at, `must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  }
}

/** Runs core code and puts the file in front of its messages, which name the group but not the file. */
export function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isLensError(e) && !e.message.startsWith(file)) throw new LensError(e.code, `${file}: ${e.message}`, e.details);
    throw e;
  }
}

export type Vote = Pick<PairwiseVote, 'order' | 'win'>;

export interface InputGroup {
  uid: string;
  /** Per sample: `reward`; for verifree p(reference) (from `p_reward`, else exp(`logp_reward`)); empty for brpo and multi-rm. */
  rewards: number[];
  /** tempo: each sample's token ids. */
  tokens?: number[][];
  /** multi-rm: each sample's reward-model scores. */
  components?: Array<Record<string, number>>;
  /** brpo: the reference's index and each sample's votes against it (null: none; the reference's entry is null). */
  reference?: number;
  votes?: Array<Vote[] | null>;
}

function parseVotes(s: Shape, v: unknown, at: string): Vote[] {
  return s.array(v, at).map((xv, i) => {
    const x = s.object(xv, `${at}[${i}]`);
    const order = x['order'];
    if (order !== 'ab' && order !== 'ba') s.fail(`${at}[${i}].order`, `must be "ab" or "ba", got ${JSON.stringify(order)}`);
    const win = x['win'];
    if (win !== true && win !== false && win !== null)
      s.fail(`${at}[${i}].win`, `must be true, false or null (a tie), got ${JSON.stringify(win)}`);
    return { order, win };
  });
}

function parseComponents(s: Shape, v: unknown, at: string): Record<string, number> {
  if (v === undefined) s.fail(at, 'is needed by the multi-rm estimator ({"name": score, …})');
  const o = s.object(v, at);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) s.fail(`${at}.${k}`, `must be a finite number, got ${JSON.stringify(x)}`);
    out[k] = x;
  }
  return out;
}

/** VeriFree's reward: `p_reward` in [0, 1], else exp(`logp_reward`) (≤ 0; null = −∞, no answer part, p = 0). */
function parseAnswerReward(s: Shape, x: Record<string, unknown>, at: string): number {
  const p = x['p_reward'];
  const logp = x['logp_reward'];
  if (p !== undefined && p !== null) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) s.fail(`${at}.p_reward`, `must be a probability in [0, 1], got ${JSON.stringify(p)}`);
    return p;
  }
  if (logp === undefined) s.fail(`${at}.p_reward`, 'is needed by the verifree estimator (or logp_reward; null = no answer part)');
  if (logp === null) return 0;
  if (typeof logp !== 'number' || !(logp <= 0))
    s.fail(`${at}.logp_reward`, `must be a log-probability ≤ 0 or null, got ${JSON.stringify(logp)}`);
  return Math.exp(logp);
}

/** The `advantages --input` batch, with the fields the estimator needs checked and the rest ignored. */
export function parseAdvantageInput(file: string, estimator: Estimator): InputGroup[] {
  const s: Shape = new Shape(file);
  const root = s.object(readJsonFile(file), 'the top level');
  return s.array(root['groups'], 'groups').map((gv, gi) => {
    const g = s.object(gv, `groups[${gi}]`);
    const uid = g['uid'];
    if (typeof uid !== 'string' && typeof uid !== 'number') s.fail(`groups[${gi}].uid`, 'must be a string');
    const samples = s.array(g['samples'], `groups[${gi}].samples`).map((xv, xi) => s.object(xv, `groups[${gi}].samples[${xi}]`));
    if (samples.length === 0) s.fail(`groups[${gi}].samples`, 'must not be empty');
    const at = (xi: number): string => `groups[${gi}].samples[${xi}]`;
    const out: InputGroup = { uid: String(uid), rewards: [] };
    if (estimator === 'brpo') {
      if (g['reference'] === undefined)
        s.fail(`groups[${gi}].reference`, 'is needed by the brpo estimator (the index of the reference sample)');
      const reference = s.int(g['reference'], `groups[${gi}].reference`, 0);
      if (reference >= samples.length) s.fail(`groups[${gi}].reference`, `names sample ${reference}, but the group has ${samples.length}`);
      out.reference = reference;
      out.votes = samples.map((x, xi) => {
        if (x['votes'] === undefined || x['votes'] === null) return null;
        if (xi === reference) s.fail(`${at(xi)}.votes`, 'must be absent: this sample is the group reference');
        return parseVotes(s, x['votes'], `${at(xi)}.votes`);
      });
    } else if (estimator === 'multi-rm') {
      out.components = samples.map((x, xi) => parseComponents(s, x['components'], `${at(xi)}.components`));
    } else if (estimator === 'verifree') {
      out.rewards = samples.map((x, xi) => parseAnswerReward(s, x, at(xi)));
    } else {
      out.rewards = samples.map((x, xi) => s.number(x['reward'], `${at(xi)}.reward`));
    }
    if (estimator === 'tempo') {
      out.tokens = samples.map((x, xi) => {
        if (x['tokens'] === undefined) s.fail(`${at(xi)}.tokens`, 'is needed by the tempo estimator (token ids)');
        return s.array(x['tokens'], `${at(xi)}.tokens`).map((t, ti) => s.int(t, `${at(xi)}.tokens[${ti}]`, 0));
      });
    }
    return out;
  });
}
