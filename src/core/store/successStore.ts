// The run's success rule as stored (migration 7): the rules its samples used and the threshold the
// user set, and the re-count of every group's solved samples when the threshold changes (or when
// an older database is migrated). The rule itself: src/shared/success.ts and ../analysis/success.ts.
import { joinRules } from '../../shared/success';
import { usesTools, type Turn } from '../../shared/rollout';
import { sampleOutcome } from '../analysis/success';
import { addOutcome, type OutcomeCounts } from '../analysis/groupAggregates';
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

/**
 * Counts every group's solved samples of the run again under its stored threshold, and the rules
 * used; marks the run's steps dirty so their statistics are derived again on the next read. One
 * pass over the run's small sample columns (never the response text). Call inside a transaction.
 */
export function recountSuccess(db: SqliteDatabase, runId: number): void {
  const { threshold } = runSuccessRule(db, runId);
  const rules = new Set<string>();
  // Counted first, written after: a connection cannot write while it iterates (better-sqlite3).
  // One small record per group, never one per sample.
  const counts = new Map<number, OutcomeCounts>();
  const rows = db
    .prepare(
      `SELECT s.group_id, s.reward, s.correct, s.components, s.length_tokens, s.length_chars
         FROM steps st JOIN groups g ON g.step_id = st.id JOIN samples s ON s.group_id = g.id
        WHERE st.run_id = ?`,
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
    let c = counts.get(r.group_id);
    if (!c) counts.set(r.group_id, (c = { success_n: 0, chars_correct: 0, tokens_correct: 0, chars_wrong: 0, tokens_wrong: 0 }));
    const o = sampleOutcome(r, threshold);
    rules.add(o.rule);
    addOutcome(c, o.success, r.length_chars, r.length_tokens ?? 0);
  }
  const update = db.prepare(
    `UPDATE groups SET success_n = ?, chars_correct = ?, tokens_correct = ?, chars_wrong = ?, tokens_wrong = ? WHERE id = ?`,
  );
  for (const [id, c] of counts) update.run(c.success_n, c.chars_correct, c.tokens_correct, c.chars_wrong, c.tokens_wrong, id);
  db.prepare('UPDATE runs SET success_rule = ? WHERE id = ?').run(rules.size ? joinRules(rules) : null, runId);
  db.prepare('UPDATE steps SET dirty = 1 WHERE run_id = ?').run(runId);
}

/** Counts each group's tool-use samples (migration 7: the writer counts them as rows arrive since). */
export function countToolUse(db: SqliteDatabase): void {
  const counts = new Map<number, number>();
  const rows = db.prepare('SELECT group_id, turns FROM samples WHERE turns IS NOT NULL').iterate() as IterableIterator<{
    group_id: number;
    turns: string;
  }>;
  for (const r of rows) if (usesTools(JSON.parse(r.turns) as Turn[])) counts.set(r.group_id, (counts.get(r.group_id) ?? 0) + 1);
  const update = db.prepare('UPDATE groups SET tool_n = ? WHERE id = ?');
  for (const [id, n] of counts) update.run(n, id);
}

/** Sets (or with null clears) the run's success threshold and re-counts its groups. Call inside a transaction. */
export function setSuccessThreshold(db: SqliteDatabase, runId: number, threshold: number | null): void {
  db.prepare('UPDATE runs SET success_threshold = ? WHERE id = ?').run(threshold, runId);
  recountSuccess(db, runId);
}
