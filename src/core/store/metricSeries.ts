// Logged scalar metrics of a run (trainer_state.json, verl file logger, metrics JSONL) as series.
import type { Store } from './store';

export function metricKeys(store: Store, run: string): string[] {
  const runId = store.requireRun(run).id;
  return store.db
    .prepare('SELECT DISTINCT k.key FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE m.run_id = ? ORDER BY k.key')
    .pluck()
    .all(runId) as string[];
}

/** key → [[step, value], …] in step order, for the requested keys (unknown keys give empty series). */
export function metricSeries(store: Store, run: string, keys: readonly string[]): Record<string, Array<[number, number | null]>> {
  const runId = store.requireRun(run).id;
  const stmt = store.db.prepare(
    'SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE m.run_id = ? AND k.key = ? ORDER BY m.step',
  );
  const out: Record<string, Array<[number, number | null]>> = {};
  for (const key of keys) out[key] = stmt.raw().all(runId, key) as Array<[number, number | null]>;
  return out;
}
