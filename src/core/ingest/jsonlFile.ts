// One pass over a JSONL file from its durable cursor: detects truncation, replacement and renames,
// reads new complete lines in batches, and commits each batch together with the advanced cursor.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Split } from '../../shared/rollout';
import type { FileCursor } from '../store/files';
import type { BatchSource } from './batchParser';
import { cursorFor, emptyCounters, reflectionJob, type PassContext, type PassCounters } from './filePass';
import type { FileFormat } from './formats';
import { parsedBatches } from './parsedBatches';
import { isMetricsFormat } from './sources';

export const HEAD_HASH_BYTES = 4096;

export function headHash(fd: number, len: number): string {
  const buf = Buffer.alloc(len);
  const n = fs.readSync(fd, buf, 0, len, 0);
  return createHash('sha1').update(buf.subarray(0, n)).digest('hex');
}

/** A JSON-lines file opened for one pass: its cursor checked, its parse started. */
export interface OpenedJsonl {
  /** Writes the file's new lines, batch by batch with the cursor; then closes it. */
  run(): Promise<PassCounters>;
  /** Closes it without writing (the pass ended first). */
  close(): Promise<void>;
}

export async function passJsonl(ctx: PassContext, file: string, format: FileFormat, split: Split): Promise<PassCounters> {
  return openJsonl(ctx, file, format, split).run();
}

/**
 * Opens a file for a pass: follows renames, detects truncation and replacement, and starts parsing
 * from the cursor (in the pass's worker when it has one, so the next file can be opened while this
 * thread still writes the current one).
 */
export function openJsonl(ctx: PassContext, file: string, format: FileFormat, split: Split): OpenedJsonl {
  const counters = emptyCounters();
  const fd = fs.openSync(file, 'r');
  let closed = false;
  let batches: BatchSource | undefined;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await batches?.close();
    } finally {
      fs.closeSync(fd);
    }
  };
  let c: FileCursor;
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
    const kind = isMetricsFormat(format) ? 'metrics' : 'rollouts';
    c = cursorFor(ctx, file, st, kind, format);
    let reset: PassCounters['reset'];
    if (st.size < c.offset) reset = 'truncated';
    else if (c.head_len > 0 && c.head_hash !== headHash(fd, c.head_len)) reset = 'replaced';
    if (reset) {
      // Re-read from the start under the same identities: counters restart, stored rows dedupe.
      counters.reset = reset;
      const cur = c;
      ctx.store.write(() => {
        ctx.writer.resetFileCounts(cur.id);
        Object.assign(cur, { offset: 0, line: 0, head_len: 0, head_hash: null, state: null });
        ctx.cursors.save(cur);
      });
    }
    c.dev = st.dev;
    c.ino = st.ino;
    if (st.size !== c.offset) {
      // Up to the size seen now: what is appended meanwhile is the next pass's (reads stay small when tailing).
      batches = parsedBatches(
        {
          fd,
          file,
          offset: c.offset,
          line: c.line,
          limit: st.size,
          format,
          split,
          batchRows: ctx.batchRows,
          // A parser that needs what came before (NeMo-RL's contiguous groups) resumes from its saved state.
          state: c.offset > 0 ? c.state : null,
          ...(ctx.groupSize ? { groupSize: ctx.groupSize } : {}),
          ...(ctx.datasets?.length ? { datasets: ctx.datasets } : {}),
          reflection: reflectionJob(ctx),
        },
        ctx.parseWorker,
      );
    }
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  const source = batches;
  const cursor = c;
  const stat = st;
  return {
    close,
    run: async () => {
      try {
        if (source) await writeBatches(ctx, source, counters, cursor, stat, fd);
        return counters;
      } finally {
        await close();
      }
    },
  };
}

async function writeBatches(
  ctx: PassContext,
  batches: BatchSource,
  counters: PassCounters,
  c: FileCursor,
  st: fs.Stats,
  fd: number,
): Promise<void> {
  const start = c.offset;
  for (;;) {
    if (ctx.signal?.aborted) break;
    const batch = await batches.next();
    if (!batch) break;
    try {
      ctx.store.write(() => {
        for (const { line, record: r, reflections } of batch.items) {
          if (r.kind === 'sample' || r.kind === 'samples') {
            const samples = r.kind === 'sample' ? [r.sample] : r.samples;
            if (r.grouping && samples.length) (counters.groupings ??= new Set()).add(r.grouping);
            if (r.grouping === 'prompt-text' && ctx.datasets?.length && samples[0]) promptTextWithDataset(counters, samples[0].step);
            for (let i = 0; i < samples.length; i++) {
              const s = samples[i]!;
              counters.steps.add(`${s.split}:${s.step}`);
              if (ctx.writer.addSample(s, c.id, reflections?.[i])) counters.added++;
              else counters.duplicate++;
            }
            if (r.kind === 'samples') for (const m of r.problems) counters.errors.push({ line, message: m });
          } else if (r.kind === 'trained') {
            counters.marked = (counters.marked ?? 0) + ctx.writer.markTrained(r.split, r.step, r.traceIds);
          } else if (r.kind === 'metric') {
            counters.metrics += ctx.writer.addMetrics(r.metric);
          } else if (r.kind === 'error') {
            counters.errors.push({ line, message: r.message });
          }
        }
        for (const [line, bytes] of batch.oversized) {
          counters.errors.push({
            line,
            message: `line is longer than 64 MiB${bytes > 0 ? ` (${bytes} bytes)` : ''}; skipped`,
          });
        }
        ctx.writer.flush();
        c.offset = batch.offset;
        c.line = batch.line;
        c.size = st.size;
        c.mtime_ms = st.mtimeMs;
        if (batch.state !== undefined) c.state = batch.state;
        if (c.head_len < HEAD_HASH_BYTES && c.offset > c.head_len) {
          c.head_len = Math.min(HEAD_HASH_BYTES, c.offset);
          c.head_hash = headHash(fd, c.head_len);
        }
        ctx.cursors.save(c);
      });
    } catch (e) {
      ctx.writer.forgetCaches();
      throw e;
    }
    counters.bytes = batch.offset - start;
    ctx.onBatch?.(counters.bytes);
    await ctx.breathe();
  }
}

/**
 * A row joined to a dataset but grouped by its prompt text: two images asked the same question
 * would fall into one group, and no image can be attached. Said once per step.
 */
function promptTextWithDataset(counters: PassCounters, step: number): void {
  const w = `step ${step}: rows carry no uid or dataset index, so they were grouped by prompt text and no dataset image was attached (the same question over two images would be one group); return "index" from the reward function (docs/formats.md#verl)`;
  const list = (counters.warnings ??= []);
  if (!list.includes(w)) list.push(w);
}
