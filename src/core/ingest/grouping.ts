// How a run's groups were found (the trainer's ids, prompt text, or contiguous blocks), recorded per
// run, and the warning when inferred groups of a step differ in size.
import type { Grouping, Split } from '../../shared/rollout';
import type { SqliteDatabase } from '../store/nativeLoader';

/** Least certain first. */
const GROUPING_CERTAINTY: readonly Grouping[] = ['prompt-text', 'contiguous', 'id'];

/** The least certain of `groupings`: one step grouped by prompt text makes the run's groups inferred. */
export function leastCertain(groupings: ReadonlySet<Grouping>): Grouping {
  return GROUPING_CERTAINTY.find((g) => groupings.has(g))!;
}

/** Records the run's grouping, the least certain of what is stored and what this ingest saw. */
export function saveRunGrouping(db: SqliteDatabase, runId: number, seen: ReadonlySet<Grouping>): void {
  const stored = db.prepare('SELECT grouping FROM runs WHERE id = ?').pluck().get(runId) as Grouping | null;
  const all = new Set(seen);
  if (stored) all.add(stored);
  db.prepare('UPDATE runs SET grouping = ? WHERE id = ?').run(leastCertain(all), runId);
}

/**
 * Inferred groups of a step should all have the size the trainer sampled; a step where they differ
 * (a block of 7 among 8s) probably has a group split or two merged, so the ingest says which step.
 * `steps` holds `split:step` keys.
 */
export function inferredGroupSizeWarnings(db: SqliteDatabase, runId: number, steps: ReadonlySet<string>): string[] {
  const grouping = db.prepare('SELECT grouping FROM runs WHERE id = ?').pluck().get(runId) as Grouping | null;
  if (grouping !== 'prompt-text' && grouping !== 'contiguous') return [];
  const sizes = db.prepare(
    `SELECT g.size, COUNT(*) FROM groups g JOIN steps s ON s.id = g.step_id
      WHERE s.run_id = ? AND s.split = ? AND s.step = ? GROUP BY g.size ORDER BY COUNT(*) DESC, g.size`,
  );
  const out: string[] = [];
  for (const key of steps) {
    const [split, step] = key.split(':') as [Split, string];
    const rows = sizes.raw().all(runId, split, Number(step)) as [number, number][];
    if (rows.length < 2) continue;
    const list = rows.map(([size, n], i) => (i === 0 ? `${n} group${n === 1 ? '' : 's'} of ${size}` : `${n} of ${size}`)).join(', ');
    out.push(
      `step ${step} (${split}): groups inferred by ${grouping} differ in size (${list} samples); a group may be split, or two merged`,
    );
  }
  return out;
}
