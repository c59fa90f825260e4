// VLM-R1 and GUI-G1 reward debug logs (DEBUG_MODE=true): text blocks that each reward function
// appends to LOG_PATH or a sibling of it (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
//
// Why whole-file reads, and how a re-read stores nothing twice: rewardLogPass.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDebugLogName } from '../../shared/rollout';
import { emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import { DatasetIndex } from './datasetJoin';
import { FormatQueue, callSamples, rewardCalls, type LogFile } from './groundingCalls';
import { startLogPass, writeCalls, type CallSamples } from './rewardLogPass';
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

async function passDebugLog(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const family = logFamily(file);
  if (!family.length) return counters;
  const stats = family.map((m) => ({ ...m, st: fs.statSync(m.path) }));
  const start = startLogPass(p, GROUNDING_LOG_FORMAT, stats);
  if (!start) return counters;

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
  await writeCalls(p, start, built, counters);
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
