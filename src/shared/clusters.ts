// Failure clusters (docs/algorithms.md#failure-clusters): which samples are clustered, and the
// report the engine, the CLI (`rollout-lens clusters --json`) and the extension share.
import type { AlertKind } from './alerts';
import type { SampleRef } from './explorer';
import type { Split } from './rollout';

/** Which samples of the step range are clustered. */
export type ClusterSelection =
  /** Not solved under the run's success rule (src/shared/success.ts). */
  | { kind: 'wrong' }
  /** Whose verdict a re-score set flipped against the logged one (either way). */
  | { kind: 'flipped'; set: number }
  /** Behind the run's alerts of one kind. */
  | { kind: 'alert'; alert: AlertKind }
  /** Whose response matches a full-text query (the explorer's text filter, FTS5 syntax). */
  | { kind: 'text'; query: string }
  /** That carry a label tag, on themselves or on their group. */
  | { kind: 'label'; tag: string };

/** A typical member of a cluster: where it is and how its response starts. */
export interface ClusterExample extends SampleRef {
  sample_id: number;
  /** The response's first characters, whitespace collapsed (plain text, never markup). */
  preview: string;
}

export interface FailureCluster {
  /** 1-based, largest cluster first. */
  id: number;
  size: number;
  /** Terms most over-represented in this cluster against the rest ("#" stands for any number). */
  terms: string[];
  /** The endpoint's name when naming by endpoint worked, else the terms joined. */
  name: string;
  named_by: 'terms' | 'endpoint';
  /** Up to three members nearest the cluster's centre. */
  examples: ClusterExample[];
}

/** What naming by the user's endpoint sent, and whether it worked. */
export interface ClusterNaming {
  endpoint: string;
  model: string;
  /** In words: what was sent (which examples, how many characters of each, the terms). */
  sent: string;
  /** Characters of the prompt sent. */
  characters: number;
  ok: boolean;
  /** Why the terms were kept, when the endpoint failed or gave no usable names. */
  message: string | null;
}

export interface ClusterReport {
  run: string;
  split: 'train' | 'val';
  /** The step range, inclusive; null: open. */
  from: number | null;
  to: number | null;
  selection: ClusterSelection;
  /** The selection in words, e.g. "wrong (the logged verdict)". */
  selection_label: string;
  /** Samples the selection matched in the range. */
  selected: number;
  /** Samples clustered: all the selected ones, or a seeded sample of `cap` of them. */
  clustered: number;
  capped: boolean;
  cap: number;
  seed: number;
  /** Clusters k-means found; responses with no distinctive word are one more cluster beside them. */
  k: number;
  /** How k was set: given, by the silhouette, or 1 for fewer than 4 samples. */
  k_rule: 'given' | 'silhouette' | 'too few';
  /** Terms (words and word pairs) the responses were compared by. */
  vocabulary: number;
  clusters: FailureCluster[];
  naming: ClusterNaming | null;
}

/** How many samples are clustered at most unless asked otherwise (the bench's size). */
export const DEFAULT_CLUSTER_CAP = 10_000;
/** The largest k tried when k is not given. */
export const DEFAULT_MAX_K = 10;
export const DEFAULT_CLUSTER_SEED = 1;

/** "A-B", "A-", "-B" or "N" (empty: all steps) → an inclusive range with open ends absent, or what is wrong with it. */
export function parseStepRange(s: string): { from?: number; to?: number } | { error: string } {
  const m = /^(\d*)(?:(-)(\d*))?$/.exec(s.trim());
  if (!m) return { error: `a step range is A-B, A-, -B or N (step numbers), not ${JSON.stringify(s)}` };
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[2] ? (m[3] ? Number(m[3]) : undefined) : from;
  if (from !== undefined && to !== undefined && from > to)
    return { error: `the step range ${s} is empty: its first step is after its last` };
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** A clustering as asked, the run aside: with the same data and seed it gives the same clusters again. */
export interface ClusterSpec {
  split?: Split;
  from?: number;
  to?: number;
  selection: ClusterSelection;
  /** Absent: chosen by the silhouette, as the clustering did. */
  k?: number;
  seed?: number;
  cap?: number;
}

/**
 * One cluster as a selection (dataset export, shared report). The clustering is computed again
 * (seeded, so the same while the run's samples are the same); `expect` is the cluster as the user
 * saw it, so a run that changed since gives an error instead of other samples.
 */
export interface ClusterPick {
  spec: ClusterSpec;
  /** The cluster's id (1 = the largest). */
  cluster: number;
  expect?: { size: number; terms: string[] };
}

/** The request that made a report, to compute its clusters again. */
export function clusterSpecOf(r: ClusterReport): ClusterSpec {
  return {
    split: r.split,
    ...(r.from !== null ? { from: r.from } : {}),
    ...(r.to !== null ? { to: r.to } : {}),
    selection: r.selection,
    ...(r.k_rule === 'given' ? { k: r.k } : {}),
    seed: r.seed,
    cap: r.cap,
  };
}

/** A report's cluster as a pick, expecting what the report showed. */
export function clusterPickOf(r: ClusterReport, c: FailureCluster): ClusterPick {
  return { spec: clusterSpecOf(r), cluster: c.id, expect: { size: c.size, terms: c.terms } };
}

/** A cluster, as a shared report shows it above its group: what was clustered, the cluster, and its examples. */
export interface ReportCluster {
  run: string;
  selection_label: string;
  from: number | null;
  to: number | null;
  /** Samples clustered, and this cluster's id, name, terms and size. */
  clustered: number;
  id: number;
  name: string;
  terms: string[];
  size: number;
  examples: ClusterExample[];
  /** How many of the cluster's samples are in the group the report shows. */
  in_group: number;
}

/** The clusters' title: what was selected, from which steps, and whether a seeded sample was clustered. */
export function clustersTitle(r: ClusterReport): string {
  const range = r.from === null && r.to === null ? 'all steps' : `steps ${r.from ?? '…'}–${r.to ?? '…'}`;
  const sampled = r.capped ? `, a seeded sample of ${r.clustered}` : '';
  return `${r.run} ${range}: ${r.selected} ${r.selection_label}${sampled} → ${r.clusters.length} clusters`;
}

/** A cluster's size and its share of the clustered samples, e.g. "30 (75.0%)". */
export function clusterShare(r: ClusterReport, c: FailureCluster): string {
  return `${c.size} (${r.clustered ? ((100 * c.size) / r.clustered).toFixed(1) : '0'}%)`;
}
