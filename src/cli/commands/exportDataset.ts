// rollout-lens export-dataset …: a selection of stored samples written back as training data
// (SFT rows, DPO pairs, RL prompts) in verl's parquet or TRL's JSONL (docs/dataset-export.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportDataset } from '../../core/export/exportDataset';
import { Store } from '../../core/store/store';
import { ALERT_KINDS, DEFAULT_ALERT_THRESHOLDS, type AlertKind } from '../../shared/alerts';
import {
  DATASET_FORMATS,
  DATASET_KINDS,
  FLIP_DIRECTIONS,
  PROMPT_KINDS,
  SAMPLE_OUTCOMES,
  type DatasetSelection,
} from '../../shared/datasetExport';
import { ErrorCode, LensError } from '../../shared/errors';
import type { GroupFilter, SampleFilter } from '../../shared/explorer';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson } from '../output';
import { CLUSTER_PICK_OPTIONS, CLUSTER_PICK_USAGE, alertsUpToDate, clusterPickOption } from './clusterPick';
import { parseSplit } from './ingest';

/** One of `choices`, or undefined when the option is absent. */
function choice<T extends string>(v: Values, name: string, choices: readonly T[]): T | undefined {
  const s = str(v[name]);
  if (s === undefined) return undefined;
  const found = choices.find((c) => c === s);
  if (!found) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(s)}`);
  return found;
}

function number(v: Values, name: string): number | undefined {
  const s = str(v[name]);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0, got ${JSON.stringify(s)}`);
  return n;
}

/** The selection the options describe (docs/dataset-export.md#selection). */
export function selectionOf(v: Values): DatasetSelection {
  const step = intOption(v, 'step');
  const from = intOption(v, 'from');
  const to = intOption(v, 'to');
  if (step !== undefined && (from !== undefined || to !== undefined)) throw new UsageError('give --step N or --from/--to, not both');
  if (v['degenerate'] === true && v['non-degenerate'] === true) throw new UsageError('give --degenerate or --non-degenerate, not both');
  const filter: GroupFilter = {};
  if (v['degenerate'] === true) filter.degenerate = true;
  if (v['non-degenerate'] === true) filter.degenerate = false;
  if (v['tools'] === true) filter.tools = true;
  if (v['hard-to-ground'] === true) {
    filter.hardToGround = { reward: DEFAULT_ALERT_THRESHOLDS.hardToGroundReward, spread: DEFAULT_ALERT_THRESHOLDS.hardToGroundSpread };
  }
  const samples: SampleFilter = {};
  if (v['truncated'] === true) samples.truncated = true;
  if (v['reflects'] === true) samples.reflects = true;
  const text = str(v['text']);
  if (text !== undefined) samples.text = text;
  if (v['all-turns'] === true) samples.allTurns = true;
  const sel: DatasetSelection = {};
  const split = parseSplit(str(v['split']));
  if (split) sel.split = split;
  if (step !== undefined) [sel.from, sel.to] = [step, step];
  if (from !== undefined) sel.from = from;
  if (to !== undefined) sel.to = to;
  if (Object.keys(filter).length) sel.filter = filter;
  if (Object.keys(samples).length) sel.samples = samples;
  const outcome = choice(v, 'outcome', SAMPLE_OUTCOMES);
  if (outcome) sel.outcome = outcome;
  const alert = choice<AlertKind>(v, 'alert', ALERT_KINDS);
  if (alert) sel.alert = alert;
  const flips = intOption(v, 'flips', 1);
  const direction = choice(v, 'flip-direction', FLIP_DIRECTIONS);
  if (direction && flips === undefined) throw new UsageError('--flip-direction needs --flips SET');
  if (flips !== undefined) sel.flips = direction ? { set: flips, direction } : { set: flips };
  const prompts = choice(v, 'prompts', PROMPT_KINDS);
  if (prompts) sel.prompts = prompts;
  const label = str(v['label']);
  if (label !== undefined) sel.label = label;
  // A cluster of the export's own range: clustering wrong answers of steps 300-400 and exporting cluster 2 is one command.
  const { split: s, from: f, to: t } = sel;
  const cluster = clusterPickOption(v, {
    ...(s ? { split: s } : {}),
    ...(f !== undefined ? { from: f } : {}),
    ...(t !== undefined ? { to: t } : {}),
  });
  if (cluster) sel.cluster = cluster;
  return sel;
}

export const EXPORT_DATASET_COMMANDS: Record<string, CommandSpec> = {
  'export-dataset': {
    usage:
      `export-dataset --db FILE --run NAME --kind ${DATASET_KINDS.join('|')} --format ${DATASET_FORMATS.join('|')} --out FILE ` +
      '[--split train|val] [--step N | --from N --to N] [--degenerate | --non-degenerate] [--tools] [--hard-to-ground] ' +
      `[--truncated] [--reflects] [--text QUERY [--all-turns]] [--outcome wrong|right] [--alert KIND] [--flips SET [--flip-direction ${FLIP_DIRECTIONS.join('|')}]] [--label TAG] ` +
      `${CLUSTER_PICK_USAGE} [--prompts ${PROMPT_KINDS.join('|')}] [--margin M] [--ability NAME] [--json]`,
    summary: 'write a selection of samples back as training data: SFT rows, DPO pairs or RL prompts (verl parquet, TRL JSONL)',
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      kind: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      split: { type: 'string' },
      step: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      degenerate: { type: 'boolean' },
      'non-degenerate': { type: 'boolean' },
      tools: { type: 'boolean' },
      'hard-to-ground': { type: 'boolean' },
      truncated: { type: 'boolean' },
      label: { type: 'string' },
      reflects: { type: 'boolean' },
      text: { type: 'string' },
      'all-turns': { type: 'boolean' },
      outcome: { type: 'string' },
      alert: { type: 'string' },
      flips: { type: 'string' },
      'flip-direction': { type: 'string' },
      prompts: { type: 'string' },
      margin: { type: 'string' },
      ability: { type: 'string' },
      ...CLUSTER_PICK_OPTIONS,
    },
    run: (v) => {
      const db = requireDb(v);
      const run = requireString(v, 'run');
      const kind = choice(v, 'kind', DATASET_KINDS);
      const format = choice(v, 'format', DATASET_FORMATS);
      if (!kind) throw new UsageError(`--kind ${DATASET_KINDS.join('|')} is required`);
      if (!format) throw new UsageError(`--format ${DATASET_FORMATS.join('|')} is required`);
      const out = path.resolve(requireString(v, 'out'));
      const margin = number(v, 'margin');
      if (margin !== undefined && kind !== 'dpo') throw new UsageError('--margin is for --kind dpo');
      const selection = selectionOf(v);
      const ability = str(v['ability']);
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const store = Store.open(db);
      try {
        alertsUpToDate(store, run, selection.cluster?.spec.selection);
        const report = exportDataset(store, {
          run,
          kind,
          format,
          selection,
          out,
          ...(margin !== undefined ? { margin } : {}),
          ...(ability !== undefined ? { ability } : {}),
        });
        if (v['json'] === true) printJson(report);
        else {
          const skipped = report.below_margin ? `, ${report.below_margin} group(s) below the margin` : '';
          process.stdout.write(
            `${report.path}: ${report.rows} ${report.kind} row(s) from ${report.samples} sample(s) in ${report.groups} group(s)${skipped}\n`,
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
