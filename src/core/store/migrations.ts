// Numbered schema migrations. PRAGMA user_version holds the number of the last one applied.
// Append new migrations; never edit one that has shipped.

import type { SqliteDatabase } from './nativeLoader';
import { countToolUse, recountSuccess } from './successStore';
import { JUDGING_MIGRATIONS } from './judgingMigrations';
import { MEDIA_MIGRATIONS } from './mediaMigrations';
import { FILTER_MIGRATIONS } from './filterMigrations';
import { LABEL_MIGRATIONS } from './labelMigrations';
import { SCALE_MIGRATIONS } from './scaleMigrations';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Work SQL cannot express, run after `sql` in the same transaction. */
  after?: (db: SqliteDatabase) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, prompts, steps, groups, samples, metrics, ingest cursors, full-text index',
    sql: `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT,
  created_at INTEGER NOT NULL,
  meta TEXT
);

-- The same prompt repeats G times per step and across epochs: stored once, keyed by its SHA-1.
CREATE TABLE prompts (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  text TEXT NOT NULL
);

CREATE TABLE steps (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  step INTEGER NOT NULL,
  dirty INTEGER NOT NULL DEFAULT 1,
  samples INTEGER NOT NULL DEFAULT 0,
  groups INTEGER NOT NULL DEFAULT 0,
  reward_mean REAL,
  reward_std REAL,
  mean_length REAL,
  length_unit TEXT,
  stats TEXT,
  UNIQUE (run_id, split, step)
);

-- Per-group aggregates, maintained as samples arrive, so step statistics and the explorer's group
-- lists never scan samples. Lengths are summed in characters and, for samples with logged token
-- ids, in tokens (len_tokens_n of them): a step reports tokens only when every sample has them.
CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
  uid TEXT NOT NULL,
  prompt_id INTEGER NOT NULL REFERENCES prompts(id),
  size INTEGER NOT NULL DEFAULT 0,
  reward_sum REAL NOT NULL DEFAULT 0,
  reward_sumsq REAL NOT NULL DEFAULT 0,
  reward_min REAL,
  reward_max REAL,
  positive_n INTEGER NOT NULL DEFAULT 0,
  correct_n INTEGER NOT NULL DEFAULT 0,
  correct_known INTEGER NOT NULL DEFAULT 0,
  len_tokens_n INTEGER NOT NULL DEFAULT 0,
  chars_sum REAL NOT NULL DEFAULT 0,
  tokens_sum REAL NOT NULL DEFAULT 0,
  success_n INTEGER NOT NULL DEFAULT 0,
  chars_correct REAL NOT NULL DEFAULT 0,
  tokens_correct REAL NOT NULL DEFAULT 0,
  chars_wrong REAL NOT NULL DEFAULT 0,
  tokens_wrong REAL NOT NULL DEFAULT 0,
  finish_known INTEGER NOT NULL DEFAULT 0,
  truncated_n INTEGER NOT NULL DEFAULT 0,
  stopped_n INTEGER NOT NULL DEFAULT 0,
  chars_stopped REAL NOT NULL DEFAULT 0,
  tokens_stopped REAL NOT NULL DEFAULT 0,
  reflect_sum INTEGER NOT NULL DEFAULT 0,
  reflect_n INTEGER NOT NULL DEFAULT 0,
  UNIQUE (step_id, uid)
);
CREATE INDEX groups_by_prompt ON groups (prompt_id);

-- Identity of a sample: (run, split, step, group, idx) = (group_id, idx). Small columns first:
-- reading them never walks past a long response.
CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  file_id INTEGER,
  reward REAL NOT NULL,
  correct INTEGER,
  finish_reason TEXT,
  length_tokens INTEGER,
  length_chars INTEGER NOT NULL,
  advantage REAL,
  data_source TEXT,
  components TEXT,
  ground_truth TEXT,
  rationale TEXT,
  meta TEXT,
  turns TEXT,
  response_ids BLOB,
  response_tokens TEXT,
  logprobs BLOB,
  token_advantages BLOB,
  response TEXT NOT NULL,
  UNIQUE (group_id, idx)
);

CREATE TABLE metric_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES metric_keys(id),
  step INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, key_id, step)
) WITHOUT ROWID;

-- One row per source file: the durable ingest cursor, committed with the rows it covers.
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  dev INTEGER,
  ino INTEGER,
  head_hash TEXT,
  head_len INTEGER NOT NULL DEFAULT 0,
  offset INTEGER NOT NULL DEFAULT 0,
  line INTEGER NOT NULL DEFAULT 0,
  size INTEGER,
  mtime_ms REAL,
  state TEXT,
  UNIQUE (run_id, path)
);

-- Rows without an explicit index are numbered per (file, group); the count survives restarts.
CREATE TABLE file_group_counts (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  PRIMARY KEY (file_id, group_id)
) WITHOUT ROWID;

-- Work done behind ingest, from watermarks over samples.id (ids only grow): the FTS5 index over
-- responses and the reflection-keyword counts (with the keyword config they were counted with).
CREATE VIRTUAL TABLE samples_fts USING fts5(response, content='samples', content_rowid='id');
CREATE TABLE enrich_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fts_upto INTEGER NOT NULL,
  reflect_upto INTEGER NOT NULL,
  reflect_config TEXT
);
INSERT INTO enrich_state (id, fts_upto, reflect_upto, reflect_config) VALUES (1, 0, 0, NULL);
`,
  },
  {
    version: 2,
    description: 're-score sets and their per-sample results (logged rewards are never overwritten)',
    sql: `
-- One application of a reward spec (canonical JSON) to a selection of a run's samples. A set left
-- 'running' by a crash, or stopped, is 'incomplete' with a reason; re-running it resumes.
CREATE TABLE rescore_sets (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  spec TEXT NOT NULL,
  label TEXT NOT NULL,
  selection TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
  reason TEXT,
  total INTEGER NOT NULL DEFAULT 0,
  scored INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rescore_sets_by_run ON rescore_sets (run_id, spec, selection);

-- score is NULL exactly when error is set; correct is the function's verdict when it has one.
CREATE TABLE rescore_results (
  set_id INTEGER NOT NULL REFERENCES rescore_sets(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  score REAL,
  correct INTEGER,
  components TEXT,
  rationale TEXT,
  extracted TEXT,
  error TEXT,
  PRIMARY KEY (set_id, sample_id)
) WITHOUT ROWID;
CREATE INDEX rescore_results_by_sample ON rescore_results (sample_id);
`,
  },
  {
    version: 3,
    description: 'launched runs (process, job, log offset, exit) and their GPU samples',
    sql: `
-- One row per launch of a run (a restart adds a row with attempt + 1). What a new supervisor needs
-- to reattach after an engine restart: the process group leader's pid and its start time in clock
-- ticks (/proc/<pid>/stat field 22, so a reused pid is not mistaken for the run), or the Slurm job /
-- Ray submission id; the log and how far its metrics were parsed (committed with those metrics).
CREATE TABLE run_launches (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  profile_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  backend TEXT NOT NULL CHECK (backend IN ('local', 'slurm', 'ray')),
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'stopping', 'succeeded', 'failed', 'stopped', 'lost')),
  pid INTEGER,
  pid_start INTEGER,
  job_id TEXT,
  run_dir TEXT NOT NULL,
  log_path TEXT NOT NULL,
  log_offset INTEGER NOT NULL DEFAULT 0,
  log_records INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  exit_signal TEXT,
  exit_note TEXT,
  message TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  last_step INTEGER,
  total_steps INTEGER,
  eta_s REAL,
  drained INTEGER NOT NULL DEFAULT 0,
  owner_pid INTEGER,
  owner_start INTEGER,
  UNIQUE (run_id, attempt)
);
CREATE INDEX run_launches_active ON run_launches (state) WHERE state IN ('pending', 'running', 'stopping');

-- nvidia-smi readings per launch and GPU; run_mem_mib is the memory of the run's own processes.
CREATE TABLE gpu_samples (
  launch_id INTEGER NOT NULL REFERENCES run_launches(id) ON DELETE CASCADE,
  t INTEGER NOT NULL,
  gpu INTEGER NOT NULL,
  uuid TEXT,
  name TEXT,
  util_gpu REAL,
  util_mem REAL,
  mem_used_mib REAL,
  mem_total_mib REAL,
  temp_c REAL,
  power_w REAL,
  power_limit_w REAL,
  run_mem_mib REAL,
  PRIMARY KEY (launch_id, t, gpu)
) WITHOUT ROWID;
`,
  },
  {
    version: 4,
    description: 'per-token training and reference logprobs and entropy; how each run found its groups',
    sql: `
-- logprobs (version 1) stays what the sampler (inference engine) reported; what the trainer
-- recomputed, the reference model's and the entropy are kept apart, each float32 like logprobs.
ALTER TABLE samples ADD COLUMN train_logprobs BLOB;
ALTER TABLE samples ADD COLUMN ref_logprobs BLOB;
ALTER TABLE samples ADD COLUMN entropy BLOB;
-- 'id' (read from the data), 'prompt-text' or 'contiguous'; NULL for runs ingested before.
ALTER TABLE runs ADD COLUMN grouping TEXT;
`,
  },
  {
    version: 5,
    description: 'reward-hacking alerts, their per-step detector state and disabled detectors',
    sql: `
-- One alert: a detector's finding at one step, with the sample ids behind it (JSON array). source is
-- the detector's id, or 'set:<id>' for a re-score set's verifier disagreement.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  step INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL,
  message TEXT NOT NULL,
  samples TEXT NOT NULL
);
CREATE INDEX alerts_by_step ON alerts (run_id, split, step);

-- What each detector accumulated per step from the samples seen so far (its own JSON), so a new
-- sample updates one row instead of re-reading the step.
CREATE TABLE alert_step_state (
  step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
  detector TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (step_id, detector)
) WITHOUT ROWID;

-- Per run: the samples.id watermark the detectors have seen, the thresholds the stored alerts were
-- judged with, and the re-score sets judged (id -> "status:scored:errors").
CREATE TABLE alert_runs (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  samples_upto INTEGER NOT NULL DEFAULT 0,
  thresholds TEXT,
  sets TEXT NOT NULL DEFAULT '{}'
);

-- A detector that threw is off for that run; the error says why.
CREATE TABLE alert_detectors (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  detector TEXT NOT NULL,
  error TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (run_id, detector)
) WITHOUT ROWID;
`,
  },
  {
    version: 6,
    description: 'full-text index: merge segments 16 at a time (ingest adds one per transaction)',
    sql: `
-- FTS5 merges a level's segments once 16 of them exist instead of 4. Ingest adds one segment per
-- transaction, and the default merged them again and again: on 100 MB of responses in 4000-row
-- transactions the index cost 0.89 s of CPU with the default and 0.75 s with 16 (the one-pass
-- 'rebuild' costs 0.79 s). A search then reads up to 16 segments per level, still milliseconds.
INSERT INTO samples_fts (samples_fts, rank) VALUES ('automerge', 16);
`,
  },
  {
    version: 7,
    description: 'success rule per run: the rules its samples used, a threshold, and solved counts re-counted by them',
    sql: `
-- Comma-separated rules (verdict, component:<name>, threshold, reward), most certain first.
ALTER TABLE runs ADD COLUMN success_rule TEXT;
-- Set by the user (rollout-lens success-rule --threshold); applies to samples with no verdict or correctness component.
ALTER TABLE runs ADD COLUMN success_threshold REAL;
-- Samples of the group with a tool or environment turn: the explorer's tool-use badge and filter.
ALTER TABLE groups ADD COLUMN tool_n INTEGER NOT NULL DEFAULT 0;
-- Per step, each reward component's sum and how many samples logged it (the dashboard's component
-- lines), kept by the ingest writer so no chart reads the samples. Filled here once from the samples.
CREATE TABLE step_components (
  step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sum REAL NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (step_id, name)
) WITHOUT ROWID;
INSERT INTO step_components (step_id, name, sum, n)
  SELECT g.step_id, j.key, SUM(j.value), COUNT(*)
    FROM groups g JOIN samples s ON s.group_id = g.id
    JOIN json_each(CASE WHEN json_valid(s.components) THEN s.components ELSE '{}' END) j
   WHERE s.components IS NOT NULL AND j.type IN ('integer', 'real')
   GROUP BY g.step_id, j.key;
`,
    // Before version 7 a sample with no verdict counted as solved when R > 0, even when it logged
    // a correctness component: count again under the rule.
    after: (db) => {
      for (const id of db.prepare('SELECT id FROM runs').pluck().all() as number[]) recountSuccess(db, id);
      countToolUse(db);
    },
  },
  ...MEDIA_MIGRATIONS,
  ...JUDGING_MIGRATIONS,
  ...FILTER_MIGRATIONS,
  ...SCALE_MIGRATIONS,
  ...LABEL_MIGRATIONS,
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
