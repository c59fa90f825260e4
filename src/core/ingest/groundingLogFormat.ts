// VLM-R1 and GUI-G1 reward debug logs (DEBUG_MODE=true): text blocks that each reward function
// appends to LOG_PATH or a sibling of it (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
//
// Why a whole-file format although the trainer appends: one sample is spread over several files
// (GUI-G1: its iou and box rewards in `_iou.txt`, its hit reward in `_hit.txt`) and over several
// lines, and which blocks belong together is only known by comparing the files. The JSON-lines
// cursor reads one file, one line per record. So a change to any file of a log re-reads all of them;
// samples have fixed identities (step = the call's position, group = its time stamp, index = the
// completion's position in the call), so a re-read stores nothing twice, and the cursor remembers how
// many leading calls were complete so that only the rest is written again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDebugLogName } from '../../shared/rollout';
import { cursorFor, emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import { DatasetIndex } from './datasetJoin';
import { FormatQueue, callSamples, rewardCalls, type CallSamples, type LogFile } from './groundingCalls';
import { parseRewardLog, type FormatEntry } from './groundingLogParse';

export const GROUNDING_LOG_FORMAT = 'vlm-r1-debug';

/** What LOG_PATH's `.replace(".txt", suffix + ".txt")` gives: VLM-R1's accuracy log is LOG_PATH itself. */
const SUFFIXES = ['', '_iou', '_hit', '_format'] as const;
const SUFFIXED = /_(iou|hit|format)\.txt$/;

/** The files of the log `file` belongs to that exist, in SUFFIXES order. */
export function logFamily(file: string): Array<{ path: string; suffix: string }> {
  const dir = path.dirname(file);
  const base = path.basename(file).replace(SUFFIXED, '.txt');
  return SUFFIXES.map((suffix) => ({ path: path.join(dir, base.replace(/\.txt$/, `${suffix}.txt`)), suffix })).filter((m) => {
    try {
      return fs.statSync(m.path).isFile();
    } catch {
      return false;
    }
  });
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

async function passDebugLog(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const family = logFamily(file);
  if (!family.length) return counters;
  const stats = family.map((m) => ({ ...m, st: fs.statSync(m.path) }));
  const sig = stats.map((m) => `${path.basename(m.path)}:${m.st.size}:${m.st.mtimeMs}`).join('|');
  // The log's state lives on its first file's cursor, whichever of its files this pass was given.
  const lead = stats[0]!;
  const c = cursorFor(ctx, lead.path, lead.st, 'rollouts', GROUNDING_LOG_FORMAT);
  const prev = readState(c.state);
  if (prev?.sig === sig) return counters;

  const logs: LogFile[] = [];
  let formats: FormatEntry[] = [];
  for (const m of stats) {
    const parsed = parseRewardLog(fs.readFileSync(m.path, 'utf8'));
    for (const e of parsed.errors) {
      // The ingest report names the file this pass was given: another file of the log says its own name.
      if (m.path === file) counters.errors.push(e);
      else counters.errors.push({ line: null, message: `${m.path}:${e.line}: ${e.message}` });
    }
    if (parsed.unfinished && !p.settling) {
      counters.errors.push({ line: null, message: `${m.path}: the last block is cut off (no Solution line); it is read when complete` });
    }
    logs.push({ file: m.path, suffix: m.suffix, rewards: parsed.rewards });
    formats = formats.concat(parsed.formats);
  }
  const calls = rewardCalls(logs, ctx.groupSize);
  const labels = new Set(calls.flatMap((call) => call.parts.map((part) => part.label)));
  const dataset = ctx.datasets?.length ? new DatasetIndex(ctx.datasets, ctx.imageRoot) : undefined;
  const queue = new FormatQueue(formats);
  const split = 'train';
  // Every call is assembled (format entries are taken in order); the first `done` were written before.
  const built: CallSamples[] = calls.map((call, i) =>
    callSamples(call, labels, { split, step: i + 1, groupSize: ctx.groupSize, dataset, imageRoot: ctx.imageRoot, formats: queue }),
  );
  const from = Math.min(prev?.done ?? 0, built.length);
  let done = from;
  const warnings: string[] = [];
  // Calls past `done` that were written before are written again: their samples are already stored
  // (addSample returns false) and are not counted, as a re-read is no duplicate in the trainer's data.
  const rows: CallSamples['samples'] = [];
  for (let i = from; i < built.length; i++) {
    const b = built[i]!;
    // Following a trainer: a call some function has not logged yet, or the last call (its blocks
    // may still be coming), waits for a later read.
    const waits = p.settling && (b.missing.length > 0 || i === built.length - 1);
    if (waits) continue;
    if (done === i && b.missing.length === 0 && i < built.length - 1) done = i + 1;
    rows.push(...b.samples);
    warnings.push(...b.warnings);
    if (b.missing.length) warnings.push(`step ${i + 1}: no ${b.missing.join(', ')} reward logged for this call`);
  }
  for (let i = 0; i < rows.length || i === 0; i += ctx.batchRows) {
    const batch = rows.slice(i, i + ctx.batchRows);
    const last = i + ctx.batchRows >= rows.length;
    try {
      ctx.store.write(() => {
        for (const s of batch) {
          if (ctx.writer.addSample(s, c.id)) {
            counters.added++;
            counters.steps.add(`${s.split}:${s.step}`);
          }
        }
        ctx.writer.flush();
        if (last) {
          // The state is written with the last batch only: a crash before it reads the log again.
          for (const m of stats) {
            const mc = m.path === lead.path ? c : cursorFor(ctx, m.path, m.st, 'rollouts', GROUNDING_LOG_FORMAT);
            Object.assign(mc, { size: m.st.size, mtime_ms: m.st.mtimeMs, offset: m.st.size });
            if (mc === c) mc.state = JSON.stringify({ sig, done } satisfies LogState);
            ctx.cursors.save(mc);
          }
        }
      });
    } catch (e) {
      ctx.writer.forgetCaches();
      throw e;
    }
    await ctx.breathe();
    if (ctx.signal?.aborted) break;
  }
  if (counters.added) counters.groupings = new Set(['contiguous']);
  if (warnings.length) counters.warnings = warnings;
  counters.bytes = stats.reduce((n, m) => n + m.st.size, 0);
  return counters;
}

/** VLM-R1 / GUI-G1 `DEBUG_MODE=true` reward logs: `debug_log*.txt` and `*_iou.txt` / `*_hit.txt`. */
export const groundingDebugLog: WholeFileFormat<typeof GROUNDING_LOG_FORMAT, 'rollouts'> = {
  id: GROUNDING_LOG_FORMAT,
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: 'debug_log*.txt, *_iou.txt, *_hit.txt', matches: isDebugLogName },
  pass: passDebugLog,
};
