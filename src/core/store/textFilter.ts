// The explorer's text filter, asked of the full-text index one step at a time: each step's samples
// lie in a rowid range (steps.first_sample_id..last_sample_id, migration 12), so a page of one
// step's groups reads that step's matches only, and "steps with a matching group" stops at the
// first match of each step. A common word in an 8M-sample run no longer means reading its 4M
// matches to show one step (docs/architecture.md#at-dapo-scale). Ranges are read upward from their
// lower end with integer bounds (CAST, see fts.ts): 0.08 ms for one step of a word in 4M of 8M
// responses, where reading down from the upper end cost 1.3 ms.
import { ErrorCode, LensError } from '../../shared/errors';
import { indexPendingText } from './enrich';
import { matchExpression } from './fts';
import { toolOnlyHits } from './policySearch';
import type { Store } from './store';

/** A step and its samples' rowid range (null bounds: no samples yet). */
export interface StepRange {
  id: number;
  lo: number | null;
  hi: number | null;
}

/** Conditions on `groups g` a matching sample's group must also meet, with their parameters in order. */
export interface GroupConditions {
  where: string[];
  params: unknown[];
}

interface Candidate {
  id: number;
  group_id: number;
  /** 1 when the sample has turns: only then can a match lie outside the policy's text. */
  multi: number;
}

/** Candidates read per query while looking for a step's first match that counts. */
const PROBE = 64;

/** Runs `fn` with the query's FTS5 expression; a malformed query is the user's input (bad_input). */
function withExpression<T>(store: Store, text: string, fn: (expression: string) => T): T {
  indexPendingText(store);
  try {
    return fn(matchExpression(store, text).expression);
  } catch (e) {
    if (e instanceof LensError) throw e;
    throw new LensError(ErrorCode.BadInput, `search ${JSON.stringify(text)}: ${(e as Error).message} (FTS5 query syntax)`);
  }
}

function candidateSql(conds: GroupConditions, probe: boolean): string {
  return `SELECT f.rowid AS id, s.group_id, s.turns IS NOT NULL AS multi
            FROM samples_fts f JOIN samples s ON s.id = f.rowid JOIN groups g ON g.id = s.group_id
           WHERE samples_fts MATCH ? AND f.rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER) AND g.step_id = ?${conds.where.map((w) => ` AND ${w}`).join('')}
           ORDER BY f.rowid${probe ? ` LIMIT ${PROBE}` : ''}`;
}

/** Those of `rows` whose match counts: all with allTurns, else those not only in untrained turns. */
function counting(store: Store, expression: string, rows: readonly Candidate[], allTurns: boolean): Candidate[] {
  if (allTurns || !rows.some((r) => r.multi)) return [...rows];
  const drop = toolOnlyHits(
    store,
    expression,
    rows.filter((r) => r.multi).map((r) => r.id),
  );
  return rows.filter((r) => !drop.has(r.id));
}

/** Of these steps, the ids of those with a group that meets `conds` and has a matching sample. */
export function stepsMatchingText(
  store: Store,
  steps: readonly StepRange[],
  text: string,
  allTurns: boolean,
  conds: GroupConditions,
): number[] {
  return withExpression(store, text, (expression) => {
    const stmt = store.db.prepare(candidateSql(conds, true));
    const out: number[] = [];
    for (const st of steps) {
      if (st.lo === null || st.hi === null) continue;
      // Usually the first probe decides; matches only in tool turns make it read on.
      for (let from = st.lo; from <= st.hi;) {
        const rows = stmt.all(expression, from, st.hi, st.id, ...conds.params) as Candidate[];
        if (counting(store, expression, rows, allTurns).length) {
          out.push(st.id);
          break;
        }
        if (rows.length < PROBE) break;
        from = rows[rows.length - 1]!.id + 1;
      }
    }
    return out;
  });
}

/** Ids of the steps' groups that have a matching sample: one step's matches at a time. */
export function groupsMatchingText(store: Store, steps: readonly StepRange[], text: string, allTurns: boolean): number[] {
  return withExpression(store, text, (expression) => {
    const stmt = store.db.prepare(candidateSql({ where: [], params: [] }, false));
    const out = new Set<number>();
    for (const st of steps) {
      if (st.lo === null || st.hi === null) continue;
      const rows = stmt.all(expression, st.lo, st.hi, st.id) as Candidate[];
      for (const r of counting(store, expression, rows, allTurns)) out.add(r.group_id);
    }
    return [...out];
  });
}

/** Ids of the group's samples that match (G is small: the group's own rowid range). */
export function samplesMatchingText(store: Store, groupId: number, text: string, allTurns: boolean): Set<number> {
  return withExpression(store, text, (expression) => {
    const range = store.db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM samples WHERE group_id = ?').get(groupId) as {
      lo: number | null;
      hi: number | null;
    };
    if (range.lo === null || range.hi === null) return new Set<number>();
    const rows = store.db
      .prepare(
        `SELECT f.rowid AS id, s.group_id, s.turns IS NOT NULL AS multi FROM samples_fts f JOIN samples s ON s.id = f.rowid
          WHERE samples_fts MATCH ? AND f.rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER) AND s.group_id = ? ORDER BY f.rowid`,
      )
      .all(expression, range.lo, range.hi, groupId) as Candidate[];
    return new Set(counting(store, expression, rows, allTurns).map((r) => r.id));
  });
}

/** The step ranges of a run's steps that `where` (on `steps`) selects. */
export function stepRanges(store: Store, where: string, params: readonly unknown[]): StepRange[] {
  return store.db
    .prepare(`SELECT id, first_sample_id AS lo, last_sample_id AS hi FROM steps WHERE ${where} ORDER BY split, step`)
    .all(...params) as StepRange[];
}
/**
 * Sample ids matching an FTS5 query; throws bad_input for a malformed query. Matches only in
 * untrained turns count when `allTurns` is set.
 */
export function matchingSampleIds(store: Store, text: string, allTurns = false): Set<number> {
  indexPendingText(store);
  try {
    const { expression } = matchExpression(store, text);
    const ids = store.db.prepare('SELECT rowid FROM samples_fts WHERE samples_fts MATCH ?').pluck().all(expression) as number[];
    const drop = allTurns ? new Set<number>() : toolOnlyHits(store, expression, ids);
    return new Set(drop.size ? ids.filter((id) => !drop.has(id)) : ids);
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `search ${JSON.stringify(text)}: ${(e as Error).message} (FTS5 query syntax)`);
  }
}
