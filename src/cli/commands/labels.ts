// rollout-lens label … --tag T [--note TEXT] [--remove] (a group, a sample, or every sample of a
// failure cluster) and rollout-lens labels --db FILE --run NAME [--tag T] [--step N] [--json]
import * as fs from 'node:fs';
import { pickCluster } from '../../core/analysis/failureClusters';
import { addLabel, labelSamples, labelTags, listLabels, removeLabel } from '../../core/store/labels';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError } from '../../shared/errors';
import { labelPlace, type LabelEntry, type LabelTagCount, type LabelTarget } from '../../shared/labels';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';
import { CLUSTER_PICK_OPTIONS, alertsUpToDate, clusterPickOption } from './clusterPick';
import { parseSteps } from './clusters';
import { parseSplit } from './ingest';

/** `labels --json`: the run's tags with their counts, then every label in step, group and sample order. */
export interface LabelsJson {
  run: string;
  tags: LabelTagCount[];
  labels: LabelEntry[];
}

function openExisting(v: Values): Store {
  const db = requireDb(v);
  if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
  return Store.open(db);
}

function target(v: Values): LabelTarget {
  const index = intOption(v, 'sample');
  const step = intOption(v, 'step');
  if (step === undefined) throw new UsageError('--step N is required');
  return {
    run: requireString(v, 'run'),
    split: parseSplit(str(v['split'])) ?? 'train',
    step,
    group: requireString(v, 'group'),
    ...(index !== undefined ? { index } : {}),
  };
}

/** `label --cluster ID …`: the tag on every sample of a failure cluster (the clustering computed again). */
function labelCluster(v: Values): number {
  for (const name of ['step', 'group', 'sample', 'remove'])
    if (v[name] !== undefined) throw new UsageError(`--${name} names one group or sample: not with --cluster (its range is --steps A-B)`);
  const run = requireString(v, 'run');
  const tag = requireString(v, 'tag');
  const split = parseSplit(str(v['split']));
  const pick = clusterPickOption(v, { ...(split ? { split } : {}), ...parseSteps(str(v['steps'])) });
  if (!pick) throw new UsageError('--cluster ID is required');
  const store = openExisting(v);
  try {
    alertsUpToDate(store, run, pick.spec.selection);
    const { cluster, ids } = pickCluster(store, run, pick);
    const note = str(v['note']);
    const r = labelSamples(store, ids, tag, note !== undefined ? { note } : {});
    if (v['json'] === true) printJson({ cluster: cluster.id, name: cluster.name, size: cluster.size, tag, ...r });
    else
      process.stdout.write(
        `labelled ${r.added} sample(s) of cluster #${cluster.id} (${cluster.name}) ${tag}${r.already ? `; ${r.already} had it already` : ''}\n`,
      );
    return 0;
  } finally {
    store.close();
  }
}

export const LABEL_COMMANDS: Record<string, CommandSpec> = {
  label: {
    usage:
      'label --db FILE --run NAME (--step N --group ID [--sample I] | --cluster ID [--steps A-B] [--cluster-by …] [--seed S] [--k N] [--cap N]) ' +
      '[--split train|val] --tag TAG [--note TEXT] [--remove] [--json]',
    summary: 'put a tag (and a note) on a group or one of its samples, or take it off with --remove',
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      split: { type: 'string' },
      step: { type: 'string' },
      group: { type: 'string' },
      sample: { type: 'string' },
      tag: { type: 'string' },
      note: { type: 'string' },
      remove: { type: 'boolean' },
      steps: { type: 'string' },
      ...CLUSTER_PICK_OPTIONS,
    },
    run: (v) => {
      if (v['cluster'] !== undefined) return labelCluster(v);
      const t = target(v);
      const tag = requireString(v, 'tag');
      const store = openExisting(v);
      try {
        const place = `${t.run} ${labelPlace(t)}`;
        if (v['remove'] === true) {
          if (!removeLabel(store, t, tag)) throw new LensError(ErrorCode.NotFound, `${place} has no label ${JSON.stringify(tag)}`);
          if (v['json'] === true) printJson({ removed: true, tag });
          else process.stdout.write(`removed ${tag} from ${place}\n`);
          return 0;
        }
        const note = str(v['note']);
        const r = addLabel(store, t, tag, note !== undefined ? { note } : {});
        if (v['json'] === true) printJson(r);
        else process.stdout.write(`${r.added ? 'labelled' : 'already labelled'} ${place} ${tag}\n`);
        return 0;
      } finally {
        store.close();
      }
    },
  },
  labels: {
    usage: 'labels --db FILE --run NAME [--tag TAG] [--query TEXT] [--step N] [--split train|val] [--json]',
    summary: "a run's labels and tags, including those whose group or sample is no longer stored",
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      tag: { type: 'string' },
      query: { type: 'string' },
      step: { type: 'string' },
      split: { type: 'string' },
    },
    run: (v) => {
      const run = requireString(v, 'run');
      const text = str(v['query']);
      if (text !== undefined && text.trim() === '') throw new UsageError('--query needs some text');
      const query = { run, tag: str(v['tag']), text, step: intOption(v, 'step'), split: parseSplit(str(v['split'])) };
      const store = openExisting(v);
      try {
        const labels = listLabels(store, query);
        const missing = labels.filter((l) => l.missing).length;
        // Reported, never dropped: a label outlives its sample, and says so.
        if (missing) {
          process.stderr.write(
            `rollout-lens: ${missing} label(s) of ${run} point at a group or sample no longer stored (missing: true); ingest the run again to attach them\n`,
          );
        }
        if (v['json'] === true) {
          const out: LabelsJson = { run, tags: labelTags(store, run), labels };
          printJson(out);
        } else if (labels.length === 0)
          process.stdout.write(
            `no labels on ${run}${query.tag ? ` tagged ${query.tag}` : ''}${text ? ` matching ${JSON.stringify(text)}` : ''}\n`,
          );
        else
          printTable(
            labels.map((l) => ({ ...l, sample: l.index ?? 'group', missing: l.missing ? 'missing' : '' })),
            ['split', 'step', 'group', 'sample', 'tag', 'note', 'created_by', 'created_at', 'missing'],
          );
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
