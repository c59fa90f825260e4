// rollout-lens alerts --db FILE --run NAME [--split train|val] [--window N] [--threshold NAME=VALUE]... [--json]
import * as fs from 'node:fs';
import { listAlerts } from '../../core/alerts/alertList';
import { updateAlerts } from '../../core/alerts/update';
import { Store } from '../../core/store/store';
import {
  ALERT_THRESHOLD_DEFS,
  ALERT_THRESHOLD_NAMES,
  isAlertThresholdName,
  type AlertJson,
  type AlertThresholds,
} from '../../shared/alerts';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';
import { parseSplit } from './ingest';

/** --threshold NAME=VALUE (repeatable) and --window N over the defaults. */
export function parseThresholds(v: Values): Partial<AlertThresholds> {
  const out: Partial<AlertThresholds> = {};
  const given = v['threshold'];
  for (const t of Array.isArray(given) ? given : typeof given === 'string' ? [given] : []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(t);
    const name = m?.[1];
    if (!m || name === undefined || !isAlertThresholdName(name)) {
      throw new UsageError(`--threshold takes NAME=VALUE with NAME one of ${ALERT_THRESHOLD_NAMES.join(', ')}; got ${JSON.stringify(t)}`);
    }
    const x = Number(m[2]);
    if (!Number.isFinite(x) || x < 0) throw new UsageError(`--threshold ${name} needs a number ≥ 0, got ${JSON.stringify(m[2])}`);
    out[name] = x;
  }
  const window = intOption(v, 'window', ALERT_THRESHOLD_DEFS.window.min);
  if (window !== undefined) out.window = window;
  return out;
}

/** An alert in `alerts --json`: its samples by database id and by the address the other commands take. */
type AlertCliJson = AlertJson & { refs: Array<{ run: string; split: Split; step: number; group: string; index: number }> };

export const ALERT_COMMANDS: Record<string, CommandSpec> = {
  alerts: {
    usage: 'alerts --db FILE --run NAME [--split train|val] [--window N] [--threshold NAME=VALUE]... [--json]',
    summary: 'reward-hacking alerts of a run, each with the sample ids behind it',
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      split: { type: 'string' },
      window: { type: 'string' },
      threshold: { type: 'string', multiple: true },
    },
    run: (v) => {
      const db = requireDb(v);
      const run = requireString(v, 'run');
      const split = parseSplit(str(v['split'])) ?? 'train';
      const thresholds = parseThresholds(v);
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const store = Store.open(db);
      try {
        const runId = store.requireRun(run).id;
        // Brings them up to date (new samples, re-score sets, these thresholds) before printing.
        updateAlerts(store, runId, { thresholds, onDetectorError: (m) => process.stderr.write(`rollout-lens: ${m}\n`) });
        // Each sample behind an alert also by its address (run, split, step, group, index), which the
        // other commands take (`group`, `tree`), beside its database id.
        const { alerts: found, disabled } = listAlerts(store, runId, { split, maxRefs: Number.MAX_SAFE_INTEGER });
        const alerts: AlertCliJson[] = found.map((a) => ({
          kind: a.kind,
          step: a.step,
          score: a.score,
          samples: a.samples,
          refs: a.refs.map((r) => ({ run, split: r.split, step: r.step, group: r.group, index: r.index })),
          message: a.message,
        }));
        for (const d of disabled)
          process.stderr.write(`rollout-lens: alert detector ${d.detector} is disabled for run ${run}: ${d.error}\n`);
        if (v['json'] === true) printJson(alerts);
        else if (alerts.length === 0) process.stdout.write(`no alerts in the ${split} steps of ${run}\n`);
        else
          printTable(
            // "flagged": the samples behind the alert, which its message may count among more (e.g. "21 of 32").
            alerts.map((a) => ({ ...a, flagged: a.samples.length })),
            ['kind', 'step', 'score', 'flagged', 'message'],
          );
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
