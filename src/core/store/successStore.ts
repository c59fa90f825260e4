// The run's success rule as stored (migration 7): the rules its samples used and the threshold the
// user set, and the re-count of every group's solved samples when the threshold changes (or when
// an older database is migrated). The rule itself: src/shared/success.ts and ../analysis/success.ts.
import { joinRules } from '../../shared/success';
import { sampleOutcome } from '../analysis/success';
import type { SqliteDatabase } from './nativeLoader';

export interface StoredSuccessRule {
  /** Comma-separated rules its samples used, most certain first; null before any sample. */
  rules: string | null;
  threshold: number | null;
}

export function runSuccessRule(db: SqliteDatabase, runId: number): StoredSuccessRule {
  const row = db.prepare('SELECT success_rule AS rules, success_threshold AS threshold FROM runs WHERE id = ?').get(runId) as
    StoredSuccessRule | undefined;
  return row ?? { rules: null, threshold: null };
}

/** Adds the rules this batch used to the run's list (the writer calls it inside its transaction). */
export function saveRunRules(db: SqliteDatabase, runId: number, seen: Iterable<string>): void {
  const stored = runSuccessRule(db, runId).rules;
  const all = joinRules([...(stored ? stored.split(',') : []), ...seen]);
  if (all !== stored) db.prepare('UPDATE runs SET success_rule = ? WHERE id = ?').run(all, runId);
}

interface Counted {
  success_n: number;
  chars_correct: number;
  tokens_correct: number;
  chars_wrong: number;
  tokens_wrong: number;
}

/**
 * Counts every group's solved samples of the run again under its stored threshold, and the rules
 * used; marks the run's steps dirty so their statistics are derived again on the next read. One
 * pass over the run's small sample columns (never the response text). Call inside a transaction.
 */
export function recountSuccess(db: SqliteDatabase, runId: number): void {
  const { threshold } = runSuccessRule(db, runId);
  const update = db.prepare(
    `UPDATE groups SET success_n = ?, chars_correct = ?, tokens_correct = ?, chars_wrong = ?, tokens_wrong = ? WHERE id = ?`,
  );
  const rules = new Set<string>();
  let groupId = -1;
  let c: Counted | undefined;
  const save = (): void => {
    if (c) update.run(c.success_n, c.chars_correct, c.tokens_correct, c.chars_wrong, c.tokens_wrong, groupId);
  };
  const rows = db
    .prepare(
      `SELECT s.group_id, s.reward, s.correct, s.components, s.length_tokens, s.length_chars
         FROM steps st JOIN groups g ON g.step_id = st.id JOIN samples s ON s.group_id = g.id
        WHERE st.run_id = ? ORDER BY s.group_id`,
    )
    .iterate(runId) as IterableIterator<{
    group_id: number;
    reward: number;
    correct: number | null;
    components: string | null;
    length_tokens: number | null;
    length_chars: number;
  }>;
  for (const r of rows) {
    if (r.group_id !== groupId) {
      save();
      groupId = r.group_id;
      c = { success_n: 0, chars_correct: 0, tokens_correct: 0, chars_wrong: 0, tokens_wrong: 0 };
    }
    const o = sampleOutcome(r, threshold);
    rules.add(o.rule);
    const tokens = r.length_tokens ?? 0;
    if (o.success) {
      c!.success_n++;
      c!.chars_correct += r.length_chars;
      c!.tokens_correct += tokens;
    } else {
      c!.chars_wrong += r.length_chars;
      c!.tokens_wrong += tokens;
    }
  }
  save();
  db.prepare('UPDATE runs SET success_rule = ? WHERE id = ?').run(rules.size ? joinRules(rules) : null, runId);
  db.prepare('UPDATE steps SET dirty = 1 WHERE run_id = ?').run(runId);
}

/** Sets (or with null clears) the run's success threshold and re-counts its groups. Call inside a transaction. */
export function setSuccessThreshold(db: SqliteDatabase, runId: number, threshold: number | null): void {
  db.prepare('UPDATE runs SET success_threshold = ? WHERE id = ?').run(threshold, runId);
  recountSuccess(db, runId);
}
