// Files that are rewritten rather than appended (TRL parquet, trainer_state.json): read whole when
// their size or mtime changes; identities make a re-read idempotent.
import { writeInBatches } from './batchedWrite';
import * as fs from 'node:fs';
import { isLensError } from '../../shared/errors';
import { cursorFor, emptyCounters, reflectionJob, type PassContext, type PassCounters } from './filePass';
import type { RunNotes, WholeFileFormat } from './formats';
import { attachTrlImages, readTrainerState, readTrlParquet, type TrlRead } from './trlFormat';

interface TrlState {
  digest: string;
  rows: number;
  /** Set when the rows repeat an earlier file (num_iterations > 1), which are then not stored again. */
  repeatOf?: string;
}

function unchanged(c: { size: number | null; mtime_ms: number | null; state: string | null }, st: fs.Stats): boolean {
  return c.state !== null && c.size === st.size && c.mtime_ms === st.mtimeMs;
}

/** Reward column names from the run's trainer_state.json files, if any were seen. */
export type RewardNames = () => ReadonlySet<string> | undefined;

/** True when a TRL parquet changed since its cursor was saved (or was never read): its pass reads it. */
export function trlChanged(ctx: PassContext, file: string): boolean {
  const c = ctx.cursors.get(ctx.runId, file);
  if (!c) return true;
  try {
    return !unchanged(c, fs.statSync(file));
  } catch {
    return false; // gone since discovery: its pass reports it
  }
}

/** A TRL parquet read asked of the worker ahead of its turn, with the file's size and mtime before it. */
export interface TrlAhead {
  read: Promise<TrlRead>;
  size: number;
  mtimeMs: number;
}

/**
 * The parsing worker's read of the file (`ahead`, or asked now) with its keyword counts, else a read
 * here. A read ahead counts only if the file is as it was before that read (`st`): TRL rewrites its
 * files in place, and the cursor saved with `st` must never cover bytes the read did not see.
 */
async function readTrl(
  ctx: PassContext,
  file: string,
  rewardNames: RewardNames,
  st: fs.Stats,
  ahead: TrlAhead | undefined,
): Promise<TrlRead> {
  const w = ctx.parseWorker;
  const fresh = ahead && ahead.size === st.size && ahead.mtimeMs === st.mtimeMs ? ahead.read : undefined;
  if (ahead && !fresh) await ahead.read.catch(() => undefined);
  const inWorker = fresh ?? (w && !w.failed ? w.readTrl(file, rewardNames(), reflectionJob(ctx)) : undefined);
  if (inWorker) {
    try {
      return await inWorker;
    } catch (e) {
      if (isLensError(e)) throw e;
      // The thread went away: read it here.
    }
  }
  return { ...(await readTrlParquet(file, rewardNames())), reflections: null };
}

export async function passTrlParquet(
  ctx: PassContext,
  file: string,
  rewardNames: RewardNames,
  opts: { settling: boolean; ahead?: TrlAhead | undefined },
): Promise<PassCounters> {
  const counters = emptyCounters();
  const st = fs.statSync(file);
  const c = cursorFor(ctx, file, st, 'rollouts', 'trl');
  if (unchanged(c, st)) {
    await opts.ahead?.read.catch(() => undefined);
    return counters;
  }
  let parsed;
  try {
    parsed = await readTrl(ctx, file, rewardNames, st, opts.ahead);
  } catch (e) {
    // While a trainer is writing it, a parquet has no footer yet: wait for the next poll.
    if (opts.settling && isLensError(e)) return counters;
    throw e;
  }
  for (const r of parsed.rejected) counters.errors.push({ line: null, message: r.message });
  const earlier = ctx.store.db
    .prepare("SELECT path FROM files WHERE run_id = ? AND format = 'trl' AND id <> ? AND json_extract(state, '$.digest') = ?")
    .pluck()
    .get(ctx.runId, c.id, parsed.digest) as string | undefined;
  const state: TrlState = {
    digest: parsed.digest,
    rows: parsed.rows,
    ...(earlier ? { repeatOf: earlier } : {}),
  };
  for (const s of parsed.samples) counters.steps.add(`${s.split}:${s.step}`);
  if (parsed.samples.length) counters.groupings = new Set(['contiguous']);
  if (earlier) {
    // num_iterations > 1 logs the same rollouts again under the next step: not new samples.
    counters.duplicate += parsed.samples.length;
  }
  const rows = earlier ? [] : parsed.samples;
  attachTrlImages(rows, file, ctx.datasets ?? []);
  await writeInBatches(
    ctx,
    rows,
    c.id,
    counters,
    () => {
      Object.assign(c, { size: st.size, mtime_ms: st.mtimeMs, offset: st.size, state: JSON.stringify(state) });
      ctx.cursors.save(c);
    },
    { reflections: parsed.reflections ?? undefined },
  );
  counters.bytes = st.size;
  return counters;
}

export function passTrainerState(ctx: PassContext, file: string, names: Set<string>): PassCounters {
  const counters = emptyCounters();
  const st = fs.statSync(file);
  const c = cursorFor(ctx, file, st, 'metrics', 'trl-state');
  const { metrics, rewardNames } = readTrainerState(file);
  for (const n of rewardNames) names.add(n);
  if (unchanged(c, st)) return counters;
  ctx.store.write(() => {
    for (const m of metrics) counters.metrics += ctx.writer.addMetrics(m);
    Object.assign(c, { size: st.size, mtime_ms: st.mtimeMs, offset: st.size, state: '{}' });
    ctx.cursors.save(c);
  });
  counters.bytes = st.size;
  return counters;
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0; // gone since discovery: its pass reports it
  }
}

/** The reward names trainer_state.json gave, once one was read. */
const rewardNamesOf =
  (notes: RunNotes): RewardNames =>
  () =>
    notes.rewardNames.size ? notes.rewardNames : undefined;

/** A changed TRL parquet's read, asked of the pass's worker ahead of its turn; undefined without one. */
function trlReadAhead(ctx: PassContext, file: string, notes: RunNotes): TrlAhead | undefined {
  const w = ctx.parseWorker;
  if (!w || w.failed || !trlChanged(ctx, file)) return undefined;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined; // gone since discovery: its pass reports it
  }
  const read = w.readTrl(file, rewardNamesOf(notes)(), reflectionJob(ctx));
  // Awaited in the file's turn; a stop before it must not leave an unhandled rejection.
  read.catch(() => undefined);
  return { read, size: st.size, mtimeMs: st.mtimeMs };
}

/** TRL GRPOTrainer's completions_{step}.parquet (docs/architecture.md#trl-output). */
export const trlCompletions: WholeFileFormat<'trl', 'rollouts'> = {
  id: 'trl',
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: '.parquet', matches: (name) => name.endsWith('.parquet') },
  pass: (p) => passTrlParquet(p.ctx, p.file, rewardNamesOf(p.notes), { settling: p.settling, ahead: p.ahead }),
  // Its text is about three times its snappy-compressed size (100 MB of rows, 33 MB).
  pendingBytes: (ctx, file) => (trlChanged(ctx, file) ? 3 * fileSize(file) : 0),
  readAhead: trlReadAhead,
};

/** TRL's trainer_state.json: the logged metrics, in log_history. */
export const trlTrainerState: WholeFileFormat<'trl-state', 'metrics'> = {
  id: 'trl-state',
  kind: 'metrics',
  reads: 'whole-file',
  files: { shown: 'trainer_state.json', matches: (name) => name === 'trainer_state.json' },
  // It names the reward columns of TRL's parquet files.
  readFirst: true,
  pass: (p) => passTrainerState(p.ctx, p.file, p.notes.rewardNames),
};
