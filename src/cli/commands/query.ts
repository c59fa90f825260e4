// Read-only commands: runs, stats, export, search.
import * as fs from 'node:fs';
import { exportRun } from '../../core/store/exporter';
import { RANK_WINDOW, searchText } from '../../core/store/fts';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError } from '../../shared/errors';
import { describeSuccessRule } from '../../shared/success';
import { markedSnippet } from '../../shared/text';
import { UsageError, printJson, printTable, writeOut } from '../output';

function openExisting(db: string): Store {
  // Reading commands never create a database: a typo in --db should say so, not print nothing.
  if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
  return Store.open(db);
}

export function runsCommand(a: { db: string; json?: boolean }): number {
  const store = openExisting(a.db);
  try {
    const runs = store.listRuns();
    if (a.json) printJson(runs);
    else
      printTable(runs as unknown as Record<string, unknown>[], ['run', 'format', 'steps', 'groups', 'samples', 'first_step', 'last_step']);
    return 0;
  } finally {
    store.close();
  }
}

export function statsCommand(a: { db: string; run?: string; step?: string; json?: boolean }): number {
  if (!a.run) throw new UsageError('stats needs --run NAME');
  const store = openExisting(a.db);
  try {
    const run = store.requireRun(a.run);
    const rows = store.stepStats(run.id, a.step !== undefined ? { step: parseStep(a.step) } : {});
    if (a.json) printJson(rows);
    else {
      printTable(rows as unknown as Record<string, unknown>[], [
        'split',
        'step',
        'samples',
        'groups',
        'reward_mean',
        'reward_std',
        'mean_length',
        'length_unit',
      ]);
      process.stdout.write(`solved = ${describeSuccessRule(run.success_rule, run.success_threshold)}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

export function parseStep(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`--step must be an integer ≥ 0, got ${JSON.stringify(v)}`);
  return Number(v);
}

export async function exportCommand(a: { db: string; run?: string; step?: string; format?: string }): Promise<number> {
  if (!a.run) throw new UsageError('export needs --run NAME');
  if (a.format !== undefined && a.format !== 'jsonl') throw new UsageError(`export writes --format jsonl only`);
  const store = openExisting(a.db);
  try {
    const run = store.requireRun(a.run);
    const step = a.step !== undefined ? parseStep(a.step) : undefined;
    for (const rec of exportRun(store, run.id, step)) await writeOut(JSON.stringify(rec) + '\n');
    return 0;
  } finally {
    store.close();
  }
}

/**
 * Full-text search (FTS5 syntax) over responses. By default a match counts only in the policy's own
 * (trained) text; `allTurns` also counts tool / environment / user turns, as the setting
 * rolloutLens.search.includeAllTurns does in VS Code.
 */
export function searchCommand(a: {
  db: string;
  query: string[];
  run?: string;
  limit?: number;
  offset?: number;
  before?: number;
  allTurns: boolean;
  json: boolean;
}): number {
  if (a.query.length !== 1 || a.query[0] === '') throw new UsageError('search needs one QUERY (quote it: "let me recheck" OR wait)');
  if (a.offset !== undefined && a.before !== undefined) throw new UsageError('search takes --offset or --before, not both');
  const store = openExisting(a.db);
  try {
    if (a.run) store.requireRun(a.run);
    const result = searchText(store, a.query[0]!, {
      ...(a.run ? { run: a.run } : {}),
      limit: a.limit ?? 100,
      ...(a.offset !== undefined ? { offset: a.offset } : {}),
      ...(a.before !== undefined ? { before: a.before } : {}),
      allTurns: a.allTurns,
    });
    if (result.literal)
      process.stderr.write(`rollout-lens: ${JSON.stringify(a.query[0])} is not FTS5 query syntax: searched for it as one literal phrase\n`);
    if (a.json) printJson(result);
    else {
      printTable(
        result.hits.map((h) => ({ ...h, snippet: markedSnippet(h) })),
        ['run', 'split', 'step', 'group', 'index', 'reward', 'snippet'],
      );
      // The order is said whenever it is not the best match first, and how to see more.
      if (result.order === 'newest')
        process.stderr.write(`rollout-lens: more than ${RANK_WINDOW.toLocaleString('en-US')} matches: newest first, not ranked\n`);
      if (result.more)
        process.stderr.write(
          `rollout-lens: more results: ${'offset' in result.more ? `--offset ${result.more.offset}` : `--before ${result.more.before}`}\n`,
        );
    }
    return 0;
  } finally {
    store.close();
  }
}
