// Failure clusters of a run (docs/algorithms.md#failure-clusters): the samples of a step range that a
// selection picks (wrong, flipped by a re-score, behind an alert, matching a text query), capped
// by a seeded sample, their responses clustered by text (textClusters.ts) into a report.
import { labelledSampleIds } from '../store/labels';
import { ALERT_TITLES } from '../../shared/alerts';
import {
  DEFAULT_CLUSTER_CAP,
  DEFAULT_CLUSTER_SEED,
  DEFAULT_MAX_K,
  type ClusterExample,
  type ClusterPick,
  type ClusterReport,
  type ClusterSelection,
  type ClusterSpec,
  type FailureCluster,
} from '../../shared/clusters';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { describeSuccessRule } from '../../shared/success';
import { indexPendingText } from '../store/enrich';
import { matchExpression } from '../store/fts';
import { toolOnlyHits } from '../store/policySearch';
import { RescoreStore } from '../store/rescoreStore';
import type { Store } from '../store/store';
import { runSuccessRule } from '../store/successStore';
import { sampleSuccess } from './success';
import { runPausing, runThrough, type Stepped } from './stepped';
import { clusterTextsSteps, previewOf, sampleIndices } from './textClusters';
import { clippedText } from './textVectors';

/** A clustering of a run (ClusterSpec: step range, selection, k, seed, cap); `maxK` bounds the silhouette's search. */
export interface ClusterRequest extends ClusterSpec {
  run: string;
  maxK?: number;
}

/** The name of the responses set apart for having no counted term. */
export const BLANK_NAME = 'no distinctive words (empty, or only words nearly every response has)';

interface Range {
  runId: number;
  split: Split;
  from: number | null;
  to: number | null;
}

const RANGE_SQL = `st.run_id = @run AND st.split = @split AND (@from IS NULL OR st.step >= @from) AND (@to IS NULL OR st.step <= @to)`;
const FROM_SAMPLES = `FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id`;
const rangeParams = (r: Range) => ({ run: r.runId, split: r.split, from: r.from, to: r.to });

function wrongIds(store: Store, r: Range): { ids: number[]; label: string } {
  const { rules, threshold } = runSuccessRule(store.db, r.runId);
  const rows = store.db
    .prepare(`SELECT s.id, s.reward, s.correct, s.components ${FROM_SAMPLES} WHERE ${RANGE_SQL}`)
    .iterate(rangeParams(r)) as IterableIterator<{ id: number; reward: number; correct: number | null; components: string | null }>;
  const ids: number[] = [];
  for (const s of rows) if (!sampleSuccess(s, threshold)) ids.push(s.id);
  return { ids, label: `wrong (solved = ${describeSuccessRule(rules, threshold)})` };
}

/** Samples whose verdict the set turned around against the logged one (the comparison's rule: src/core/rewards/comparison.ts). */
function flippedIds(store: Store, r: Range, set: number): { ids: number[]; label: string } {
  const sets = new RescoreStore(store.db);
  const row = sets.getSet(set);
  if (!row || row.run_id !== r.runId) throw new LensError(ErrorCode.NotFound, `re-score set ${set} is not a set of this run`);
  const ids: number[] = [];
  for (const c of sets.compareRows(set, 'logged')) {
    if (c.split !== r.split || (r.from !== null && c.step < r.from) || (r.to !== null && c.step > r.to)) continue;
    if (c.after === null || c.before === null) continue;
    const before = c.before_correct === 1;
    const after = c.after_correct !== null ? c.after_correct === 1 : c.after > 0;
    if (before !== after) ids.push(c.sample_id);
  }
  return { ids, label: `flipped by re-score set ${set} (${row.label}) against the logged verdicts` };
}

function alertIds(store: Store, r: Range, kind: ClusterSelection & { kind: 'alert' }): { ids: number[]; label: string } {
  const lists = store.db
    .prepare(
      `SELECT samples FROM alerts WHERE run_id = @run AND split = @split AND kind = @kind
          AND (@from IS NULL OR step >= @from) AND (@to IS NULL OR step <= @to)`,
    )
    .pluck()
    .all({ ...rangeParams(r), kind: kind.alert }) as string[];
  const ids = new Set<number>();
  for (const l of lists) for (const id of JSON.parse(l) as number[]) ids.add(id);
  // Alerts keep sample ids; a sample deleted since (a re-ingest) is no longer there to cluster.
  const present = store.db
    .prepare(`SELECT s.id ${FROM_SAMPLES} WHERE ${RANGE_SQL} AND s.id IN (SELECT value FROM json_each(@ids))`)
    .pluck()
    .all({ ...rangeParams(r), ids: JSON.stringify([...ids]) }) as number[];
  return { ids: present, label: `behind the run's ${ALERT_TITLES[kind.alert]} alerts (${lists.length})` };
}

/** The samples a label tag is on, on themselves or on their group (the explorer's label filter), in the range. */
function labelIds(store: Store, r: Range, tag: string): { ids: number[]; label: string } {
  const run = store.db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(r.runId) as string;
  const ids = labelledSampleIds(store, run, r.split, tag);
  const inRange = store.db
    .prepare(`SELECT s.id ${FROM_SAMPLES} WHERE ${RANGE_SQL} AND s.id IN (SELECT value FROM json_each(@ids))`)
    .pluck()
    .all({ ...rangeParams(r), ids: JSON.stringify([...ids]) }) as number[];
  return { ids: inRange, label: `labelled ${JSON.stringify(tag)}` };
}

/** The explorer's text filter: FTS5 syntax, or the query as a literal phrase; matches only in untrained turns do not count. */
function textIds(store: Store, r: Range, query: string): { ids: number[]; label: string } {
  indexPendingText(store);
  const m = matchExpression(store, query);
  let ids: number[];
  try {
    ids = store.db
      .prepare(
        `SELECT s.id FROM samples_fts f ${FROM_SAMPLES.replace('FROM samples s', 'JOIN samples s ON s.id = f.rowid')} WHERE samples_fts MATCH @q AND ${RANGE_SQL}`,
      )
      .pluck()
      .all({ ...rangeParams(r), q: m.expression }) as number[];
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `search ${JSON.stringify(query)}: ${(e as Error).message} (FTS5 query syntax)`);
  }
  const drop = toolOnlyHits(store, m.expression, ids);
  return { ids: ids.filter((id) => !drop.has(id)), label: `matching ${JSON.stringify(query)}${m.literal ? ' (as a literal phrase)' : ''}` };
}

function selectedIds(store: Store, r: Range, sel: ClusterSelection): { ids: number[]; label: string } {
  switch (sel.kind) {
    case 'wrong':
      return wrongIds(store, r);
    case 'flipped':
      return flippedIds(store, r, sel.set);
    case 'alert':
      return alertIds(store, r, sel);
    case 'text':
      return textIds(store, r, sel.query);
    case 'label':
      return labelIds(store, r, sel.tag);
  }
}

interface Fetched extends Omit<ClusterExample, 'preview' | 'run'> {
  text: string;
  preview: string;
}

/** The responses of these samples, in id order, kept only as clipped text and a preview (memory stays bounded). */
function fetchResponses(store: Store, ids: readonly number[]): Fetched[] {
  const stmt = store.db.prepare(
    `SELECT s.id AS sample_id, st.split, st.step, g.uid AS "group", s.idx AS "index", s.response
       ${FROM_SAMPLES} WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
  );
  const out: Fetched[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = stmt.all(JSON.stringify(ids.slice(i, i + 1000))) as Array<Omit<Fetched, 'text' | 'preview'> & { response: string }>;
    for (const { response, ...ref } of rows) out.push({ ...ref, text: clippedText(response), preview: previewOf(response) });
  }
  return out;
}

/** A report and, per cluster in its order, the sample ids of its members. */
interface Clustered {
  report: ClusterReport;
  members: number[][];
}

/** The selected samples read (at most `cap`), clustered with pauses between k-means runs. */
function* failureClusterSteps(store: Store, req: ClusterRequest): Stepped<Clustered> {
  const runId = store.requireRun(req.run).id;
  const range: Range = { runId, split: req.split ?? 'train', from: req.from ?? null, to: req.to ?? null };
  if (range.from !== null && range.to !== null && range.from > range.to)
    throw new LensError(ErrorCode.BadInput, `the step range ${range.from}-${range.to} is empty (from > to)`);
  const seed = req.seed ?? DEFAULT_CLUSTER_SEED;
  const cap = req.cap ?? DEFAULT_CLUSTER_CAP;
  const { ids, label } = selectedIds(store, range, req.selection);
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const kept = sampleIndices(sorted.length, cap, seed).map((i) => sorted[i]!);
  const samples = fetchResponses(store, kept);
  yield;
  const c = yield* clusterTextsSteps(
    samples.map((s) => s.text),
    { seed, maxK: req.maxK ?? DEFAULT_MAX_K, ...(req.k !== undefined ? { k: req.k } : {}) },
  );
  const report: ClusterReport = {
    run: req.run,
    split: range.split,
    from: range.from,
    to: range.to,
    selection: req.selection,
    selection_label: label,
    selected: sorted.length,
    clustered: samples.length,
    capped: samples.length < sorted.length,
    cap,
    seed,
    k: c.k,
    k_rule: c.kRule,
    vocabulary: c.vocabulary,
    clusters: c.clusters.map((cl, i) => ({
      id: i + 1,
      size: cl.members.length,
      terms: cl.terms,
      name: cl.terms.length ? cl.terms.join(', ') : BLANK_NAME,
      named_by: 'terms',
      examples: cl.examples.map((j) => {
        const { text: _text, ...ref } = samples[j]!;
        return { run: req.run, ...ref };
      }),
    })),
    naming: null,
  };
  return { report, members: c.clusters.map((cl) => cl.members.map((j) => samples[j]!.sample_id)) };
}

/** Clusters the selected samples of a run's step range. Deterministic for a seed; naming by terms (see clusterNaming.ts for an endpoint). */
export const failureClusters = (store: Store, req: ClusterRequest): ClusterReport => runThrough(failureClusterSteps(store, req)).report;

/**
 * The same, awaiting `pause` between k-means runs (the engine: other requests are served meanwhile,
 * and a pause that throws stops the work). The report does not depend on the pauses.
 */
export const failureClustersPausing = async (store: Store, req: ClusterRequest, pause: () => Promise<void>): Promise<ClusterReport> =>
  (await runPausing(failureClusterSteps(store, req), pause)).report;

/** One cluster of a clustering computed again: its report, the cluster and its members' sample ids. */
export interface PickedCluster {
  report: ClusterReport;
  cluster: FailureCluster;
  ids: number[];
}

function picked(run: string, pick: ClusterPick, c: Clustered): PickedCluster {
  const cluster = c.report.clusters[pick.cluster - 1];
  const ids = c.members[pick.cluster - 1];
  if (!cluster || !ids)
    throw new LensError(
      ErrorCode.NotFound,
      `cluster #${pick.cluster} of ${run}: the clustering of ${c.report.selected} samples ${c.report.selection_label} has ${c.report.clusters.length} cluster(s)`,
    );
  const e = pick.expect;
  if (e && (e.size !== cluster.size || e.terms.join('\u0000') !== cluster.terms.join('\u0000')))
    throw new LensError(
      ErrorCode.BadInput,
      `cluster #${pick.cluster} of ${run} is no longer the one shown (${e.size} samples, ${e.terms.join(', ') || 'no terms'}): ` +
        `clustered again it has ${cluster.size} (${cluster.terms.join(', ') || 'no terms'}). The run changed since: cluster it again.`,
    );
  return { report: c.report, cluster, ids };
}

const requestOf = (run: string, pick: ClusterPick): ClusterRequest => ({ run, ...pick.spec });

/** The members of one cluster, the clustering computed again (seeded: the same while the run's samples are). */
export const pickCluster = (store: Store, run: string, pick: ClusterPick): PickedCluster =>
  picked(run, pick, runThrough(failureClusterSteps(store, requestOf(run, pick))));

/** The same, awaiting `pause` between k-means runs (the engine). */
export const pickClusterPausing = async (
  store: Store,
  run: string,
  pick: ClusterPick,
  pause: () => Promise<void>,
): Promise<PickedCluster> => picked(run, pick, await runPausing(failureClusterSteps(store, requestOf(run, pick)), pause));
