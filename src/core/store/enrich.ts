// The full-text index and reflection-keyword counts, from watermarks over samples.id. An ingest
// with enrichment on writes both with its rows (inlineEnrich.ts) while the watermarks are caught up;
// these passes catch up what is behind them (an ingest with enrichment off, a changed keyword list,
// a store from before), in batches, each batch one transaction.
import type { ReflectionMatcher } from '../analysis/reflection';
import { databaseError } from './database';
import type { Store } from './store';
import { policyText } from '../tokenize/trainedTurns';

const BATCH = 5000;

interface EnrichState {
  fts_upto: number;
  reflect_upto: number;
  reflect_config: string | null;
}

function state(store: Store): EnrichState {
  return store.db.prepare('SELECT fts_upto, reflect_upto, reflect_config FROM enrich_state WHERE id = 1').get() as EnrichState;
}

/** Indexes up to `limit` samples not yet in samples_fts; returns how many were indexed. */
export function indexPendingText(store: Store, limit = Number.MAX_SAFE_INTEGER): number {
  const db = store.db;
  try {
    return db
      .transaction(() => {
        const from = state(store).fts_upto;
        const to = db.prepare('SELECT max(id) FROM (SELECT id FROM samples WHERE id > ? ORDER BY id LIMIT ?)').pluck().get(from, limit) as
          number | null;
        if (to === null) return 0;
        const n = db
          .prepare('INSERT INTO samples_fts (rowid, response) SELECT id, response FROM samples WHERE id > ? AND id <= ?')
          .run(from, to).changes;
        db.prepare('UPDATE enrich_state SET fts_upto = ? WHERE id = 1').run(to);
        return n;
      })
      .immediate();
  } catch (e) {
    throw databaseError(store.file, e);
  }
}

/** The identity of a keyword configuration: counts made with another one are redone. */
export function reflectionConfigKey(m: ReflectionMatcher): string {
  // scope: counts cover the policy's own turns only (a change of scope recounts, like one of keywords).
  return JSON.stringify({ mode: m.mode, keywords: m.keywords, scope: 'policy' });
}

/**
 * Counts reflection keywords for samples not yet counted with this matcher's configuration into the
 * group aggregates (per-sample counts are cheap to redo for the G samples on screen, and rewriting
 * every sample row would cost as much as ingesting it again), and marks their steps. Returns
 * how many samples were counted. A different configuration than the stored one restarts from zero.
 */
export function countPendingReflections(store: Store, matcher: ReflectionMatcher, limit = Number.MAX_SAFE_INTEGER): number {
  const db = store.db;
  const config = reflectionConfigKey(matcher);
  try {
    return db
      .transaction(() => {
        let st = state(store);
        if (st.reflect_config !== config) {
          db.exec('UPDATE groups SET reflect_sum = 0, reflect_n = 0');
          db.exec('UPDATE steps SET dirty = 1');
          db.prepare('UPDATE enrich_state SET reflect_upto = 0, reflect_config = ? WHERE id = 1').run(config);
          st = { ...st, reflect_upto: 0 };
        }
        const rows = db
          .prepare('SELECT id, group_id, response, turns FROM samples WHERE id > ? ORDER BY id LIMIT ?')
          .raw()
          .iterate(st.reflect_upto, limit) as IterableIterator<[number, number, string, string | null]>;
        const deltas = new Map<number, [number, number]>();
        let last = st.reflect_upto;
        let n = 0;
        for (const [id, groupId, response, turns] of rows) {
          const c = matcher.count(policyText(response, turns));
          const d = deltas.get(groupId) ?? [0, 0];
          d[0] += c;
          if (c > 0) d[1]++;
          deltas.set(groupId, d);
          last = id;
          n++;
        }
        const upd = db.prepare('UPDATE groups SET reflect_sum = reflect_sum + ?, reflect_n = reflect_n + ? WHERE id = ?');
        const mark = db.prepare('UPDATE steps SET dirty = 1 WHERE id = (SELECT step_id FROM groups WHERE id = ?)');
        for (const [groupId, [sum, hits]] of deltas) {
          upd.run(sum, hits, groupId);
          mark.run(groupId);
        }
        db.prepare('UPDATE enrich_state SET reflect_upto = ? WHERE id = 1').run(last);
        return n;
      })
      .immediate();
  } catch (e) {
    throw databaseError(store.file, e);
  }
}

/** Runs both passes to completion in batches, letting the event loop breathe between them. */
export async function enrichPending(
  store: Store,
  matcher: ReflectionMatcher,
  opts: { signal?: AbortSignal; breathe?: () => Promise<void> } = {},
): Promise<{ indexed: number; counted: number }> {
  let indexed = 0;
  let counted = 0;
  for (;;) {
    const a = indexPendingText(store, BATCH);
    const b = countPendingReflections(store, matcher, BATCH);
    indexed += a;
    counted += b;
    if (a === 0 && b === 0) break;
    if (opts.signal?.aborted) break;
    await opts.breathe?.();
  }
  if (counted) store.recomputeSteps();
  return { indexed, counted };
}
