// Schema migration for rewards without a verifier (version 10): pairwise verdicts (BRPO), several
// reward models (LongWriter-Zero), p(reference) (VeriFree) and Cog-Rethinker's stages. Kept apart
// from migrations.ts so each file stays readable; never edit one that shipped.
import type { Migration } from './migrations';

export const JUDGING_MIGRATIONS: readonly Migration[] = [
  {
    version: 10,
    description: 'rewards without a verifier: pairwise votes, reward models, p(reference) and rollout stages per sample',
    sql: `
-- JSON {reference: true} or {against, votes: [{order, win, score, against_score, critique}]}
-- (docs/native-format.md#judges-reward-models-and-preference).
ALTER TABLE samples ADD COLUMN pairwise TEXT;
-- The BRPO verdict under the default rule (win every vote, a tie loses): 1, -1, 0 for the
-- reference; NULL when not judged. The estimator recomputes it from the votes under other rules.
ALTER TABLE samples ADD COLUMN verdict INTEGER;
-- JSON {models: [component names], length_range: [lo, hi]}.
ALTER TABLE samples ADD COLUMN reward_models TEXT;
-- VeriFree: p(reference), its log-probability (NULL for -inf or not logged) and where the answer part starts.
ALTER TABLE samples ADD COLUMN p_reward REAL;
ALTER TABLE samples ADD COLUMN logp_reward REAL;
ALTER TABLE samples ADD COLUMN answer_offset INTEGER;
-- Cog-Rethinker: direct, decompose or reflect.
ALTER TABLE samples ADD COLUMN stage TEXT;
-- Group aggregates the ingest writer keeps (src/core/analysis/groupAggregates.ts), for the
-- dashboard's BRPO, p(reference) and rescued-prompt charts.
ALTER TABLE groups ADD COLUMN judged_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN verdict_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN against_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN won_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN p_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN p_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN p_zero_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN direct_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN direct_success_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN decompose_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN decompose_success_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN reflect_stage_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN reflect_success_n INTEGER NOT NULL DEFAULT 0;
-- Per step and pair of reward models, the sums a correlation needs, kept by the ingest writer so the
-- dashboard never reads the samples.
CREATE TABLE step_model_pairs (
  step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  n INTEGER NOT NULL,
  sa REAL NOT NULL,
  sb REAL NOT NULL,
  saa REAL NOT NULL,
  sbb REAL NOT NULL,
  sab REAL NOT NULL,
  PRIMARY KEY (step_id, a, b)
);
`,
  },
];
