// A reward spec, resolved: every term's function looked up, its config validated and defaulted,
// file paths made absolute. The canonical JSON of this object is what a re-score set stores.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import { getRewardFactory, rewardFunctionIds } from './registry';
import { parseSpecText, type RawTerm } from './specGrammar';
import { isJsonObject, type JsonObject, type JsonValue } from './types';

export const SPEC_VERSION = 1;

export interface SpecTerm {
  fn: string;
  weight: number;
  config: JsonObject;
}

export interface RewardSpec {
  version: number;
  terms: SpecTerm[];
  constant: number;
}

export interface ParseSpecOptions {
  /** Relative paths (spec files, models, scripts) resolve against this folder (default: cwd). */
  baseDir?: string;
}

const jsonTerm = z.strictObject({
  fn: z.string().min(1),
  weight: z.number().refine(Number.isFinite, 'must be finite').default(1),
  variant: z.string().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});
const jsonSpec = z.strictObject({
  version: z.literal(SPEC_VERSION).optional(),
  terms: z.array(jsonTerm).min(1),
  constant: z.number().refine(Number.isFinite, 'must be finite').default(0),
});

/** JSON with object keys sorted at every level: equal specs give equal strings. */
export function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function canonicalSpecJson(spec: RewardSpec): string {
  return canonicalJson(spec as unknown as JsonValue);
}

function resolveTerm(t: RawTerm, where: string, baseDir: string): SpecTerm {
  const factory = getRewardFactory(t.fn);
  const fail = (what: string): never => {
    throw new LensError(ErrorCode.BadInput, `${where}: ${what}`, { function: t.fn });
  };
  if (!factory) {
    const split = t.fn.split('-').filter((p) => getRewardFactory(p));
    const hint = split.length > 1 ? ` (for a difference write "${split.join(' - ')}" with spaces)` : '';
    fail(`unknown reward function ${JSON.stringify(t.fn)}${hint}; known: ${rewardFunctionIds().join(', ')}`);
  }
  const f = factory!;
  const raw: Record<string, unknown> = { ...t.args };
  if (t.variant !== undefined) {
    if (!f.variantKey) fail(`${f.id} has no variants (got ${JSON.stringify(`${f.id}:${t.variant}`)})`);
    if (f.variants && !f.variants.includes(t.variant))
      fail(`${f.id} has no variant ${JSON.stringify(t.variant)}; use one of ${f.variants.join(', ')}`);
    if (f.variantKey! in raw && raw[f.variantKey!] !== t.variant)
      fail(`${f.id}:${t.variant} conflicts with ${f.variantKey}=${JSON.stringify(raw[f.variantKey!])}`);
    raw[f.variantKey!] = t.variant;
  }
  const parsed = f.parseConfig(raw);
  if (!parsed.ok) fail(`${f.id}: ${parsed.problems.join('; ')}`);
  const config = { ...(parsed as { config: JsonObject }).config };
  for (const key of f.pathKeys ?? []) {
    const v = config[key];
    if (typeof v === 'string' && v !== '') config[key] = path.resolve(baseDir, v);
  }
  return { fn: f.id, weight: t.weight, config };
}

function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read the reward spec file: ${errorMessage(e)}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: the reward spec file is not valid JSON: ${errorMessage(e)}`, { file });
  }
}

function fromJson(value: unknown, where: string, baseDir: string): RewardSpec {
  const r = jsonSpec.safeParse(value);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'the top level'}: ${i.message}`);
    throw new LensError(
      ErrorCode.BadInput,
      `${where}: ${problems.join('; ')} (expected {"terms": [{"fn": "math", "weight": 1, "config": {…}}]})`,
    );
  }
  const terms = r.data.terms.map((t, i) =>
    resolveTerm(
      {
        fn: t.fn,
        weight: t.weight,
        ...(t.variant !== undefined ? { variant: t.variant } : {}),
        args: t.config as Record<string, JsonValue>,
        position: 0,
      },
      `${where}: terms[${i}]`,
      baseDir,
    ),
  );
  return { version: SPEC_VERSION, terms, constant: r.data.constant };
}

/**
 * Parses a reward spec given as text (`0.5*math + 0.5*format:boxed`), inline JSON, a path to a JSON
 * file (`spec.json` or `@spec.json`), or an already-parsed object.
 */
export function parseRewardSpec(input: string | object, opts: ParseSpecOptions = {}): RewardSpec {
  const baseDir = opts.baseDir ?? process.cwd();
  if (typeof input !== 'string') return fromJson(input, 'reward spec', baseDir);
  const text = input.trim();
  if (text.startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new LensError(ErrorCode.BadInput, `reward spec: not valid JSON: ${errorMessage(e)}`);
    }
    return fromJson(v, 'reward spec', baseDir);
  }
  if (text.startsWith('@') || text.endsWith('.json')) {
    const file = path.resolve(baseDir, text.replace(/^@/, ''));
    return fromJson(readSpecFile(file), file, path.dirname(file));
  }
  const raw = parseSpecText(text);
  const shown = JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}…` : text);
  const terms = raw.terms.map((t) => resolveTerm(t, `reward spec ${shown}, position ${t.position}`, baseDir));
  return { version: SPEC_VERSION, terms, constant: raw.constant };
}

/** A short human form, e.g. `0.5*math + 0.5*format:boxed` (variants shown, other settings not). */
export function specLabel(spec: RewardSpec): string {
  const parts = spec.terms.map((t, i) => {
    const f = getRewardFactory(t.fn);
    const v = f?.variantKey ? t.config[f.variantKey] : undefined;
    const name = typeof v === 'string' ? `${t.fn}:${v}` : t.fn;
    const w = Math.abs(t.weight);
    const body = w === 1 ? name : `${w}*${name}`;
    return i === 0 ? (t.weight < 0 ? `-${body}` : body) : `${t.weight < 0 ? '-' : '+'} ${body}`;
  });
  if (spec.constant !== 0) parts.push(`${spec.constant < 0 ? '-' : '+'} ${Math.abs(spec.constant)}`);
  return parts.join(' ');
}
