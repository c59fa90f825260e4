// One pass over a JSONL file from its durable cursor: detects truncation, replacement and renames,
// reads new complete lines in batches, and commits each batch together with the advanced cursor.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Grouping, Split } from '../../shared/rollout';
import type { FileCursor, FileCursors } from '../store/files';
import type { RolloutWriter } from '../store/rolloutWriter';
import type { Store } from '../store/store';
import { LineReader } from './lineReader';
import { parseMetricsLine, parseNativeLine } from './nativeFormat';
import type { ParsedRecord } from './records';
import { isMetricsFormat, type FileFormat } from './sources';
import { parseVerlLine, stepFromFileName } from './verlFormat';
import { primeRlParser } from './primeRlFormat';
import { NemoParser } from './nemoRlFormat';
import { arealParser } from './arealFormat';
import { parseSlimeLine } from './slimeFormat';
import * as path from 'node:path';

export const HEAD_HASH_BYTES = 4096;

export interface PassCounters {
  /** How the samples read in this pass were grouped (one entry per kind seen). */
  groupings?: Set<Grouping>;
  added: number;
  duplicate: number;
  metrics: number;
  steps: Set<string>;
  bytes: number;
  errors: Array<{ line: number | null; message: string }>;
  /** Why the cursor went back to the start of the file, if it did. */
  reset?: 'truncated' | 'replaced';
}

export interface PassContext {
  store: Store;
  cursors: FileCursors;
  writer: RolloutWriter;
  runId: number;
  batchRows: number;
  /** Rollouts per prompt for formats without group ids (IngestOptions.groupSize). */
  groupSize?: number;
  signal?: AbortSignal;
  /** Lets the event loop run between batches (cancellation, progress, other requests). */
  breathe: () => Promise<void>;
  onBatch?: (bytesDone: number) => void;
}

export function headHash(fd: number, len: number): string {
  const buf = Buffer.alloc(len);
  const n = fs.readSync(fd, buf, 0, len, 0);
  return createHash('sha1').update(buf.subarray(0, n)).digest('hex');
}

/**
 * Parses a file's lines in order. A parser that needs what came before (NeMo-RL's contiguous groups)
 * gives its state, which is saved with the cursor and handed back when the next pass resumes.
 */
export interface LineParser {
  parse(text: string): ParsedRecord;
  state?(): string;
}

function lineParser(format: FileFormat, split: Split, file: string, saved: string | null, groupSize?: number): LineParser {
  const fn = (parse: (t: string) => ParsedRecord): LineParser => ({ parse });
  switch (format) {
    case 'native':
      return fn((t) => withGrouping(parseNativeLine(t, split), 'id'));
    case 'verl': {
      const step = stepFromFileName(path.basename(file));
      return fn((t) => parseVerlLine(t, split, step));
    }
    case 'prime-rl':
      return fn(primeRlParser(file, split));
    case 'nemo-rl':
      return new NemoParser(file, split, saved, groupSize);
    case 'areal':
      return fn(arealParser(file, split));
    case 'slime':
      return fn((t) => parseSlimeLine(t, split));
    case 'native-metrics':
    case 'verl-metrics':
    case 'prime-rl-metrics':
      return fn(parseMetricsLine);
    default:
      throw new Error(`not a JSON-lines format: ${format}`);
  }
}

function withGrouping(r: ParsedRecord, grouping: Grouping): ParsedRecord {
  return r.kind === 'sample' ? { ...r, grouping } : r;
}

/** Finds (or creates) the cursor for a file, following a rename by device and inode. */
export function cursorFor(ctx: PassContext, file: string, st: fs.Stats, kind: FileCursor['kind'], format: string): FileCursor {
  let c = ctx.cursors.get(ctx.runId, file);
  if (!c) {
    const moved = ctx.cursors.byInode(ctx.runId, st.dev, st.ino);
    if (moved && !fs.existsSync(moved.path)) {
      moved.path = file; // the same file under a new name: keep its cursor and identities
      ctx.store.write(() => ctx.cursors.save(moved));
      c = moved;
    } else {
      c = ctx.store.write(() => ctx.cursors.create(ctx.runId, file, kind, format));
    }
  }
  return c;
}

export async function passJsonl(ctx: PassContext, file: string, format: FileFormat, split: Split): Promise<PassCounters> {
  const counters: PassCounters = { added: 0, duplicate: 0, metrics: 0, steps: new Set(), bytes: 0, errors: [] };
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    const kind = isMetricsFormat(format) ? 'metrics' : 'rollouts';
    const c = cursorFor(ctx, file, st, kind, format);
    let reset: PassCounters['reset'];
    if (st.size < c.offset) reset = 'truncated';
    else if (c.head_len > 0 && c.head_hash !== headHash(fd, c.head_len)) reset = 'replaced';
    if (reset) {
      // Re-read from the start under the same identities: counters restart, stored rows dedupe.
      counters.reset = reset;
      ctx.store.write(() => {
        ctx.writer.resetFileCounts(c.id);
        Object.assign(c, { offset: 0, line: 0, head_len: 0, head_hash: null, state: null });
        ctx.cursors.save(c);
      });
    }
    c.dev = st.dev;
    c.ino = st.ino;
    if (st.size === c.offset) return counters;
    const parser = lineParser(format, split, file, c.offset > 0 ? c.state : null, ctx.groupSize);
    // Up to the size seen now: what is appended meanwhile is the next pass's (reads stay small when tailing).
    const reader = new LineReader(fd, c.offset, c.line, st.size);
    const start = c.offset;
    for (;;) {
      if (ctx.signal?.aborted) break;
      const lines = reader.next(ctx.batchRows);
      if (lines.length === 0) break;
      try {
        ctx.store.write(() => {
          for (const l of lines) {
            const r = parser.parse(l.text);
            if (r.kind === 'sample' || r.kind === 'samples') {
              const samples = r.kind === 'sample' ? [r.sample] : r.samples;
              if (r.grouping && samples.length) (counters.groupings ??= new Set()).add(r.grouping);
              for (const s of samples) {
                counters.steps.add(`${s.split}:${s.step}`);
                if (ctx.writer.addSample(s, c.id)) counters.added++;
                else counters.duplicate++;
              }
              if (r.kind === 'samples') for (const m of r.problems) counters.errors.push({ line: l.line, message: m });
            } else if (r.kind === 'metric') {
              counters.metrics += ctx.writer.addMetrics(r.metric);
            } else if (r.kind === 'error') {
              counters.errors.push({ line: l.line, message: r.message });
            }
          }
          for (const [line, bytes] of reader.oversized.splice(0)) {
            counters.errors.push({ line, message: `line is longer than 64 MiB${bytes > 0 ? ` (${bytes} bytes)` : ''}; skipped` });
          }
          ctx.writer.flush();
          c.offset = reader.offset;
          c.line = reader.line;
          c.size = st.size;
          c.mtime_ms = st.mtimeMs;
          if (parser.state) c.state = parser.state();
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
      counters.bytes = reader.offset - start;
      ctx.onBatch?.(counters.bytes);
      await ctx.breathe();
    }
    return counters;
  } finally {
    fs.closeSync(fd);
  }
}
