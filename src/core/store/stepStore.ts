// Recomputes and stores the statistics of steps whose samples changed (steps.dirty = 1).
import type { SqliteDatabase } from './nativeLoader';
import { basicStepStats, type StepSampleRow } from '../analysis/stepMetrics';

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
  const rowsOf = db.prepare(
    `SELECT s.group_id, s.reward, s.correct, s.finish_reason, s.length_tokens, s.length_chars
       FROM groups g JOIN samples s ON s.group_id = g.id WHERE g.step_id = ?`,
  );
  const update = db.prepare(
    `UPDATE steps SET dirty = 0, samples = ?, groups = ?, reward_mean = ?, reward_std = ?,
       mean_length = ?, length_unit = ?, stats = ? WHERE id = ?`,
  );
  db.transaction(() => {
    for (const stepId of dirty) {
      const rows = rowsOf.all(stepId) as StepSampleRow[];
      const s = basicStepStats(rows);
      update.run(s.samples, s.groups, s.reward_mean, s.reward_std, s.mean_length, s.length_unit, null, stepId);
    }
  })();
  return dirty.length;
}
