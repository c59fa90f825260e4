// Which samples the trainer trained on (docs/formats.md#prime-rl-verifiers-traces): prime-rl writes
// every rollout to all/ on arrival and the trained-on subset to effective/ when the batch ships. The
// two files arrive in either order, so both are remembered: the trace ids trained on
// (trained_traces) and the steps whose batch is known (trained_batches). A sample is trained when
// its trace is among the ids, filtered out when its step's batch is known and it is not (yet) among
// them, and not known otherwise. Each mark moves a sample between these states only forward
// (unknown → filtered → trained, or unknown → trained) under a WHERE that checks its state, so a
// file read twice changes nothing and the group counts move exactly once.
import type { SqliteDatabase, SqliteStatement as Statement } from './nativeLoader';
import type { Split } from '../../shared/rollout';

/** A change of one group's counts, and the step to mark dirty. */
export interface MarkDelta {
  groupId: number;
  stepId: number;
  trained: number;
  filtered: number;
}

export class TrainedMarks {
  private readonly selTrace: Statement;
  private readonly selBatch: Statement;
  private readonly insBatch: Statement;
  private readonly insTrace: Statement;
  private readonly selStep: Statement;
  private readonly filterRest: Statement;
  private readonly selByTrace: Statement;
  private readonly setTrained: Statement;

  constructor(
    db: SqliteDatabase,
    private readonly runId: number,
  ) {
    this.selTrace = db.prepare('SELECT 1 FROM trained_traces WHERE run_id = ? AND split = ? AND trace_id = ?').pluck();
    this.selBatch = db.prepare('SELECT 1 FROM trained_batches WHERE run_id = ? AND split = ? AND step = ?').pluck();
    this.insBatch = db.prepare('INSERT INTO trained_batches (run_id, split, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.insTrace = db.prepare('INSERT INTO trained_traces (run_id, split, trace_id, step) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.selStep = db.prepare('SELECT id FROM steps WHERE run_id = ? AND split = ? AND step = ?').pluck();
    this.filterRest = db
      .prepare(
        'UPDATE samples SET trained = 0 WHERE trained IS NULL AND group_id IN (SELECT id FROM groups WHERE step_id = ?) RETURNING group_id',
      )
      .pluck();
    this.selByTrace = db.prepare(
      `SELECT sa.id, sa.group_id, g.step_id, sa.trained FROM samples sa JOIN groups g ON g.id = sa.group_id
         JOIN steps st ON st.id = g.step_id WHERE sa.trace_id = ? AND st.run_id = ? AND st.split = ?`,
    );
    this.setTrained = db.prepare('UPDATE samples SET trained = 1 WHERE id = ?');
  }

  /** A new sample's mark from what was read before it: 1 trained, 0 filtered out, null not known. */
  atInsert(split: Split, step: number, traceId: string | undefined, logged: boolean | undefined): number | null {
    if (traceId !== undefined) {
      if (this.selTrace.get(this.runId, split, traceId) !== undefined) return 1;
      if (this.selBatch.get(this.runId, split, step) !== undefined) return 0;
    }
    return logged === undefined ? null : logged ? 1 : 0;
  }

  /** The batch of `step` trained on these traces: marks what was stored, remembers the rest. */
  markBatch(split: Split, step: number, traceIds: readonly string[]): MarkDelta[] {
    const out: MarkDelta[] = [];
    if (this.insBatch.run(this.runId, split, step).changes > 0) {
      const stepId = this.selStep.get(this.runId, split, step) as number | undefined;
      if (stepId !== undefined)
        for (const groupId of this.filterRest.all(stepId) as number[]) out.push({ groupId, stepId, trained: 0, filtered: 1 });
    }
    for (const id of traceIds) {
      if (this.insTrace.run(this.runId, split, id, step).changes === 0) continue;
      const rows = this.selByTrace.all(id, this.runId, split) as Array<{
        id: number;
        group_id: number;
        step_id: number;
        trained: number | null;
      }>;
      for (const r of rows) {
        if (r.trained === 1) continue;
        this.setTrained.run(r.id);
        out.push({ groupId: r.group_id, stepId: r.step_id, trained: 1, filtered: r.trained === 0 ? -1 : 0 });
      }
    }
    return out;
  }
}
