// Per-step sums the ingest writer keeps so the dashboard's grounding charts never read the samples:
// step_boxes (migration 8) for boxes on images, step_segments (migration 9) for segments in videos.
// Each new sample adds its scores against its first target; the dashboard divides.
import { boxScores, segmentScores, type SampleBoxes, type SampleSegments } from '../../shared/media';
import type { Split } from '../../shared/rollout';
import type { SqliteDatabase, SqliteStatement } from './nativeLoader';
import type { Store } from './store';

/** Adds rows of numbers per step and writes them with one upsert at flush. */
class StepSums<C extends string> {
  private readonly deltas = new Map<number, Record<C, number>>();
  private readonly upsert: SqliteStatement;

  constructor(
    db: SqliteDatabase,
    table: string,
    private readonly columns: readonly C[],
  ) {
    const list = columns.join(', ');
    const marks = columns.map(() => '?').join(', ');
    const adds = columns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
    this.upsert = db.prepare(`INSERT INTO ${table} (step_id, ${list}) VALUES (?, ${marks}) ON CONFLICT (step_id) DO UPDATE SET ${adds}`);
  }

  add(stepId: number, values: Record<C, number>): void {
    const d = this.deltas.get(stepId);
    if (!d) this.deltas.set(stepId, { ...values });
    else for (const c of this.columns) d[c] += values[c];
  }

  flush(): void {
    for (const [stepId, d] of this.deltas) this.upsert.run(stepId, ...this.columns.map((c) => d[c]));
    this.deltas.clear();
  }

  forget(): void {
    this.deltas.clear();
  }
}

const BOX_COLUMNS = ['n', 'iou_sum', 'hit_sum', 'ratio_sum', 'ratio_n'] as const;
const SEGMENT_COLUMNS = ['n', 'unparsable_n', 'tiou_sum', 'tiou_n', 'ratio_sum', 'ratio_n'] as const;

export class GroundingSums {
  private readonly boxes: StepSums<(typeof BOX_COLUMNS)[number]>;
  private readonly segments: StepSums<(typeof SEGMENT_COLUMNS)[number]>;

  constructor(db: SqliteDatabase) {
    this.boxes = new StepSums(db, 'step_boxes', BOX_COLUMNS);
    this.segments = new StepSums(db, 'step_segments', SEGMENT_COLUMNS);
  }

  /** A new sample's boxes; one without a predicted or a target box counts nowhere. */
  addBoxes(stepId: number, boxes: SampleBoxes): void {
    const s = boxScores(boxes.pred[0], boxes.gt[0]);
    if (s.iou === null || s.hit === null) return;
    const ratio = s.area_ratio;
    this.boxes.add(stepId, { n: 1, iou_sum: s.iou, hit_sum: s.hit, ratio_sum: ratio ?? 0, ratio_n: ratio === null ? 0 : 1 });
  }

  /** A new sample's segments: every such sample counts; one whose answer gave no segment counts as unparsable. */
  addSegments(stepId: number, segments: SampleSegments): void {
    const s = segmentScores(segments.pred[0], segments.gt[0]);
    this.segments.add(stepId, {
      n: 1,
      unparsable_n: segments.pred.length === 0 ? 1 : 0,
      tiou_sum: s.tiou ?? 0,
      tiou_n: s.tiou === null ? 0 : 1,
      ratio_sum: s.length_ratio ?? 0,
      ratio_n: s.length_ratio === null ? 0 : 1,
    });
  }

  flush(): void {
    this.boxes.flush();
    this.segments.flush();
  }

  forget(): void {
    this.boxes.forget();
    this.segments.forget();
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
  return bySplit(
    store,
    runId,
    `SELECT st.split, st.step, b.n, b.iou_sum / b.n AS iou, b.hit_sum / b.n AS hit,
            CASE WHEN b.ratio_n > 0 THEN b.ratio_sum / b.ratio_n END AS area_ratio
       FROM steps st JOIN step_boxes b ON b.step_id = st.id
      WHERE st.run_id = ? AND b.n > 0 ORDER BY st.split, st.step`,
  );
}

/** A step's segment means: share of unparsable answers, temporal IoU and predicted ÷ target length. */
export interface StepSegmentMeans {
  n: number;
  unparsable: number;
  tiou: number | null;
  length_ratio: number | null;
}

export function stepSegmentMeans(store: Store, runId: number): Record<Split, Map<number, StepSegmentMeans>> {
  return bySplit(
    store,
    runId,
    `SELECT st.split, st.step, g.n, 1.0 * g.unparsable_n / g.n AS unparsable,
            CASE WHEN g.tiou_n > 0 THEN g.tiou_sum / g.tiou_n END AS tiou,
            CASE WHEN g.ratio_n > 0 THEN g.ratio_sum / g.ratio_n END AS length_ratio
       FROM steps st JOIN step_segments g ON g.step_id = st.id
      WHERE st.run_id = ? AND g.n > 0 ORDER BY st.split, st.step`,
  );
}

function bySplit<T>(store: Store, runId: number, sql: string): Record<Split, Map<number, T>> {
  const rows = store.db.prepare(sql).all(runId) as Array<{ split: Split; step: number } & T>;
  const out: Record<Split, Map<number, T>> = { train: new Map(), val: new Map() };
  for (const { split, step, ...means } of rows) out[split]?.set(step, means as unknown as T);
  return out;
}
