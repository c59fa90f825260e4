// Full-text search over responses. Ingest indexes its rows as it writes them (inlineEnrich.ts); a
// search first catches up any backlog (enrich.ts), so results are never stale.
import { splitSnippet } from '../../shared/text';
import { ErrorCode, LensError } from '../../shared/errors';
import type { SearchHitDto, SearchResultDto } from '../../shared/protocol/engine';
import { indexPendingText } from './enrich';
import { toolOnlyHits } from './policySearch';
import type { Store } from './store';

export type SearchHit = SearchHitDto;

/** What a search ran: the query as typed, or (when it is not FTS5 query syntax) the query as one literal phrase. */
export interface SearchMatch {
  expression: string;
  /** True when the query was not valid FTS5 and was searched for as a literal phrase. */
  literal: boolean;
}

/** SQLite's words for an FTS5 query it cannot parse. */
const FTS5_SYNTAX = /fts5: syntax error|unterminated string|no such column|unknown special query|fts5: parser stack overflow/;

/**
 * The FTS5 expression for a query. A math-RL user searches for LaTeX (`\text{ pages}`,
 * `\boxed{204.0}`), which is not FTS5 syntax: such a query is searched for as one literal phrase (its
 * words in order) instead of failing, and the caller says so.
 */
export function matchExpression(store: Store, query: string): SearchMatch {
  try {
    store.db.prepare('SELECT rowid FROM samples_fts WHERE samples_fts MATCH ? LIMIT 1').all(query);
    return { expression: query, literal: false };
  } catch (e) {
    if (!(e instanceof Error) || !FTS5_SYNTAX.test(e.message)) throw e;
    return { expression: `"${query.replaceAll('"', '""')}"`, literal: true };
  }
}

/** How many matches a search ranks by bm25 at most: past that, the cost of ranking grows with the run. */
export const RANK_WINDOW = 10_000;

export interface SearchOptions {
  run?: string;
  limit?: number;
  allTurns?: boolean;
  /** Skip this many ranked hits ("more results" of a ranked search). */
  offset?: number;
  /** Only matches older than this sample id ("more results" of a newest-first search). */
  before?: number;
  /** How many matches are ranked at most (RANK_WINDOW; tests make it small). */
  rankWindow?: number;
}

// Rowid bounds are bound as CAST(? AS INTEGER): the driver binds a JS number as REAL, and FTS5 uses
// a bound only when it is an integer, else it reads the whole doclist and SQLite filters after
// (138 ms instead of 2 ms for one step's range of a word in 4M of 8M responses).
const HIT_COLUMNS = `s.id AS sample_id, r.name AS run, st.split AS split, st.step AS step, g.uid AS "group", s.idx AS "index",
       s.reward AS reward, snippet(samples_fts, 0, char(2), char(3), '…', 12) AS snippet`;
const HIT_JOINS = `JOIN samples s ON s.id = f.rowid JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id
  JOIN runs r ON r.id = st.run_id`;

/**
 * Full-text search (FTS5 query syntax) over responses, optionally within one run. The query is a
 * bound parameter; a malformed FTS expression is reported as bad input by the caller. Hits only in
 * tool / environment / user turns count when `allTurns` is set (rolloutLens.search.includeAllTurns).
 *
 * Cost follows the limit and the query's rarity, not the run's size: the newest RANK_WINDOW + 1
 * matches are read in rowid order (FTS5 stops there; a phrase's positions are checked only on the
 * documents read). When that is all of them they are ranked by bm25 (`order: 'best'`); otherwise the
 * newest come first (`order: 'newest'`), since ranking millions of matches to show 100 is what made
 * a common word take seconds. `more` says how to ask for the next hits in the same order.
 */
export function searchText(store: Store, query: string, opts: SearchOptions = {}): SearchResultDto {
  indexPendingText(store);
  const m = matchExpression(store, query);
  const limit = opts.limit ?? 100;
  const runId = opts.run === undefined ? null : store.getRun(opts.run)?.id;
  if (runId === undefined) return { hits: [], literal: m.literal, order: 'best', more: null };
  // With one run in the store every match is the run's: no join is needed to scope the candidates.
  const scoped = runId !== null && (store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number) > 1;
  const scope = scoped ? 'AND st.run_id = ?' : '';
  const run = scoped ? [runId] : [];
  try {
    const newestIds = (below: number, n: number): number[] =>
      store.db
        .prepare(
          `SELECT f.rowid FROM samples_fts f ${scoped ? HIT_JOINS : ''}
            WHERE samples_fts MATCH ? AND f.rowid < CAST(? AS INTEGER) ${scope} ORDER BY f.rowid DESC LIMIT ?`,
        )
        .pluck()
        .all(m.expression, below, ...run, n) as number[];
    // The hits of these ids (newest first), read upward: FTS5 seeks a range's lower end faster.
    const byRowid = (ids: readonly number[]): SearchHit[] =>
      ids.length === 0
        ? []
        : (
            store.db
              .prepare(
                `SELECT ${HIT_COLUMNS} FROM samples_fts f ${HIT_JOINS}
                WHERE samples_fts MATCH ? AND f.rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER) ${scope} ORDER BY f.rowid LIMIT ?`,
              )
              .all(m.expression, ids[ids.length - 1], ids[0], ...run, ids.length) as SearchHit[]
          ).reverse();
    let result: Omit<SearchResultDto, 'literal'>;
    const rankWindow = opts.rankWindow ?? RANK_WINDOW;
    const window = opts.before === undefined ? newestIds(Number.MAX_SAFE_INTEGER, rankWindow + 1) : [];
    if (opts.before !== undefined || window.length > rankWindow) {
      const ids = opts.before === undefined ? window.slice(0, limit + 1) : newestIds(opts.before, limit + 1);
      const shown = ids.slice(0, limit);
      result = {
        hits: byRowid(shown),
        order: 'newest',
        more: ids.length > limit ? { before: shown[shown.length - 1]! } : null,
      };
    } else {
      // Every match is in the window: score them all (bm25, FTS5's default rank) over the window's
      // rowid range, then fetch the page's hits. Ties go to the newer match.
      const offset = opts.offset ?? 0;
      const scored =
        window.length === 0
          ? []
          : (store.db
              .prepare(
                `SELECT f.rowid AS id, bm25(samples_fts) AS score FROM samples_fts f ${scoped ? HIT_JOINS : ''}
                  WHERE samples_fts MATCH ? AND f.rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER) ${scope}`,
              )
              .all(m.expression, window[window.length - 1], window[0], ...run) as Array<{ id: number; score: number }>);
      scored.sort((a, b) => a.score - b.score || b.id - a.id);
      const page = scored.slice(offset, offset + limit);
      const one = store.db.prepare(
        `SELECT ${HIT_COLUMNS} FROM samples_fts f ${HIT_JOINS} WHERE samples_fts MATCH ? AND f.rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER)`,
      );
      const hits = page.map((p) => one.get(m.expression, p.id, p.id) as SearchHit);
      result = { hits, order: 'best', more: offset + limit < scored.length ? { offset: offset + limit } : null };
    }
    // Matches are marked out of band (ranges), never by brackets inside the text (splitSnippet).
    const hits = result.hits.map((h) => ({ ...h, ...splitSnippet(h.snippet) }));
    // By default only the policy's own text counts: hits only in tool / environment / user turns are dropped.
    const drop = opts.allTurns
      ? new Set<number>()
      : toolOnlyHits(
          store,
          m.expression,
          hits.map((h) => h.sample_id),
        );
    return { ...result, hits: drop.size ? hits.filter((h) => !drop.has(h.sample_id)) : hits, literal: m.literal };
  } catch (e) {
    // A malformed FTS5 expression is the user's input, not our failure: say what to fix.
    throw new LensError(
      ErrorCode.BadInput,
      `search ${JSON.stringify(query)}: ${(e as Error).message} (FTS5 query syntax: words, "phrases", AND/OR/NOT, prefix*)`,
    );
  }
}
