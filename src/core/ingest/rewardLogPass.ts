// What the reward debug-log formats (vlm-r1-debug, videochat-r1-debug) share once a log's blocks are
// samples: when to re-read, and writing each reward call's samples exactly once, also while a trainer
// is still appending (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
//
// Why whole-file reads although the trainers append: a sample is spread over several lines (and,
// for GUI-G1, several files), and which lines belong together is only known once they are all there.
// Samples have fixed identities (step = the call's position, group = its time stamp, index = the
// completion's position in it), so a re-read stores nothing twice; the cursor remembers how many
// leading calls were complete so that only the rest is written again.
import { writeInBatches } from './batchedWrite';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileCursor } from '../store/files';
import { cursorFor, type PassCounters } from './filePass';
import type { WholeFilePass } from './formats';
import type { SampleRecord } from './records';

/** One file of a log and its size and time when this pass read it. */
export interface LogFileStat {
  path: string;
  st: fs.Stats;
}

/** The samples one reward call became. */
export interface CallSamples {
  samples: SampleRecord[];
  /** Functions this call has no blocks of, where other calls of the run have (it may still be being written). */
  missing: string[];
  warnings: string[];
}

interface LogState {
  /** Size and mtime of every file of the log when it was last read. */
  sig: string;
  /** Leading calls that were complete and written; later ones are written again (once each, by identity). */
  done: number;
}

function readState(text: string | null): LogState | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<LogState>;
    return typeof v.sig === 'string' && typeof v.done === 'number' ? { sig: v.sig, done: v.done } : null;
  } catch {
    return null;
  }
}

/** Where a pass over a log stands: its lead cursor and what was written before. */
export interface LogPassStart {
  format: string;
  files: LogFileStat[];
  cursor: FileCursor;
  sig: string;
  /** Leading calls written by an earlier pass. */
  done: number;
}

/** Null when no file of the log changed since the last pass. */
export function startLogPass(p: WholeFilePass, format: string, files: LogFileStat[]): LogPassStart | null {
  const sig = files.map((m) => `${path.basename(m.path)}:${m.st.size}:${m.st.mtimeMs}`).join('|');
  // The log's state lives on its first file's cursor, whichever of its files this pass was given.
  const lead = files[0]!;
  const cursor = cursorFor(p.ctx, lead.path, lead.st, 'rollouts', format);
  const prev = readState(cursor.state);
  if (prev?.sig === sig) return null;
  return { format, files, cursor, sig, done: prev?.done ?? 0 };
}

/**
 * Writes the calls not yet known complete, in batches; a call is known complete once a later call
 * follows it and no function's blocks are missing from it. Following a trainer (`settling`), a call
 * some function has not logged yet, or the last call, waits for a later read.
 */
export async function writeCalls(
  p: WholeFilePass,
  start: LogPassStart,
  built: readonly CallSamples[],
  counters: PassCounters,
): Promise<void> {
  const { ctx } = p;
  const from = Math.min(start.done, built.length);
  let done = from;
  const warnings: string[] = [];
  // Calls past `done` that were written before are written again: their samples are already stored
  // (addSample returns false) and are not counted, as a re-read is no duplicate in the trainer's data.
  const rows: SampleRecord[] = [];
  for (let i = from; i < built.length; i++) {
    const b = built[i]!;
    const waits = p.settling && (b.missing.length > 0 || i === built.length - 1);
    if (waits) continue;
    if (done === i && b.missing.length === 0 && i < built.length - 1) done = i + 1;
    rows.push(...b.samples);
    warnings.push(...b.warnings);
    if (b.missing.length) warnings.push(`step ${i + 1}: no ${b.missing.join(', ')} reward logged for this call`);
  }
  await writeInBatches(
    ctx,
    rows,
    start.cursor.id,
    counters,
    () => {
      for (const m of start.files) {
        const mc = m.path === start.cursor.path ? start.cursor : cursorFor(ctx, m.path, m.st, 'rollouts', start.format);
        Object.assign(mc, { size: m.st.size, mtime_ms: m.st.mtimeMs, offset: m.st.size });
        if (mc === start.cursor) mc.state = JSON.stringify({ sig: start.sig, done } satisfies LogState);
        ctx.cursors.save(mc);
      }
    },
    { countDuplicates: false },
  );
  if (counters.added) counters.groupings = new Set(['contiguous']);
  if (warnings.length) counters.warnings = [...(counters.warnings ?? []), ...warnings];
  counters.bytes = start.files.reduce((n, m) => n + m.st.size, 0);
}
