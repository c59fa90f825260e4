// Clustering responses by text (docs/algorithms.md#failure-clusters): TF-IDF over words and word
// pairs, spherical k-means with k given or chosen by the silhouette, each cluster named
// by its most over-represented terms and shown by the three members nearest its centre.
import { candidateKs, chooseKSteps, kmeansSteps, seededRandom, KMEANS_DEFAULTS, type KMeansOptions } from './kmeans';
import { runThrough, type Stepped } from './stepped';
import { dot, tfidfVectorSteps, type SparseVector, type VectorOptions } from './textVectors';

export interface ClusterOptions {
  /** Given k; absent: chosen by the silhouette over 2 … min(maxK, ⌊√n⌋). */
  k?: number;
  maxK: number;
  seed: number;
  /** k is chosen on a seeded sample of at most this many responses (then the clusters are found on all). */
  chooseOn: number;
  kmeans: KMeansOptions;
  vectors?: Partial<VectorOptions>;
}

export const CLUSTER_DEFAULTS: Omit<ClusterOptions, 'seed'> = { maxK: 10, chooseOn: 1000, kmeans: KMEANS_DEFAULTS };

/** Terms named per cluster. */
const NAME_TERMS = 5;
const EXAMPLES = 3;

export interface TextCluster {
  /** Indices into the texts, ascending. */
  members: number[];
  terms: string[];
  /** Up to three members nearest the centre, nearest first. */
  examples: number[];
}

export interface TextClustering {
  /** Clusters k-means found; responses with no counted term make one more cluster beside them. */
  k: number;
  kRule: 'given' | 'silhouette' | 'too few';
  vocabulary: number;
  /** Largest first (ties: the one whose first member comes first). */
  clusters: TextCluster[];
}

/** A seeded sample of m of the n indices, ascending (a partial Fisher–Yates shuffle). */
export function sampleIndices(n: number, m: number, seed: number): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return [...a.subarray(0, m)].sort((x, y) => x - y);
}

function* pickK(vectors: readonly SparseVector[], dims: number, o: ClusterOptions): Stepped<{ k: number; rule: TextClustering['kRule'] }> {
  if (o.k !== undefined) return { k: Math.min(o.k, vectors.length), rule: 'given' };
  const ks = candidateKs(vectors.length, o.maxK);
  if (ks.length === 0) return { k: 1, rule: 'too few' };
  const sample = sampleIndices(vectors.length, o.chooseOn, o.seed).map((i) => vectors[i]!);
  return { k: yield* chooseKSteps(sample, dims, o.seed, ks, o.kmeans), rule: 'silhouette' };
}

/** Words too common to name anything by on their own (they still count inside pairs and for the clustering). */
const FUNCTION_WORDS = new Set(
  'a an and are as at be but by for from i if in is it its me my not of on or so that the then this to was we with you'.split(' '),
);

/**
 * The terms most over-represented in a cluster: mean weight inside minus mean weight outside, highest
 * first (on a tie, pairs before words). A function word alone, a word already inside a chosen pair,
 * or a pair of two chosen words adds nothing and is skipped.
 */
export function distinguishingTerms(inside: Float64Array, outside: Float64Array, terms: readonly string[], n = NAME_TERMS): string[] {
  const gain = (t: number): number => inside[t]! - outside[t]!;
  const pair = (t: number): number => (terms[t]!.includes(' ') ? 0 : 1);
  const order = terms.map((_, t) => t).filter((t) => gain(t) > 0 && !FUNCTION_WORDS.has(terms[t]!));
  order.sort((a, b) => gain(b) - gain(a) || pair(a) - pair(b) || a - b);
  const chosen: string[] = [];
  for (const t of order) {
    if (chosen.length >= n) break;
    const term = terms[t]!;
    const words = term.split(' ');
    const covered = words.length === 1 ? chosen.some((c) => c.split(' ').includes(term)) : words.every((w) => chosen.includes(w));
    if (!covered) chosen.push(term);
  }
  return chosen;
}

function meanVectors(vectors: readonly SparseVector[], members: readonly number[], dims: number): Float64Array {
  const sum = new Float64Array(dims);
  for (const i of members) {
    const v = vectors[i]!;
    for (let j = 0; j < v.idx.length; j++) sum[v.idx[j]!]! += v.val[j]!;
  }
  return sum;
}

/** Clusters `texts`; indices in the result are into `texts`. Deterministic for a seed. */
export const clusterTexts = (texts: readonly string[], options: Partial<ClusterOptions> & { seed: number }): TextClustering =>
  runThrough(clusterTextsSteps(texts, options));

/** The same, pausing between k-means runs (runPausing); the result does not depend on the pauses. */
export function* clusterTextsSteps(texts: readonly string[], options: Partial<ClusterOptions> & { seed: number }): Stepped<TextClustering> {
  const o: ClusterOptions = { ...CLUSTER_DEFAULTS, ...options };
  const { terms, vectors } = yield* tfidfVectorSteps(texts, o.vectors);
  const dims = terms.length;
  // Responses with no counted term (empty ones, or only words nearly every response has) are set apart, not forced into a cluster.
  const worded = vectors.map((_, i) => i).filter((i) => vectors[i]!.idx.length > 0);
  const blank = vectors.map((_, i) => i).filter((i) => vectors[i]!.idx.length === 0);
  const wv = worded.map((i) => vectors[i]!);
  const { k, rule } = worded.length === 0 ? { k: 0, rule: 'too few' as const } : yield* pickK(wv, dims, o);
  const result = yield* kmeansSteps(wv, k, dims, o.seed, o.kmeans);
  const members: number[][] = Array.from({ length: result.k }, () => []);
  for (let j = 0; j < wv.length; j++) members[result.assignment[j]!]!.push(j);
  const total = meanVectors(
    wv,
    wv.map((_, j) => j),
    dims,
  );
  const clusters: TextCluster[] = [];
  for (let c = 0; c < result.k; c++) {
    const m = members[c]!;
    if (m.length === 0) continue;
    const inside = meanVectors(wv, m, dims);
    const rest = wv.length - m.length;
    const outside = new Float64Array(dims);
    for (let t = 0; t < dims; t++) {
      outside[t] = rest > 0 ? (total[t]! - inside[t]!) / rest : 0;
      inside[t]! /= m.length;
    }
    const centre = result.centroids[c]!;
    const nearest = m
      .map((j) => [j, dot(wv[j]!, centre)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, EXAMPLES);
    clusters.push({
      members: m.map((j) => worded[j]!),
      terms: distinguishingTerms(inside, outside, terms),
      examples: nearest.map(([j]) => worded[j]!),
    });
  }
  if (blank.length > 0) clusters.push({ members: blank, terms: [], examples: blank.slice(0, EXAMPLES) });
  clusters.sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  return { k: result.k, kRule: rule, vocabulary: dims, clusters };
}

/** A response's start as one line: whitespace collapsed, at most `max` characters. */
export function previewOf(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
