// The dashboard's column of what the trainer filtered out (prime-rl: in all/, not in effective/),
// one value per step: the share of the step's samples it did not train on, among those whose
// trained-on batch is known, and how many those are. Null where a step's batch is not known.
import type { StepStatsRow } from '../../rollout';

type Column = Array<number | null>;

export interface TrainerFilterColumns {
  filtered_ratio: Column;
  known: Column;
}

/** Null when no step of the split has a known batch (the chart is then left out). */
export function trainerFilterColumns(rows: readonly StepStatsRow[]): TrainerFilterColumns | null {
  if (!rows.some((r) => r.trainer_filter)) return null;
  return {
    filtered_ratio: rows.map((r) => r.trainer_filter?.filtered_ratio ?? null),
    known: rows.map((r) => r.trainer_filter?.known ?? null),
  };
}
