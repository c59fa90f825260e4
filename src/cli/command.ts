// The shape of one CLI command; each area's commands live in src/cli/commands/*.ts.
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './output';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  usage: string;
  summary: string;
  options: Options;
  run: (values: Values, positionals: string[]) => number | Promise<number>;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const dbOption = { db: { type: 'string' } } as const;
export const jsonOption = { json: { type: 'boolean' } } as const;

export function requireDb(v: Values): string {
  const d = str(v['db']);
  if (!d) throw new UsageError('--db FILE is required');
  return d;
}

export function requireString(v: Values, name: string): string {
  const s = str(v[name]);
  if (s === undefined || s === '') throw new UsageError(`--${name} is required`);
  return s;
}

/** Parses an integer option (≥ min), or undefined when absent. */
export function intOption(v: Values, name: string, min = 0): number | undefined {
  const s = str(v[name]);
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s) || Number(s) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(s)}`);
  return Number(s);
}
