// Schema migration for runs of millions of samples (version 12): per-prompt aggregates, so `prompts`
// ranks a run's prompts without reading every group. Kept apart from migrations.ts so each file stays
// readable; never edit one that shipped. Numbers: docs/architecture.md#at-dapo-scale.
import type { Migration } from './migrations';
import type { SqliteDatabase } from './nativeLoader';

/** A group gives gradient when its rewards differ (the definition `prompts` has always used). */
const TRAINABLE = (g: string): string => `coalesce(${g}.reward_min <> ${g}.reward_max, 0)`;

/**
 * Fills prompt_lives from the groups (existing databases, once). SQLite groups with a sorter that
 * spills to disk, so memory stays flat however many groups there are.
 */
export function fillPromptLives(db: SqliteDatabase): void {
  db.exec(`DELETE FROM prompt_lives;
INSERT INTO prompt_lives (run_id, split, prompt_id, appearances, trainable, first_step, last_step, last_trainable_step)
  SELECT st.run_id, st.split, g.prompt_id, COUNT(*), SUM(${TRAINABLE('g')}), MIN(st.step), MAX(st.step),
         MAX(CASE WHEN ${TRAINABLE('g')} THEN st.step END)
    FROM groups g JOIN steps st ON st.id = g.step_id
   GROUP BY st.run_id, st.split, g.prompt_id;`);
}

/** Each step's sample id range, from the samples' (group_id, idx) index: one pass, once. */
export function fillStepRanges(db: SqliteDatabase): void {
  db.exec(`UPDATE steps SET (first_sample_id, last_sample_id) =
    (SELECT min(s.id), max(s.id) FROM groups g JOIN samples s ON s.group_id = g.id WHERE g.step_id = steps.id);`);
}

export const SCALE_MIGRATIONS: readonly Migration[] = [
  {
    version: 12,
    description:
      'per-prompt aggregates (appearances, trainable groups, first / last / last trainable step) kept by triggers; sample id range per step',
    sql: `
-- One row per prompt of a run and split: what \`prompts\` ranks by. The triggers below keep it as the
-- ingest writer inserts groups and widens their reward range, whichever writer does it.
CREATE TABLE prompt_lives (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  prompt_id INTEGER NOT NULL REFERENCES prompts(id),
  appearances INTEGER NOT NULL,
  trainable INTEGER NOT NULL,
  first_step INTEGER NOT NULL,
  last_step INTEGER NOT NULL,
  last_trainable_step INTEGER,
  PRIMARY KEY (run_id, split, prompt_id)
) WITHOUT ROWID;
-- The ranking's order, so a top-N reads N rows of the index (ties on the prompt's hash are sorted among the tied only).
CREATE INDEX prompt_lives_by_rank ON prompt_lives (run_id, split, trainable DESC, appearances DESC, first_step);

-- The lowest and highest sample id of each step, kept by the ingest writer: a text filter asks the
-- full-text index for one step's rowid range instead of every match in the run (textFilter.ts).
ALTER TABLE steps ADD COLUMN first_sample_id INTEGER;
ALTER TABLE steps ADD COLUMN last_sample_id INTEGER;

CREATE TRIGGER prompt_lives_group_added AFTER INSERT ON groups BEGIN
  INSERT INTO prompt_lives (run_id, split, prompt_id, appearances, trainable, first_step, last_step, last_trainable_step)
    SELECT st.run_id, st.split, NEW.prompt_id, 1, ${TRAINABLE('NEW')}, st.step, st.step,
           CASE WHEN ${TRAINABLE('NEW')} THEN st.step END
      FROM steps st WHERE st.id = NEW.step_id
    ON CONFLICT (run_id, split, prompt_id) DO UPDATE SET
      appearances = appearances + 1,
      trainable = trainable + excluded.trainable,
      first_step = min(first_step, excluded.first_step),
      last_step = max(last_step, excluded.last_step),
      last_trainable_step = max(coalesce(last_trainable_step, excluded.last_trainable_step),
                                coalesce(excluded.last_trainable_step, last_trainable_step));
END;

-- A group's reward range only widens as its samples arrive, so it turns trainable at most once.
CREATE TRIGGER prompt_lives_group_trainable AFTER UPDATE OF reward_min, reward_max ON groups
  WHEN ${TRAINABLE('NEW')} AND NOT ${TRAINABLE('OLD')}
BEGIN
  UPDATE prompt_lives
     SET trainable = trainable + 1,
         last_trainable_step = max(coalesce(last_trainable_step, (SELECT step FROM steps WHERE id = NEW.step_id)),
                                   (SELECT step FROM steps WHERE id = NEW.step_id))
   WHERE (run_id, split) = (SELECT run_id, split FROM steps WHERE id = NEW.step_id) AND prompt_id = NEW.prompt_id;
END;
`,
    // Databases made before version 12 already hold groups and samples: count them once.
    after: (db) => {
      fillPromptLives(db);
      fillStepRanges(db);
    },
  },
];
