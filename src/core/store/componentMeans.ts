// Per-step means of the reward components the samples logged (samples.components: native format,
// verl, prime-rl), so the dashboard draws one line per component beside the mean reward even when
// the trainer logged no `rewards/<name>/mean` series.
//
// Why a query over the samples and not per-component sums in the group aggregates: the aggregates
// are fixed columns, and an open-ended set of component names would need a schema migration plus
// upkeep in the ingest writer and every re-count. Measured (2-core dev box, warm cache, one query
// for every step): the realistic demo run of 64 steps × 32 samples takes 3.4 ms (its whole dashboard
// snapshot about 400 ms), a native run of 64 steps × 512 samples 32 ms. Only the small columns ahead
// of `response` are read, so response text and token arrays are never paged in. As that grows with
// the run, finished steps are kept in a cache (as the mismatch chart does): a live dashboard's
// refresh reads only the steps that changed (0.2 ms for the 32k-sample run once cached). Runs of millions of samples would move this to the aggregates.
import type { Split } from '../../shared/rollout';
import { STEP_SAMPLES_SQL } from './stepStore';
import type { Store } from './store';

/** Component name → mean over the step's samples that logged it, by step, per split. */
export type StepComponentMeans = Map<number, Record<string, number>>;

/** Means of finished steps between dashboard loads, by store file and step id; re-read when the sample count changes. */
export type ComponentMeansCache = Map<string, { samples: number; means: Record<string, number> }>;

/**
 * The mean of each reward component per step, over the samples that logged that component (as
 * TRL's `rewards/<name>/mean` averages over the completions a reward function scored). Non-numeric
 * values are skipped; a step whose samples logged none has no entry.
 */
export function stepComponentMeans(store: Store, runId: number, cache?: ComponentMeansCache): Record<Split, StepComponentMeans> {
  const steps = store.db
    .prepare(
      `SELECT s.id AS id, s.split AS split, s.step AS step, s.dirty AS dirty, ${STEP_SAMPLES_SQL} AS samples FROM steps s WHERE s.run_id = ?`,
    )
    .all(runId) as Array<{ id: number; split: Split; step: number; dirty: number; samples: number }>;
  const keyOf = (id: number): string => JSON.stringify([store.file, id]);
  const stale = steps.filter((st) => st.dirty || cache?.get(keyOf(st.id))?.samples !== st.samples);
  const fresh = new Map<number, Record<string, number>>();
  if (stale.length > 0) {
    const rows = store.db
      .prepare(
        `SELECT g.step_id AS id, j.key AS name, AVG(j.value) AS mean
           FROM groups g
           JOIN samples s ON s.group_id = g.id
           JOIN json_each(CASE WHEN json_valid(s.components) THEN s.components ELSE '{}' END) j
          WHERE g.step_id IN (SELECT value FROM json_each(?)) AND s.components IS NOT NULL AND j.type IN ('integer', 'real')
          GROUP BY g.step_id, j.key`,
      )
      .all(JSON.stringify(stale.map((st) => st.id))) as Array<{ id: number; name: string; mean: number }>;
    for (const r of rows) fresh.set(r.id, { ...fresh.get(r.id), [r.name]: r.mean });
    // A dirty step is still being written: its means are not kept.
    for (const st of stale) if (!st.dirty) cache?.set(keyOf(st.id), { samples: st.samples, means: fresh.get(st.id) ?? {} });
  }
  const out: Record<Split, StepComponentMeans> = { train: new Map(), val: new Map() };
  for (const st of steps) {
    const means = fresh.get(st.id) ?? cache?.get(keyOf(st.id))?.means ?? {};
    if (Object.keys(means).length > 0) out[st.split]?.set(st.step, means);
  }
  return out;
}
