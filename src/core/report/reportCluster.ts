// A failure cluster in a shared report (`rollout-lens report --cluster`, the clusters view's Share):
// the page shows the group of the cluster's most typical member (its first example, the nearest its
// centre) with the cluster above it: what was clustered, its name, terms, size and examples.
import type { ReportCluster } from '../../shared/clusters';
import type { GroupRef } from '../../shared/explorer';
import { ErrorCode, LensError } from '../../shared/errors';
import type { PickedCluster } from '../analysis/failureClusters';
import type { Store } from '../store/store';

/** The group a cluster's report shows: its first example's. */
export function clusterGroup(p: PickedCluster): GroupRef {
  const e = p.cluster.examples[0];
  if (!e) throw new LensError(ErrorCode.NotFound, `cluster #${p.cluster.id} of ${p.report.run} has no samples`);
  return { run: e.run, split: e.split, step: e.step, group: e.group };
}

export function reportCluster(store: Store, ref: GroupRef, p: PickedCluster): ReportCluster {
  const inGroup = store.db
    .prepare(
      `SELECT count(*) FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
        WHERE r.name = ? AND st.split = ? AND st.step = ? AND g.uid = ? AND s.id IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .get(ref.run, ref.split, ref.step, ref.group, JSON.stringify(p.ids)) as number;
  const { report: r, cluster: c } = p;
  return {
    run: r.run,
    selection_label: r.selection_label,
    from: r.from,
    to: r.to,
    clustered: r.clustered,
    id: c.id,
    name: c.name,
    terms: c.terms,
    size: c.size,
    examples: c.examples,
    in_group: inGroup,
  };
}
