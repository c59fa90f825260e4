// Spherical k-means (cosine) over unit-length sparse vectors, seeded: k-means++ starts, a few
// restarts, and k chosen by the silhouette when not given (docs/algorithms.md#failure-clusters).
import { runThrough, type Stepped } from './stepped';
import { dot, type SparseVector } from './textVectors';

/** A seeded generator (mulberry32): the same seed gives the same clusters on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KMeansOptions {
  /** Restarts from fresh k-means++ starts; the one with the least total distance is kept. */
  restarts: number;
  maxIterations: number;
}

export const KMEANS_DEFAULTS: KMeansOptions = { restarts: 3, maxIterations: 50 };

export interface KMeansResult {
  k: number;
  /** The cluster of each vector, 0-based. */
  assignment: Int32Array;
  /** Unit-length centroids, dense over the terms. */
  centroids: Float64Array[];
  /** Σ (1 − cos) from each vector to its centroid. */
  cost: number;
}

function dense(v: SparseVector, dims: number): Float64Array<ArrayBuffer> {
  const d = new Float64Array(dims);
  for (let j = 0; j < v.idx.length; j++) d[v.idx[j]!] = v.val[j]!;
  return d;
}

/** The nearest centroid (highest cosine; ties to the lower index) and its cosine. */
function nearest(v: SparseVector, centroids: readonly Float64Array[]): [number, number] {
  let best = 0;
  let bestSim = -Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const s = dot(v, centroids[c]!);
    if (s > bestSim) [best, bestSim] = [c, s];
  }
  return [best, bestSim];
}

/** k-means++: each next start is drawn with probability ∝ (1 − cos to the nearest start)². */
function plusPlusStarts(vectors: readonly SparseVector[], k: number, dims: number, rand: () => number): Float64Array[] {
  const starts = [dense(vectors[Math.floor(rand() * vectors.length)]!, dims)];
  const d2 = new Float64Array(vectors.length).fill(Infinity);
  while (starts.length < k) {
    const last = starts[starts.length - 1]!;
    let total = 0;
    for (let i = 0; i < vectors.length; i++) {
      const d = 1 - dot(vectors[i]!, last);
      d2[i] = Math.min(d2[i]!, d * d);
      total += d2[i]!;
    }
    let pick = 0;
    if (total > 0) {
      let r = rand() * total;
      for (pick = 0; pick < vectors.length - 1; pick++) if ((r -= d2[pick]!) < 0) break;
    } else pick = Math.floor(rand() * vectors.length);
    starts.push(dense(vectors[pick]!, dims));
  }
  return starts;
}

/** Centroids as the unit-length means of their members; an empty cluster restarts at the worst-fitting vector. */
function recenter(vectors: readonly SparseVector[], assignment: Int32Array, k: number, dims: number, sims: Float64Array): Float64Array[] {
  const sums = Array.from({ length: k }, () => new Float64Array(dims));
  const sizes = new Int32Array(k);
  for (let i = 0; i < vectors.length; i++) {
    const c = assignment[i]!;
    sizes[c]!++;
    const v = vectors[i]!;
    const s = sums[c]!;
    for (let j = 0; j < v.idx.length; j++) s[v.idx[j]!]! += v.val[j]!;
  }
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) {
      let worst = 0;
      for (let i = 1; i < vectors.length; i++) if (sims[i]! < sims[worst]!) worst = i;
      sums[c] = dense(vectors[worst]!, dims);
      sims[worst] = Infinity;
      continue;
    }
    const s = sums[c]!;
    let norm = 0;
    for (let t = 0; t < dims; t++) norm += s[t]! * s[t]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let t = 0; t < dims; t++) s[t]! /= norm;
  }
  return sums;
}

function runOnce(vectors: readonly SparseVector[], k: number, dims: number, rand: () => number, maxIterations: number): KMeansResult {
  let centroids = plusPlusStarts(vectors, k, dims, rand);
  const assignment = new Int32Array(vectors.length).fill(-1);
  const sims = new Float64Array(vectors.length);
  for (let iter = 0; iter < maxIterations; iter++) {
    let moved = 0;
    for (let i = 0; i < vectors.length; i++) {
      const [c, s] = nearest(vectors[i]!, centroids);
      sims[i] = s;
      if (assignment[i] !== c) {
        assignment[i] = c;
        moved++;
      }
    }
    if (moved === 0 && iter > 0) break;
    centroids = recenter(vectors, assignment, k, dims, sims);
  }
  let cost = 0;
  for (let i = 0; i < vectors.length; i++) cost += 1 - dot(vectors[i]!, centroids[assignment[i]!]!);
  return { k, assignment, centroids, cost };
}

/** k clusters (k ≤ the number of vectors), the best of `restarts` seeded runs; pauses after each run. */
export function* kmeansSteps(
  vectors: readonly SparseVector[],
  k: number,
  dims: number,
  seed: number,
  o: KMeansOptions = KMEANS_DEFAULTS,
): Stepped<KMeansResult> {
  if (vectors.length === 0) return { k: 0, assignment: new Int32Array(0), centroids: [], cost: 0 };
  const kk = Math.max(1, Math.min(k, vectors.length));
  const rand = seededRandom(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, o.restarts); r++) {
    const run = runOnce(vectors, kk, dims, rand, o.maxIterations);
    if (!best || run.cost < best.cost - 1e-12) best = run;
    yield;
  }
  return best!;
}

export const kmeans = (vectors: readonly SparseVector[], k: number, dims: number, seed: number, o: KMeansOptions = KMEANS_DEFAULTS) =>
  runThrough(kmeansSteps(vectors, k, dims, seed, o));

/**
 * The silhouette (Rousseeuw 1987) under cosine distance, exact and without the n² pairs: for unit
 * vectors the mean distance from x to a cluster C is 1 − x·ΣC / |C| (its own cluster: leave x out,
 * x·x = 1). Per vector s = (b − a) / max(a, b), a = mean distance to its own cluster, b = to the
 * nearest other; 0 for a cluster of one. The mean over all vectors.
 */
export function silhouette(vectors: readonly SparseVector[], r: KMeansResult, dims: number): number {
  if (r.k < 2 || vectors.length === 0) return 0;
  const sums = Array.from({ length: r.k }, () => new Float64Array(dims));
  const sizes = new Int32Array(r.k);
  for (let i = 0; i < vectors.length; i++) {
    const c = r.assignment[i]!;
    sizes[c]!++;
    const v = vectors[i]!;
    for (let j = 0; j < v.idx.length; j++) sums[c]![v.idx[j]!]! += v.val[j]!;
  }
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    const own = r.assignment[i]!;
    if (sizes[own]! < 2) continue;
    let a = 0;
    let b = Infinity;
    for (let c = 0; c < r.k; c++) {
      if (sizes[c] === 0) continue;
      const s = dot(vectors[i]!, sums[c]!);
      if (c === own) a = 1 - (s - 1) / (sizes[c]! - 1);
      else b = Math.min(b, 1 - s / sizes[c]!);
    }
    const m = Math.max(a, b);
    if (Number.isFinite(b) && m > 0) total += (b - a) / m;
  }
  return total / vectors.length;
}

/** The k tried when none is given: 2 … min(maxK, ⌊√n⌋). */
export function candidateKs(n: number, maxK: number): number[] {
  const top = Math.min(maxK, Math.floor(Math.sqrt(n)));
  const out: number[] = [];
  for (let k = 2; k <= top; k++) out.push(k);
  return out;
}

/** The k of the highest silhouette over `candidates` (ties: the smaller k); 1 when there is no candidate. */
export function* chooseKSteps(
  vectors: readonly SparseVector[],
  dims: number,
  seed: number,
  candidates: readonly number[],
  o: KMeansOptions,
): Stepped<number> {
  let bestK = 1;
  let bestScore = -Infinity;
  for (const k of candidates) {
    const score = silhouette(vectors, yield* kmeansSteps(vectors, k, dims, seed, o), dims);
    if (score > bestScore + 1e-9) [bestK, bestScore] = [k, score];
  }
  return bestK;
}
