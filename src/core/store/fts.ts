// Full-text search over responses. Ingest indexes its rows as it writes them (inlineEnrich.ts); a
// search first catches up any backlog (enrich.ts), so results are never stale.
import { splitSnippet } from '../../shared/text';
import { ErrorCode, LensError } from '../../shared/errors';
import type { SearchHitDto } from '../../shared/protocol/engine';
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

/**
 * Full-text search (FTS5 query syntax) over responses, optionally within one run. The query is a
 * bound parameter; a malformed FTS expression is reported as bad input by the caller. Hits only in
 * tool / environment / user turns count when `allTurns` is set (rolloutLens.search.includeAllTurns).
 */
export function searchText(
  store: Store,
  query: string,
  opts: { run?: string; limit?: number; allTurns?: boolean } = {},
): { hits: SearchHit[]; literal: boolean } {
  indexPendingText(store);
  const m = matchExpression(store, query);
  const stmt = store.db.prepare(
    `SELECT s.id AS sample_id, r.name AS run, st.split AS split, st.step AS step, g.uid AS "group", s.idx AS "index",
              s.reward AS reward, snippet(samples_fts, 0, char(2), char(3), '…', 12) AS snippet
         FROM samples_fts f
         JOIN samples s ON s.id = f.rowid
         JOIN groups g ON g.id = s.group_id
         JOIN steps st ON st.id = g.step_id
         JOIN runs r ON r.id = st.run_id
        WHERE samples_fts MATCH ? AND (? IS NULL OR r.name = ?)
        ORDER BY rank LIMIT ?`,
  );
  try {
    // Matches are marked out of band (ranges), never by brackets inside the text (splitSnippet).
    const hits = (stmt.all(m.expression, opts.run ?? null, opts.run ?? null, opts.limit ?? 100) as SearchHit[]).map((h) => ({
      ...h,
      ...splitSnippet(h.snippet),
    }));
    // By default only the policy's own text counts: hits only in tool / environment / user turns are dropped.
    if (opts.allTurns) return { hits, literal: m.literal };
    const drop = toolOnlyHits(
      store,
      m.expression,
      hits.map((h) => h.sample_id),
    );
    return { hits: drop.size ? hits.filter((h) => !drop.has(h.sample_id)) : hits, literal: m.literal };
  } catch (e) {
    // A malformed FTS5 expression is the user's input, not our failure: say what to fix.
    throw new LensError(
      ErrorCode.BadInput,
      `search ${JSON.stringify(query)}: ${(e as Error).message} (FTS5 query syntax: words, "phrases", AND/OR/NOT, prefix*)`,
    );
  }
}
