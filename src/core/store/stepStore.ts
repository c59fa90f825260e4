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
  const groupsOf = db.prepare(
    `SELECT ${Object.keys(emptyAggregate()).join(', ')} FROM groups WHERE step_id = ?`,
  );
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
