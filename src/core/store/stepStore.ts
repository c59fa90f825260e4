// Step statistics from the per-group aggregates (never from a scan of samples): recomputed for the
// steps whose samples changed (steps.dirty = 1) and stored with the step.
import type { SqliteDatabase } from './nativeLoader';
import { emptyAggregate, stepStatsFromGroups, type GroupAggregate } from '../analysis/groupAggregates';

/** Recomputes every dirty step of a run (or of all runs); returns how many steps were updated. */
export function recomputeDirtySteps(db: SqliteDatabase, runId?: number): number {
  const dirty = (
    runId === undefined
      ? db.prepare('SELECT id FROM steps WHERE dirty = 1')
      : db.prepare('SELECT id FROM steps WHERE dirty = 1 AND run_id = ?')
  )
    .pluck()
    .all(...(runId === undefined ? [] : [runId])) as number[];
  if (dirty.length === 0) return 0;
  const groupsOf = db.prepare(`SELECT ${Object.keys(emptyAggregate()).join(', ')} FROM groups WHERE step_id = ?`);
  const update = db.prepare(
    `UPDATE steps SET dirty = 0, samples = ?, groups = ?, reward_mean = ?, reward_std = ?,
       mean_length = ?, length_unit = ?, stats = ? WHERE id = ?`,
  );
  db.transaction(() => {
    for (const stepId of dirty) {
      const { basic, extra } = stepStatsFromGroups(groupsOf.all(stepId) as GroupAggregate[]);
      update.run(
        basic.samples,
        basic.groups,
        basic.reward_mean,
        basic.reward_std,
        basic.mean_length,
        basic.length_unit,
        JSON.stringify(extra),
        stepId,
      );
    }
  })();
  return dirty.length;
}

/** The stored statistics columns of a step. */
export interface StoredStepStats {
  samples: number;
  groups: number;
  reward_mean: number | null;
  reward_std: number | null;
  mean_length: number | null;
  length_unit: string | null;
  stats: string | null;
}

/**
 * Step rows as a reader must see them: a step whose samples changed since its statistics were
 * stored (dirty: an ingest in progress, or one killed before its pass ended) gets them derived from
 * its group aggregates, which are committed with the rows. So a reader never sees 0 samples for
 * stored data. Nothing is written: readers may hold read-only connections.
 */
export function withFreshStepStats<T extends StoredStepStats & { id: number; dirty: number }>(db: SqliteDatabase, rows: T[]): T[] {
  if (!rows.some((r) => r.dirty)) return rows;
  const groupsOf = db.prepare(`SELECT ${Object.keys(emptyAggregate()).join(', ')} FROM groups WHERE step_id = ?`);
  return rows.map((r) => {
    if (!r.dirty) return r;
    const { basic, extra } = stepStatsFromGroups(groupsOf.all(r.id) as GroupAggregate[]);
    return { ...r, ...basic, stats: JSON.stringify(extra) };
  });
}

/** SQL for a step's sample and group counts that stays true while the step is dirty (alias `s`). */
export const STEP_SAMPLES_SQL = `CASE WHEN s.dirty = 0 THEN s.samples ELSE (SELECT coalesce(SUM(g.size), 0) FROM groups g WHERE g.step_id = s.id) END`;
export const STEP_GROUPS_SQL = `CASE WHEN s.dirty = 0 THEN s.groups ELSE (SELECT COUNT(*) FROM groups g WHERE g.step_id = s.id AND g.size > 0) END`;
