// Per-step means of the reward components the samples logged (samples.components: native format,
// verl, prime-rl), so the dashboard draws one line per component beside the mean reward even when
// the trainer logged no `rewards/<name>/mean` series. Read from step_components (migration 7), which
// the ingest writer keeps as rows arrive: one small row per (step, component), never the samples.
// (A first version averaged over the samples with json_each at each load: 3.4 ms on the 64-step demo
// run, 32 ms on 32k samples, so about 2 s at 2M samples; the sums cost the writer a few map updates.)
import type { Split } from '../../shared/rollout';
import type { Store } from './store';

/** Component name → mean over the step's samples that logged it, by step, per split. */
export type StepComponentMeans = Map<number, Record<string, number>>;

/**
 * The mean of each reward component per step, over the samples that logged that component (as
 * TRL's `rewards/<name>/mean` averages over the completions a reward function scored). A step whose
 * samples logged none has no entry.
 */
export function stepComponentMeans(store: Store, runId: number): Record<Split, StepComponentMeans> {
  const rows = store.db
    .prepare(
      `SELECT st.split, st.step, c.name, c.sum / c.n AS mean
         FROM steps st JOIN step_components c ON c.step_id = st.id
        WHERE st.run_id = ? AND c.n > 0 ORDER BY st.split, st.step, c.name`,
    )
    .all(runId) as Array<{ split: Split; step: number; name: string; mean: number }>;
  const out: Record<Split, StepComponentMeans> = { train: new Map(), val: new Map() };
  for (const r of rows) {
    const bySplit = out[r.split];
    if (!bySplit) continue;
    bySplit.set(r.step, { ...bySplit.get(r.step), [r.name]: r.mean });
  }
  return out;
}
