// Responses as sparse TF-IDF vectors over words and word pairs, for failure clusters
// (docs/algorithms.md#failure-clusters). No model: words are what a reader can name a cluster by,
// and word pairs ("never answers", "in meters") separate templates that share their words.
import { runThrough, type Stepped } from './stepped';

/** How each response is cut and which terms count (the defaults are documented in docs/algorithms.md). */
export interface VectorOptions {
  /** Characters kept from the start and from the end of a long response (its middle is dropped). */
  headChars: number;
  tailChars: number;
  /** A term must occur in at least this many responses to count. */
  minDf: number;
  /** A term in more than this share of the responses describes what most of them share, not what sets a kind apart. */
  maxDfShare: number;
  /** At most this many terms, the most frequent (by document frequency, then alphabetically). */
  maxTerms: number;
}

export const VECTOR_DEFAULTS: VectorOptions = { headChars: 1500, tailChars: 1500, minDf: 2, maxDfShare: 0.5, maxTerms: 4000 };

/** A unit-length sparse vector: term indices ascending, with their weights. */
export interface SparseVector {
  idx: Uint32Array;
  val: Float64Array;
}

export interface TermVectors {
  terms: string[];
  vectors: SparseVector[];
}

/** The text a response is clustered by: its head and tail when it is long (a failure shows at either end). */
export function clippedText(text: string, o: Pick<VectorOptions, 'headChars' | 'tailChars'> = VECTOR_DEFAULTS): string {
  // + 1: the joining space, so text clipped once is not clipped again.
  if (text.length <= o.headChars + o.tailChars + 1) return text;
  return `${text.slice(0, o.headChars)} ${text.slice(text.length - o.tailChars)}`;
}

/**
 * Words lower-cased, every number as "#" (an arithmetic slip is the same failure whatever the numbers),
 * and each pair of neighbouring words as "a b".
 */
export function termsOf(text: string): string[] {
  const words = (text.toLowerCase().match(/\p{L}+|\p{N}+(?:[.,]\p{N}+)*/gu) ?? []).map((w) => (/^\p{N}/u.test(w) ? '#' : w));
  const out = words.slice();
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

function counts(terms: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * TF-IDF with sublinear term frequency (1 + ln tf) and smoothed idf (ln((1 + n) / (1 + df)) + 1),
 * each vector scaled to unit length. A response with no kept term is the zero vector.
 */
export const tfidfVectors = (texts: readonly string[], options: Partial<VectorOptions> = {}): TermVectors =>
  runThrough(tfidfVectorSteps(texts, options));

/** Texts read between pauses. */
const PAUSE_EVERY = 500;

/** The same, pausing every PAUSE_EVERY texts. */
export function* tfidfVectorSteps(texts: readonly string[], options: Partial<VectorOptions> = {}): Stepped<TermVectors> {
  const o = { ...VECTOR_DEFAULTS, ...options };
  const n = texts.length;
  // Two passes over the texts rather than keeping every response's term counts: memory stays at the vocabulary.
  const df = new Map<string, number>();
  for (let d = 0; d < n; d++) {
    for (const term of counts(termsOf(clippedText(texts[d]!, o))).keys()) df.set(term, (df.get(term) ?? 0) + 1);
    if (d % PAUSE_EVERY === PAUSE_EVERY - 1) yield;
  }
  const maxDf = Math.max(o.minDf, Math.floor(o.maxDfShare * n));
  const kept = [...df].filter(([, d]) => d >= o.minDf && d <= maxDf);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const terms = kept.slice(0, o.maxTerms).map(([t]) => t);
  const index = new Map(terms.map((t, i) => [t, i]));
  const idf = terms.map((t) => Math.log((1 + n) / (1 + df.get(t)!)) + 1);
  const vectors: SparseVector[] = [];
  for (let d = 0; d < n; d++) {
    const entries: Array<[number, number]> = [];
    for (const [term, tf] of counts(termsOf(clippedText(texts[d]!, o)))) {
      const i = index.get(term);
      if (i !== undefined) entries.push([i, (1 + Math.log(tf)) * idf[i]!]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, w]) => s + w * w, 0));
    vectors.push({
      idx: Uint32Array.from(entries, ([i]) => i),
      val: Float64Array.from(entries, ([, w]) => (norm > 0 ? w / norm : 0)),
    });
    if (d % PAUSE_EVERY === PAUSE_EVERY - 1) yield;
  }
  return { terms, vectors };
}

/** The dot product of a sparse vector with a dense one. */
export function dot(v: SparseVector, dense: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.idx.length; j++) s += v.val[j]! * dense[v.idx[j]!]!;
  return s;
}
