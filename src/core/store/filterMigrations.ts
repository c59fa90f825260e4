// Schema migration for what the trainer filtered out (version 11): per sample, whether the trainer
// trained on it, as prime-rl's effective/ traces tell against all/ (docs/formats.md#prime-rl-verifiers-traces).
// Kept apart from migrations.ts so each file stays readable; never edit one that shipped.
import type { Migration } from './migrations';

export const FILTER_MIGRATIONS: readonly Migration[] = [
  {
    version: 11,
    description: 'trained or filtered out by the trainer, per sample, with the trained traces and batches seen',
    sql: `
-- The trainer's id of the rollout a sample is a branch of (prime-rl: the verifiers trace id).
ALTER TABLE samples ADD COLUMN trace_id TEXT;
-- 1: the trainer trained on it; 0: filtered out (its batch is known and it is not in it); NULL: not known.
ALTER TABLE samples ADD COLUMN trained INTEGER;
-- Why the trainer could not train it, when the sample itself says (an error, an untrainable agent).
ALTER TABLE samples ADD COLUMN filter_reason TEXT;
CREATE INDEX samples_by_trace ON samples (trace_id) WHERE trace_id IS NOT NULL;
-- Group aggregates the ingest writer keeps, so a step's filtered share never reads its samples.
ALTER TABLE groups ADD COLUMN trained_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN filtered_n INTEGER NOT NULL DEFAULT 0;
-- Steps whose trained-on batch has been read (prime-rl effective/): their other samples are filtered out.
CREATE TABLE trained_batches (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY (run_id, split, step)
) WITHOUT ROWID;
-- Traces the trainer trained on, whichever arrives first: the trace's samples or this mark.
CREATE TABLE trained_traces (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY (run_id, split, trace_id)
) WITHOUT ROWID;
`,
  },
];
