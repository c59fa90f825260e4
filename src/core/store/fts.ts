// The full-text index over responses is filled behind ingest, in id order, from a watermark: ingest
// stays at parse speed and a search first catches the index up.
import { ErrorCode, LensError } from '../../shared/errors';
import type { Store } from './store';
import { databaseError } from './database';

/** Indexes up to `limit` samples not yet in samples_fts; returns how many were indexed. */
export function indexPendingText(store: Store, limit = Number.MAX_SAFE_INTEGER): number {
  const db = store.db;
  try {
    return db
      .transaction(() => {
        const from = db.prepare('SELECT indexed_upto FROM fts_state WHERE id = 1').pluck().get() as number;
        const to = db
          .prepare('SELECT max(id) FROM (SELECT id FROM samples WHERE id > ? ORDER BY id LIMIT ?)')
          .pluck()
          .get(from, limit) as number | null;
        if (to === null) return 0;
        const n = db
          .prepare('INSERT INTO samples_fts (rowid, response) SELECT id, response FROM samples WHERE id > ? AND id <= ?')
          .run(from, to).changes;
        db.prepare('UPDATE fts_state SET indexed_upto = ? WHERE id = 1').run(to);
        return n;
      })
      .immediate();
  } catch (e) {
    throw databaseError(store.file, e);
  }
}

export interface SearchHit {
  sample_id: number;
  run: string;
  split: string;
  step: number;
  group: string;
  index: number;
  reward: number;
  snippet: string;
}

/**
 * Full-text search (FTS5 query syntax) over responses, optionally within one run. The query is a
 * bound parameter; a malformed FTS expression is reported as bad input by the caller.
 */
export function searchText(store: Store, query: string, opts: { run?: string; limit?: number } = {}): SearchHit[] {
  indexPendingText(store);
  const stmt = store.db.prepare(
      `SELECT s.id AS sample_id, r.name AS run, st.split AS split, st.step AS step, g.uid AS "group", s.idx AS "index",
              s.reward AS reward, snippet(samples_fts, 0, '[', ']', '…', 12) AS snippet
         FROM samples_fts f
         JOIN samples s ON s.id = f.rowid
         JOIN groups g ON g.id = s.group_id
         JOIN steps st ON st.id = g.step_id
         JOIN runs r ON r.id = st.run_id
        WHERE samples_fts MATCH ? AND (? IS NULL OR r.name = ?)
        ORDER BY rank LIMIT ?`,
  );
  try {
    return stmt.all(query, opts.run ?? null, opts.run ?? null, opts.limit ?? 100) as SearchHit[];
  } catch (e) {
    // A malformed FTS5 expression is the user's input, not our failure: say what to fix.
    throw new LensError(ErrorCode.BadInput, `search ${JSON.stringify(query)}: ${(e as Error).message} (FTS5 query syntax: words, "phrases", AND/OR/NOT, prefix*)`);
  }
}
