// rollout-lens report …: one group of a run as a self-contained HTML page (docs/cli.md#report): named
// by its uid, by a label on it, or as the group of a failure cluster's most typical member.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pickCluster, type PickedCluster } from '../../core/analysis/failureClusters';
import { clusterGroup } from '../../core/report/reportCluster';
import { listLabels } from '../../core/store/labels';
import { writeReport } from '../../core/report/writeReport';
import { Store } from '../../core/store/store';
import type { GroupRef } from '../../shared/explorer';
import type { LabelEntry } from '../../shared/labels';
import { ErrorCode, LensError } from '../../shared/errors';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec } from '../command';
import { UsageError, printJson } from '../output';
import { CLUSTER_PICK_OPTIONS, alertsUpToDate, clusterPickOption } from './clusterPick';
import { parseSteps } from './clusters';
import { parseSplit } from './ingest';

export const REPORT_COMMANDS: Record<string, CommandSpec> = {
  report: {
    usage:
      'report --db FILE --run NAME [--step N] (--group UID | --label TAG | --cluster ID) [--split train|val] ' +
      '[--steps A-B] [--cluster-by wrong|flipped:SET|alert:KIND|text:QUERY|label:TAG] [--seed S] [--k N] [--cap N] --out FILE.html [--json]',
    summary: 'a group (its tree, samples, images, labels) and the run’s dashboard as one HTML file that opens in any browser',
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      step: { type: 'string' },
      group: { type: 'string' },
      label: { type: 'string' },
      split: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
      ...CLUSTER_PICK_OPTIONS,
    },
    run: async (v) => {
      const db = requireDb(v);
      const run = requireString(v, 'run');
      const out = path.resolve(requireString(v, 'out'));
      const step = intOption(v, 'step');
      const split = parseSplit(str(v['split']));
      const group = str(v['group']);
      const label = str(v['label']);
      const steps = str(v['steps']);
      if (steps !== undefined && v['cluster'] === undefined)
        throw new UsageError('--steps is the range of --cluster; a group is named by --step N');
      if (v['cluster'] !== undefined && step !== undefined)
        throw new UsageError('--cluster takes its step range as --steps A-B, not --step');
      const pick = clusterPickOption(v, { ...(split ? { split } : {}), ...parseSteps(steps) });
      if ([group, label, pick].filter((x) => x !== undefined).length !== 1)
        throw new UsageError('name the group by exactly one of --group UID, --label TAG or --cluster ID');
      if (group !== undefined && step === undefined) throw new UsageError('--group needs --step N');
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      // Read-only, unless a cluster of an alert's samples needs the run's alerts brought up to date first.
      const store = Store.open(db, pick?.spec.selection.kind === 'alert' ? {} : { readonly: true });
      try {
        store.requireRun(run);
        let ref: GroupRef;
        let others = 0;
        let cluster: PickedCluster | undefined;
        if (pick) {
          alertsUpToDate(store, run, pick.spec.selection);
          cluster = pickCluster(store, run, pick);
          ref = clusterGroup(cluster);
        } else if (group !== undefined) ref = { run, split: split ?? 'train', step: step ?? 0, group };
        else {
          const found = labelledGroups(listLabels(store, { run, tag: label ?? '', step, split }));
          const first = found[0];
          if (!first) {
            const where = step !== undefined ? ` at step ${step}` : '';
            throw new LensError(ErrorCode.NotFound, `no group of ${run}${where} carries the label ${JSON.stringify(label)}`);
          }
          ref = first;
          others = found.length - 1;
        }
        const r = await writeReport(store, ref, out, cluster ? { cluster } : {});
        if (v['json'] === true) printJson({ ...r, ...(label !== undefined ? { other_labelled_groups: others } : {}) });
        else {
          const left = r.images_left_out ? `, ${r.images_left_out} images left out for size` : '';
          const more = others ? ` (${others} more groups carry ${label}: name one with --step and --group)` : '';
          const c = r.cluster ? `; cluster #${r.cluster.id} (${r.cluster.size} samples, ${r.cluster.in_group} in this group) above it` : '';
          process.stdout.write(
            `${out}: ${(r.bytes / 1e6).toFixed(2)} MB, group ${ref.group} of step ${ref.step}, ${r.samples} samples${left}${more}${c}\n`,
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
};

/** The stored groups the labels are on (a label on a sample counts for its group), first step first, each once. */
function labelledGroups(labels: readonly LabelEntry[]): GroupRef[] {
  const seen = new Map<string, GroupRef>();
  for (const l of labels) {
    if (l.missing) continue;
    const ref: GroupRef = { run: l.run, split: l.split, step: l.step, group: l.group };
    seen.set(JSON.stringify([l.step, l.split, l.group]), ref);
  }
  const order = (a: GroupRef, b: GroupRef): number => a.step - b.step || a.split.localeCompare(b.split) || a.group.localeCompare(b.group);
  return [...seen.values()].sort(order);
}
