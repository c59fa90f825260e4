// Schema migration for labels (version 13): tags and notes people put on groups and samples. Kept
// apart from migrations.ts so each file stays readable; never edit one that shipped.
import type { Migration } from './migrations';

export const LABEL_MIGRATIONS: readonly Migration[] = [
  {
    version: 13,
    description: 'labels: a tag and a note on a group or a sample, by who and when',
    sql: `
-- Keyed by the sample's identity (docs/architecture.md#sample-identity), not by samples.id or
-- runs.id: a label is a person's judgement and must outlive deleting and re-ingesting the run, and a
-- re-ingest hands out new row ids. No foreign keys for the same reason: a label whose target is gone
-- stays and is reported as missing. sample_idx is -1 for a label on the whole group.
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  split TEXT NOT NULL,
  step INTEGER NOT NULL,
  group_uid TEXT NOT NULL,
  sample_idx INTEGER NOT NULL,
  tag TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  -- The same tag on the same target is one label, however often it is added.
  UNIQUE (run, split, step, group_uid, sample_idx, tag)
);
CREATE INDEX labels_by_tag ON labels (run, tag);
`,
  },
];
