// Per-step box statistics (table step_boxes, migration 8): the ingest writer adds each new grounding
// sample's IoU, hit and predicted ÷ target area against its first target box, and the dashboard
// reads the means, one small row per step, never the samples.
import { boxScores, type SampleBoxes } from '../../shared/media';
import type { Split } from '../../shared/rollout';
import type { SqliteDatabase, SqliteStatement } from './nativeLoader';
import type { Store } from './store';

interface BoxSums {
  n: number;
  iou: number;
  hit: number;
  ratio: number;
  ratioN: number;
}

export class StepBoxSums {
  private readonly deltas = new Map<number, BoxSums>();
  private readonly upsert: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO step_boxes (step_id, n, iou_sum, hit_sum, ratio_sum, ratio_n) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (step_id) DO UPDATE SET n = n + excluded.n, iou_sum = iou_sum + excluded.iou_sum, hit_sum = hit_sum + excluded.hit_sum,
         ratio_sum = ratio_sum + excluded.ratio_sum, ratio_n = ratio_n + excluded.ratio_n`,
    );
  }

  /** A new sample's boxes; one without a predicted or a target box counts nowhere. */
  add(stepId: number, boxes: SampleBoxes): void {
    const s = boxScores(boxes.pred[0], boxes.gt[0]);
    if (s.iou === null || s.hit === null) return;
    let d = this.deltas.get(stepId);
    if (!d) this.deltas.set(stepId, (d = { n: 0, iou: 0, hit: 0, ratio: 0, ratioN: 0 }));
    d.n++;
    d.iou += s.iou;
    d.hit += s.hit;
    if (s.area_ratio !== null) {
      d.ratio += s.area_ratio;
      d.ratioN++;
    }
  }

  flush(): void {
    for (const [stepId, d] of this.deltas) this.upsert.run(stepId, d.n, d.iou, d.hit, d.ratio, d.ratioN);
    this.deltas.clear();
  }

  forget(): void {
    this.deltas.clear();
  }
}

/** A step's box means: IoU, hit rate and predicted ÷ target area (null when no target had an area). */
export interface StepBoxMeans {
  n: number;
  iou: number;
  hit: number;
  area_ratio: number | null;
}

export function stepBoxMeans(store: Store, runId: number): Record<Split, Map<number, StepBoxMeans>> {
  const rows = store.db
    .prepare(
      `SELECT st.split, st.step, b.n, b.iou_sum / b.n AS iou, b.hit_sum / b.n AS hit,
              CASE WHEN b.ratio_n > 0 THEN b.ratio_sum / b.ratio_n END AS area_ratio
         FROM steps st JOIN step_boxes b ON b.step_id = st.id
        WHERE st.run_id = ? AND b.n > 0 ORDER BY st.split, st.step`,
    )
    .all(runId) as Array<{ split: Split; step: number } & StepBoxMeans>;
  const out: Record<Split, Map<number, StepBoxMeans>> = { train: new Map(), val: new Map() };
  for (const { split, step, ...means } of rows) out[split]?.set(step, means);
  return out;
}
