// Per-token signals of one response and what is derived from them: the train-vs-inference logprob
// mismatch Δ = train − inference, its ratio exp(Δ), and whether a token falls outside the clip
// range [1 − ε, 1 + ε]. Derived wherever it is shown, never stored. Shared by the engine (per-sample
// and per-step aggregates) and the webviews (overlays), so both say the same numbers.
// Definitions and sources: docs/algorithms.md "Token signals".

/**
 * ε of the clip range. 0.2 is the clipping parameter of PPO's clipped surrogate objective
 * (Schulman et al. 2017, arXiv:1707.06347, section 6.1) and the default `clip_ratio` of verl's actor
 * (verl/trainer/config/actor/actor.yaml at 7bbd5f3f); rolloutLens.tokens.clipEpsilon overrides it.
 */
export const DEFAULT_CLIP_EPSILON = 0.2;

/**
 * A response's per-token arrays, as stored; NaN means "not reported for this token". JSON has no
 * NaN, so over the engine and webview protocols those entries arrive as null: every reader here
 * treats any non-finite entry (NaN or null) as missing.
 */
export interface SampleTokens {
  /** Response token ids, when logged. */
  ids: number[] | null;
  /** Response token strings, when logged. */
  tokens: string[] | null;
  /** The sampler's (inference engine's) logprobs. */
  logprobs: number[] | null;
  /** The trainer's recomputed logprobs for the same tokens. */
  train_logprobs: number[] | null;
  ref_logprobs: number[] | null;
  entropy: number[] | null;
  /** Per-token advantages as the trainer logged them. */
  token_advantages: number[] | null;
}

/** Per-sample aggregates, sortable columns of the group view. null: nothing to aggregate. */
export interface TokenAggregates {
  /** Tokens with both logprobs finite (what the mismatch figures are over). */
  compared: number;
  mean_abs_delta: number | null;
  max_ratio: number | null;
  /** Share of compared tokens whose ratio lies outside [1 − ε, 1 + ε]. */
  outside_clip: number | null;
  /** Mean of the finite sampler logprobs (the trainer's when the sampler's are absent). */
  mean_logprob: number | null;
}

/** Which per-token signals a group's samples carry, and why a view mode is absent. */
export interface TokenAvailability {
  logprobs: boolean;
  train_logprobs: boolean;
  ref_logprobs: boolean;
  entropy: boolean;
  token_advantages: boolean;
  /** Why there is no logprob overlay (null when there is one). */
  logprob_reason: string | null;
  /** Why there is no mismatch overlay or columns (null when there are). */
  mismatch_reason: string | null;
}

export interface GroupTokenStats {
  availability: TokenAvailability;
  epsilon: number;
  /** By sample index. */
  samples: Array<{ index: number } & TokenAggregates>;
}

/** Per-step mismatch over every compared token of the step. */
export interface MismatchStats {
  tokens: number;
  mean_abs_delta: number | null;
  p99_abs_delta: number | null;
  outside_clip: number | null;
}

/** Δ at token t, NaN when either logprob is missing there. */
export function deltaAt(train: readonly number[], inference: readonly number[], t: number): number {
  const a = train[t];
  const b = inference[t];
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) ? NaN : a - b;
}

export function outsideClip(ratio: number, epsilon: number): boolean {
  return ratio < 1 - epsilon || ratio > 1 + epsilon;
}

function meanFinite(xs: readonly number[] | null): number | null {
  if (!xs) return null;
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  }
  return n ? s / n : null;
}

export function tokenAggregates(t: Pick<SampleTokens, 'logprobs' | 'train_logprobs'>, epsilon = DEFAULT_CLIP_EPSILON): TokenAggregates {
  let sum = 0;
  let n = 0;
  let maxRatio = -Infinity;
  let outside = 0;
  const train = t.train_logprobs;
  const inf = t.logprobs;
  if (train && inf) {
    const len = Math.min(train.length, inf.length);
    for (let i = 0; i < len; i++) {
      const d = deltaAt(train, inf, i);
      if (Number.isNaN(d)) continue;
      const r = Math.exp(d);
      sum += Math.abs(d);
      n++;
      if (r > maxRatio) maxRatio = r;
      if (outsideClip(r, epsilon)) outside++;
    }
  }
  return {
    compared: n,
    mean_abs_delta: n ? sum / n : null,
    max_ratio: n ? maxRatio : null,
    outside_clip: n ? outside / n : null,
    mean_logprob: meanFinite(inf) ?? meanFinite(train),
  };
}

/** Nearest-rank percentile (the ⌈q·n⌉-th smallest value); null for no values. `xs` is left as it was. */
export function nearestRank(xs: ArrayLike<number>, q: number): number | null {
  if (xs.length === 0) return null;
  // A typed array sorts numbers natively: ~20× faster than Array#sort with a comparator, which
  // made the dashboard's first mismatch chart take seconds on a run with millions of tokens.
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** Mismatch over a step's responses: `pairs` yields each response's (train, inference) logprobs. */
export function mismatchStats(
  pairs: Iterable<[readonly number[] | null, readonly number[] | null]>,
  epsilon = DEFAULT_CLIP_EPSILON,
): MismatchStats {
  const all: number[] = [];
  let sum = 0;
  let outside = 0;
  for (const [train, inf] of pairs) {
    if (!train || !inf) continue;
    const n = Math.min(train.length, inf.length);
    for (let t = 0; t < n; t++) {
      const d = deltaAt(train, inf, t);
      if (Number.isNaN(d)) continue;
      const abs = Math.abs(d);
      all.push(abs);
      sum += abs;
      if (outsideClip(Math.exp(d), epsilon)) outside++;
    }
  }
  const n = all.length;
  return { tokens: n, mean_abs_delta: n ? sum / n : null, p99_abs_delta: nearestRank(all, 0.99), outside_clip: n ? outside / n : null };
}

/** Every value logged or derived for token t, as label → text, in display order ("missing" for NaN). */
export function tokenReadout(
  k: SampleTokens,
  t: number,
  epsilon: number,
  num: (x: number) => string,
  signedNum: (x: number) => string,
  advantage?: number,
): Array<[string, string]> {
  const v = (a: readonly (number | null)[] | null): string => {
    if (!a) return 'not logged';
    const x = a[t];
    return x === null || x === undefined || !Number.isFinite(x) ? 'missing' : num(x);
  };
  const d = k.train_logprobs && k.logprobs ? deltaAt(k.train_logprobs, k.logprobs, t) : NaN;
  const ok = Number.isFinite(d);
  return [
    ['token', JSON.stringify(k.tokens?.[t] ?? null)],
    ['id', k.ids?.[t] !== undefined ? String(k.ids[t]) : 'not logged'],
    ['logprob', v(k.logprobs)],
    ['train', v(k.train_logprobs)],
    ['Δ', ok ? signedNum(d) : 'missing'],
    ['ratio', ok ? `${num(Math.exp(d))}${outsideClip(Math.exp(d), epsilon) ? ' (outside clip range)' : ''}` : 'missing'],
    ['ref', v(k.ref_logprobs)],
    ['entropy', v(k.entropy)],
    ['advantage', advantage === undefined ? 'none' : Number.isFinite(advantage) ? signedNum(advantage) : 'missing'],
  ];
}

/**
 * The token whose text covers character `offset` of `text`, when the logged token strings spell the
 * text exactly (else null: offsets cannot be mapped to tokens). Binary search over token starts.
 */
export function tokenAtOffset(tokens: readonly string[], text: string, offset: number): number | null {
  if (offset < 0 || offset >= text.length || tokens.join('') !== text) return null;
  const starts: number[] = [];
  let at = 0;
  for (const tok of tokens) {
    starts.push(at);
    at += tok.length;
  }
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  // An empty token shares its start with the next one: report the one that has the character.
  while (lo < tokens.length - 1 && tokens[lo]!.length === 0) lo++;
  return lo;
}
