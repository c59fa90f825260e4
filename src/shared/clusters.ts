// Failure clusters (docs/algorithms.md#failure-clusters): which samples are clustered, and the
// report the engine, the CLI (`rollout-lens clusters --json`) and the extension share.
import type { AlertKind } from './alerts';
import type { SampleRef } from './explorer';

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
