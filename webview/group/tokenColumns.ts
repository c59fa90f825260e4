// The sample list's token-aggregate columns (mean |Δ|, max ratio, share outside the clip range,
// mean logprob), from the snapshot's per-sample aggregates. Hidden when the group has no logprobs.
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { TokenColumn } from '../../src/shared/protocol/webviews/tokens';
import type { TokenAggregates } from '../../src/shared/tokenSignals';
import { el } from '../shared/dom';
import { fmt, percent } from '../shared/format';

export const TOKEN_HEADERS: ReadonlyArray<{ column: TokenColumn; label: string; num: true; title: string }> = [
  { column: 'mean_abs_delta', label: 'mean |Δ|', num: true, title: 'Mean |train − inference logprob| over the tokens with both' },
  { column: 'max_ratio', label: 'max ratio', num: true, title: 'Largest exp(Δ) of the sample' },
  {
    column: 'outside_clip',
    label: 'out of clip',
    num: true,
    title: 'Share of tokens whose ratio exp(Δ) lies outside the clip range [1 − ε, 1 + ε]',
  },
  { column: 'mean_logprob', label: 'mean logprob', num: true, title: 'Mean sampler logprob (the trainer’s when the sampler logged none)' },
];

export function isTokenColumn(c: string): c is TokenColumn {
  return TOKEN_HEADERS.some((h) => h.column === c);
}

function aggregatesOf(snap: GroupSnapshot, index: number): TokenAggregates | undefined {
  return snap.tokens?.samples.find((s) => s.index === index);
}

/** Whether the group has any logprob at all (else the columns are hidden). */
export function showTokenColumns(snap: GroupSnapshot): boolean {
  return snap.tokens !== undefined && snap.tokens !== null && snap.tokens.availability.logprob_reason === null;
}

/** Sort key: a missing value sorts as −∞ (last when descending). */
export function tokenSortKey(snap: GroupSnapshot, index: number, column: TokenColumn): number {
  return aggregatesOf(snap, index)?.[column] ?? -Infinity;
}

export function tokenCells(snap: GroupSnapshot, index: number): HTMLTableCellElement[] {
  const a = aggregatesOf(snap, index);
  const cell = (text: string, title: string): HTMLTableCellElement => el('td', { cls: 'num token-col', text, title });
  const none = a === undefined || a.compared === 0 ? 'needs both the sampler’s and the trainer’s logprobs' : '';
  return [
    cell(fmt(a?.mean_abs_delta, 4), none || `over ${a!.compared} tokens`),
    cell(fmt(a?.max_ratio, 4), none),
    cell(percent(a?.outside_clip), none || `clip range ε = ${snap.tokens?.epsilon ?? ''}`),
    cell(fmt(a?.mean_logprob, 4), a?.mean_logprob === null || a === undefined ? 'no logprobs' : ''),
  ];
}
