// One failure cluster as a selection on the command line (export-dataset --cluster, report --cluster):
// the clustering is named by the same choices `clusters` takes, in one option (--cluster-by) so that
// it does not clash with the command's own --text, --label and --alert; it is computed again, seeded.
import { updateAlerts } from '../../core/alerts/update';
import { shellQuote } from '../../core/runs/resolve';
import type { Store } from '../../core/store/store';
import { ALERT_KINDS, type AlertKind } from '../../shared/alerts';
import { DEFAULT_CLUSTER_CAP, type ClusterPick, type ClusterReport, type ClusterSelection, type ClusterSpec } from '../../shared/clusters';
import type { Split } from '../../shared/rollout';
import { intOption, str, type Values } from '../command';
import { UsageError } from '../output';

export const CLUSTER_PICK_OPTIONS = {
  cluster: { type: 'string' },
  'cluster-by': { type: 'string' },
  seed: { type: 'string' },
  k: { type: 'string' },
  cap: { type: 'string' },
} as const;

export const CLUSTER_PICK_USAGE =
  '[--cluster ID [--cluster-by wrong|flipped:SET|alert:KIND|text:QUERY|label:TAG] [--seed S] [--k N] [--cap N]]';

const isAlertKind = (k: string): k is AlertKind => (ALERT_KINDS as readonly string[]).includes(k);

/** `wrong`, `flipped:SET`, `alert:KIND`, `text:QUERY` or `label:TAG` (everything after the first colon is the value). */
export function parseClusterBy(s: string): ClusterSelection {
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const value = colon < 0 ? '' : s.slice(colon + 1);
  const bad = (why: string): UsageError =>
    new UsageError(`--cluster-by ${JSON.stringify(s)}: ${why} (wrong, flipped:SET, alert:KIND, text:QUERY or label:TAG)`);
  if (kind === 'wrong') {
    if (colon >= 0) throw bad('wrong takes no value');
    return { kind: 'wrong' };
  }
  if (!value) throw bad(`${kind || 'the kind'} needs a value after the colon`);
  switch (kind) {
    case 'flipped':
      if (!/^\d+$/.test(value) || Number(value) < 1) throw bad('a re-score set is a number ≥ 1');
      return { kind: 'flipped', set: Number(value) };
    case 'alert':
      if (!isAlertKind(value)) throw bad(`an alert kind is one of ${ALERT_KINDS.join(', ')}`);
      return { kind: 'alert', alert: value };
    case 'text':
      if (!value.trim()) throw bad('the query is empty');
      return { kind: 'text', query: value };
    case 'label':
      return { kind: 'label', tag: value };
    default:
      throw bad(`unknown kind ${JSON.stringify(kind)}`);
  }
}

/** The cluster the options name, clustered over `range`, or undefined without --cluster. */
export function clusterPickOption(v: Values, range: { split?: Split; from?: number; to?: number }): ClusterPick | undefined {
  const id = intOption(v, 'cluster', 1);
  if (id === undefined) {
    for (const name of ['cluster-by', 'seed', 'k', 'cap'])
      if (v[name] !== undefined) throw new UsageError(`--${name} goes with --cluster ID (a failure cluster to select)`);
    return undefined;
  }
  const by = str(v['cluster-by']);
  const k = intOption(v, 'k', 1);
  const seed = intOption(v, 'seed', 0);
  const cap = intOption(v, 'cap', 10);
  const spec: ClusterSpec = {
    ...range,
    selection: by === undefined ? { kind: 'wrong' } : parseClusterBy(by),
    ...(k !== undefined ? { k } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(cap !== undefined ? { cap } : {}),
  };
  return { spec, cluster: id };
}

function clusterByOf(sel: ClusterSelection): string {
  switch (sel.kind) {
    case 'wrong':
      return 'wrong';
    case 'flipped':
      return `flipped:${sel.set}`;
    case 'alert':
      return `alert:${sel.alert}`;
    case 'text':
      return `text:${sel.query}`;
    case 'label':
      return `label:${sel.tag}`;
  }
}

/** The options that select cluster `id` of this report again: for export-dataset (range as --from/--to) and report (--steps). */
export function clusterPickFlags(r: ClusterReport, id: number | string, rangeAs: 'from-to' | 'steps'): string {
  const range: string[] = [];
  if (r.split !== 'train') range.push(`--split ${r.split}`);
  if (rangeAs === 'steps' && (r.from !== null || r.to !== null)) range.push(`--steps ${r.from ?? ''}-${r.to ?? ''}`);
  if (rangeAs === 'from-to' && r.from !== null) range.push(`--from ${r.from}`);
  if (rangeAs === 'from-to' && r.to !== null) range.push(`--to ${r.to}`);
  const by = r.selection.kind === 'wrong' ? [] : [`--cluster-by ${shellQuote(clusterByOf(r.selection))}`];
  const k = r.k_rule === 'given' ? [`--k ${r.k}`] : [];
  const cap = r.cap !== DEFAULT_CLUSTER_CAP ? [`--cap ${r.cap}`] : [];
  return [...range, `--cluster ${id}`, ...by, `--seed ${r.seed}`, ...k, ...cap].join(' ');
}

/**
 * An alert's samples as of now: a run's alerts are brought up to date (as `alerts` does) before a
 * clustering of an alert's samples, so the CLI clusters what the extension would.
 */
export function alertsUpToDate(store: Store, run: string, selection: ClusterSelection | undefined): void {
  if (selection?.kind !== 'alert') return;
  updateAlerts(store, store.requireRun(run).id, { onDetectorError: (m) => process.stderr.write(`rollout-lens: ${m}\n`) });
}
