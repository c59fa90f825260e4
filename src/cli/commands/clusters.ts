// rollout-lens clusters --db F --run R [--steps A-B] [--wrong | --flipped SET | --alert KIND | --text Q | --label TAG] [--k N] [--seed S] [--json]
// Failure clusters of a step range (docs/algorithms.md#failure-clusters, docs/cli.md#clusters).
import * as fs from 'node:fs';
import { nameClusters } from '../../core/analysis/clusterNaming';
import { failureClusters, type ClusterRequest } from '../../core/analysis/failureClusters';
import { Store } from '../../core/store/store';
import { ALERT_KINDS, type AlertKind } from '../../shared/alerts';
import { parseStepRange, type ClusterReport, type ClusterSelection } from '../../shared/clusters';
import { ErrorCode, LensError } from '../../shared/errors';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson } from '../output';
import { shellQuote } from '../../core/runs/resolve';
import { alertsUpToDate, clusterPickFlags } from './clusterPick';
import { parseSplit } from './ingest';

/** --steps "A-B", "A-", "-B" or "N". */
export function parseSteps(s: string | undefined): { from?: number; to?: number } {
  if (s === undefined) return {};
  const r = s.trim() === '' ? { error: 'a step range is A-B, A-, -B or N (step numbers), not ""' } : parseStepRange(s);
  if ('error' in r) throw new UsageError(`--steps: ${r.error}`);
  return r;
}

const isAlertKind = (k: string): k is AlertKind => (ALERT_KINDS as readonly string[]).includes(k);

/** At most one of --wrong, --flipped, --alert, --text, --label; none means --wrong. */
export function parseSelection(v: Values): ClusterSelection {
  const given: ClusterSelection[] = [];
  if (v['wrong'] === true) given.push({ kind: 'wrong' });
  const set = intOption(v, 'flipped', 1);
  if (set !== undefined) given.push({ kind: 'flipped', set });
  const alert = str(v['alert']);
  if (alert !== undefined) {
    if (!isAlertKind(alert))
      throw new UsageError(`--alert takes an alert kind, one of ${ALERT_KINDS.join(', ')}; got ${JSON.stringify(alert)}`);
    given.push({ kind: 'alert', alert });
  }
  const text = str(v['text']);
  if (text !== undefined) {
    if (text.trim() === '') throw new UsageError('--text needs a query');
    given.push({ kind: 'text', query: text });
  }
  const tag = str(v['label']);
  if (tag !== undefined) given.push({ kind: 'label', tag });
  if (given.length > 1) throw new UsageError('give one of --wrong, --flipped SET, --alert KIND, --text QUERY, --label TAG');
  return given[0] ?? { kind: 'wrong' };
}

function printReport(r: ClusterReport, db: string): void {
  const range = r.from === null && r.to === null ? 'all steps' : `steps ${r.from ?? '…'}-${r.to ?? '…'}`;
  const out = [
    `${r.run} (${r.split}, ${range}): ${r.selected} samples ${r.selection_label}`,
    r.capped
      ? `clustered a seeded sample of ${r.clustered} (cap ${r.cap}, seed ${r.seed})`
      : `clustered all ${r.clustered} (seed ${r.seed})`,
    `k = ${r.k} (${r.k_rule === 'given' ? 'given' : r.k_rule === 'silhouette' ? 'highest silhouette' : 'too few samples to split'}), ${r.vocabulary} terms`,
    '',
  ];
  for (const c of r.clusters) {
    const share = r.clustered ? ((100 * c.size) / r.clustered).toFixed(1) : '0';
    out.push(`#${c.id}  ${c.size} (${share}%)  ${c.name}${c.named_by === 'endpoint' ? `   [terms: ${c.terms.join(', ')}]` : ''}`);
    for (const e of c.examples) out.push(`    step ${e.step} group ${e.group} #${e.index}: ${e.preview}`);
  }
  if (r.clusters.length) {
    const run = `--db ${shellQuote(db)} --run ${shellQuote(r.run)}`;
    out.push(
      '',
      `Export cluster ID: rollout-lens export-dataset ${run} ${clusterPickFlags(r, 'ID', 'from-to')} --kind sft --format jsonl --out FILE.jsonl`,
      `Share it as a page: rollout-lens report ${run} ${clusterPickFlags(r, 'ID', 'steps')} --out FILE.html`,
    );
  }
  process.stdout.write(out.join('\n') + '\n');
}

export const CLUSTER_COMMANDS: Record<string, CommandSpec> = {
  clusters: {
    usage:
      'clusters --db FILE --run NAME [--split train|val] [--steps A-B] [--wrong | --flipped SET | --alert KIND | --text QUERY | --label TAG] [--k N] [--seed S] [--cap N] [--name-endpoint URL --name-model MODEL [--name-api-key-env VAR]] [--json]',
    summary: 'group the responses of wrong (or flipped, alerted, matching) samples by text: clusters with terms, counts, examples',
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      split: { type: 'string' },
      steps: { type: 'string' },
      wrong: { type: 'boolean' },
      flipped: { type: 'string' },
      alert: { type: 'string' },
      text: { type: 'string' },
      label: { type: 'string' },
      k: { type: 'string' },
      seed: { type: 'string' },
      cap: { type: 'string' },
      'name-endpoint': { type: 'string' },
      'name-model': { type: 'string' },
      'name-api-key-env': { type: 'string' },
    },
    run: async (v) => {
      const db = requireDb(v);
      const run = requireString(v, 'run');
      const split = parseSplit(str(v['split']));
      const selection = parseSelection(v);
      const k = intOption(v, 'k', 1);
      const seed = intOption(v, 'seed', 0);
      const cap = intOption(v, 'cap', 10);
      const endpoint = str(v['name-endpoint']);
      const model = str(v['name-model']);
      if ((endpoint === undefined) !== (model === undefined)) throw new UsageError('--name-endpoint and --name-model go together');
      const keyEnv = str(v['name-api-key-env']);
      const apiKey = keyEnv ? (process.env[keyEnv] ?? null) : null;
      if (keyEnv && apiKey === null) throw new UsageError(`--name-api-key-env: the environment variable ${keyEnv} is not set`);
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const store = Store.open(db);
      try {
        alertsUpToDate(store, run, selection);
        const req: ClusterRequest = {
          run,
          selection,
          ...parseSteps(str(v['steps'])),
          ...(split ? { split } : {}),
          ...(k !== undefined ? { k } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(cap !== undefined ? { cap } : {}),
        };
        let report = failureClusters(store, req);
        if (endpoint !== undefined && model !== undefined) {
          report = await nameClusters(
            report,
            { url: endpoint, model, apiKey },
            { onSending: (m) => process.stderr.write(`rollout-lens: ${m}\n`) },
          );
          if (report.naming?.message) process.stderr.write(`rollout-lens: ${report.naming.message}\n`);
        }
        if (v['json'] === true) printJson(report);
        else printReport(report, db);
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
