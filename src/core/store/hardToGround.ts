// Hard-to-ground groups of temporal-grounding runs: every reward low and the rewards nearly equal, so
// the group gives GRPO almost no gradient and the model is not learning where the moment is (VideoTG-R1's
// curriculum leaves such samples' videos out; docs/algorithms.md "Hard-to-ground groups"). Read from the
// groups' reward_min / reward_max only, never from the samples.
import type { Split } from '../../shared/rollout';
import type { Store } from './store';

/** A group is hard to ground when reward_max < reward and reward_max − reward_min < spread. */
export interface HardToGroundThresholds {
  reward: number;
  spread: number;
}

/** The condition on `groups g`; its parameters are [reward, spread]. */
export const HARD_TO_GROUND_SQL = '(g.reward_max < ? AND g.reward_max - g.reward_min < ?)';

/** Per split and step, the share of the step's groups that are hard to ground, for steps with segments. */
export function stepHardToGroundShare(store: Store, runId: number, t: HardToGroundThresholds): Record<Split, Map<number, number>> {
  const rows = store.db
    .prepare(
      `SELECT st.split, st.step, AVG(CASE WHEN ${HARD_TO_GROUND_SQL} THEN 1.0 ELSE 0.0 END) AS share
         FROM steps st JOIN step_segments ss ON ss.step_id = st.id JOIN groups g ON g.step_id = st.id
        WHERE st.run_id = ? AND ss.n > 0 GROUP BY st.id ORDER BY st.split, st.step`,
    )
    .all(t.reward, t.spread, runId) as Array<{ split: Split; step: number; share: number }>;
  const out: Record<Split, Map<number, number>> = { train: new Map(), val: new Map() };
  for (const r of rows) out[r.split]?.set(r.step, r.share);
  return out;
}
