// Per-token arrays of stored samples, and the aggregates the views sort and chart by: per sample
// (group view columns) and per step (dashboard mismatch chart). The mismatch is derived here from
// the two stored logprob columns, never stored (src/shared/tokenSignals.ts).
import type { GroupRef, SampleRef } from '../../shared/explorer';
import type { Split } from '../../shared/rollout';
import {
  DEFAULT_CLIP_EPSILON,
  mismatchStats,
  tokenAggregates,
  type GroupTokenStats,
  type MismatchStats,
  type SampleTokens,
  type TokenAvailability,
} from '../../shared/tokenSignals';
import { decodeFloat32, decodeInt32 } from './blobs';
import { requireGroupId } from './reads';
import type { Store } from './store';
import { ErrorCode, LensError } from '../../shared/errors';

export interface TokenRow {
  response_ids: Uint8Array | null;
  response_tokens: string | null;
  logprobs: Uint8Array | null;
  train_logprobs: Uint8Array | null;
  ref_logprobs: Uint8Array | null;
  entropy: Uint8Array | null;
  token_advantages: Uint8Array | null;
}

export const TOKEN_COLUMNS = 'response_ids, response_tokens, logprobs, train_logprobs, ref_logprobs, entropy, token_advantages';

export function decodeTokens(r: TokenRow): SampleTokens {
  return {
    ids: decodeInt32(r.response_ids) ?? null,
    tokens: typeof r.response_tokens === 'string' ? (JSON.parse(r.response_tokens) as string[]) : null,
    logprobs: decodeFloat32(r.logprobs) ?? null,
    train_logprobs: decodeFloat32(r.train_logprobs) ?? null,
    ref_logprobs: decodeFloat32(r.ref_logprobs) ?? null,
    entropy: decodeFloat32(r.entropy) ?? null,
    token_advantages: decodeFloat32(r.token_advantages) ?? null,
  };
}

export function sampleTokens(store: Store, ref: SampleRef): SampleTokens {
  const gid = requireGroupId(store, ref);
  const row = store.db.prepare(`SELECT ${TOKEN_COLUMNS} FROM samples WHERE group_id = ? AND idx = ?`).get(gid, ref.index) as
    TokenRow | undefined;
  if (!row) throw new LensError(ErrorCode.NotFound, `group ${JSON.stringify(ref.group)} of step ${ref.step} has no sample ${ref.index}`);
  return decodeTokens(row);
}

export function availability(samples: readonly SampleTokens[]): TokenAvailability {
  const any = (k: keyof SampleTokens): boolean => samples.some((s) => s[k] !== null);
  const a = {
    logprobs: any('logprobs'),
    train_logprobs: any('train_logprobs'),
    ref_logprobs: any('ref_logprobs'),
    entropy: any('entropy'),
    token_advantages: any('token_advantages'),
  };
  const noLogprobs = 'No per-token logprobs were logged for these samples (the trainer wrote none, or its format carries none).';
  return {
    ...a,
    logprob_reason: a.logprobs || a.train_logprobs ? null : noLogprobs,
    mismatch_reason:
      a.logprobs && a.train_logprobs
        ? null
        : !a.logprobs && !a.train_logprobs
          ? noLogprobs
          : a.logprobs
            ? 'Only the sampler’s logprobs were logged: the mismatch needs the trainer’s recomputed ones too (train_logprobs).'
            : 'Only the trainer’s logprobs were logged: the mismatch needs the sampler’s too (logprobs).',
  };
}

/** Per-sample aggregates of a group (G rows, one indexed read). */
export function groupTokenStats(store: Store, ref: GroupRef, epsilon = DEFAULT_CLIP_EPSILON): GroupTokenStats {
  const gid = requireGroupId(store, ref);
  const rows = store.db.prepare(`SELECT idx, ${TOKEN_COLUMNS} FROM samples WHERE group_id = ? ORDER BY idx`).all(gid) as Array<
    TokenRow & { idx: number }
  >;
  return tokenStatsOf(rows, epsilon);
}

/** The token aggregates of a group's rows, already read. */
export function tokenStatsOf(rows: ReadonlyArray<TokenRow & { idx: number }>, epsilon = DEFAULT_CLIP_EPSILON): GroupTokenStats {
  const decoded = rows.map((r) => ({ index: r.idx, t: decodeTokens(r) }));
  return {
    availability: availability(decoded.map((d) => d.t)),
    epsilon,
    samples: decoded.map((d) => ({ index: d.index, ...tokenAggregates(d.t, epsilon) })),
  };
}

/** Samples read per step for the mismatch: enough for a p99, bounded so a 4k-token run stays cheap. */
export const MISMATCH_SAMPLES_PER_STEP = 256;

/** Per-step results kept between calls, recomputed only for steps whose sample count changed. */
export type MismatchCache = Map<string, { samples: number; stats: MismatchStats | null }>;

/**
 * Mismatch per step of a run, over (up to `perStep`, lowest ids first) samples that logged both
 * logprobs. With a cache, a step is read again only when its number of samples changed.
 */
export function stepMismatch(
  store: Store,
  run: string,
  epsilon = DEFAULT_CLIP_EPSILON,
  split: Split = 'train',
  opts: { perStep?: number; cache?: MismatchCache } = {},
): Array<{ step: number } & MismatchStats> {
  const runId = store.requireRun(run).id;
  const perStep = opts.perStep ?? MISMATCH_SAMPLES_PER_STEP;
  const stmt = store.db.prepare(
    `SELECT s.train_logprobs, s.logprobs FROM samples s JOIN groups g ON g.id = s.group_id
      WHERE g.step_id = ? AND s.train_logprobs IS NOT NULL AND s.logprobs IS NOT NULL ORDER BY s.id LIMIT ?`,
  );
  const steps = store.db
    .prepare('SELECT id, step, samples FROM steps WHERE run_id = ? AND split = ? ORDER BY step')
    .all(runId, split) as Array<{ id: number; step: number; samples: number }>;
  const out: Array<{ step: number } & MismatchStats> = [];
  for (const st of steps) {
    const key = JSON.stringify([store.file, runId, split, st.step, epsilon, perStep]);
    let hit = opts.cache?.get(key);
    if (!hit || hit.samples !== st.samples) {
      const rows = stmt.all(st.id, perStep) as Array<{ train_logprobs: Uint8Array; logprobs: Uint8Array }>;
      const pairs = rows.map((r): [number[], number[]] => [decodeFloat32(r.train_logprobs)!, decodeFloat32(r.logprobs)!]);
      hit = { samples: st.samples, stats: rows.length ? mismatchStats(pairs, epsilon) : null };
      opts.cache?.set(key, hit);
    }
    if (hit.stats) out.push({ step: st.step, ...hit.stats });
  }
  return out;
}
