// Reading Linux /proc: who is alive, which process group it is in, when it started. The start time
// (field 22 of /proc/<pid>/stat, clock ticks since boot) tells a run's process from a later
// process that happens to get the same pid.
import * as fs from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks after boot. */
  startTime: number;
}

/** Parses the text of /proc/<pid>/stat; null when it is not in the expected shape. */
export function parseStat(text: string): ProcStat | null {
  // comm is in parentheses and may itself contain spaces and ')': the last ')' ends it.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const num = (field: number): number => Number(rest[field - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: num(4),
    pgrp: num(5),
    session: num(6),
    startTime: num(22),
  };
  return Number.isInteger(stat.pid) && Number.isFinite(stat.startTime) ? stat : null;
}

export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Linux has /proc; elsewhere (macOS) only signal-0 probes are possible (untested there). */
const HAS_PROC = fs.existsSync('/proc/self/stat');

function probe(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when pid is a live (non-zombie) process that started at `startTime` (when given). */
export function isAlive(pid: number, startTime?: number | null): boolean {
  if (!HAS_PROC) return probe(pid);
  const s = readStat(pid);
  if (!s || s.state === 'Z' || s.state === 'X') return false;
  return startTime === undefined || startTime === null || s.startTime === startTime;
}

/** Every live process on the machine (zombies excluded). */
export function listProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const s = readStat(Number(n));
    if (s && s.state !== 'Z' && s.state !== 'X') out.push(s);
  }
  return out;
}

/** Live members of process group `pgid` (without /proc: [pgid] while the group exists). */
export function groupMembers(pgid: number, all: ProcStat[] = listProcesses()): number[] {
  if (!HAS_PROC) return probe(-pgid) ? [pgid] : [];
  return all.filter((p) => p.pgrp === pgid).map((p) => p.pid);
}

/**
 * A run's processes: its process group plus every descendant of the group's members (a worker
 * that moved to its own group or session is still the run's, and still holds its GPU memory).
 */
export function runProcesses(pgid: number, all: ProcStat[] = listProcesses()): Set<number> {
  const set = new Set(groupMembers(pgid, all));
  const children = new Map<number, number[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const queue = [...set];
  while (queue.length) {
    const pid = queue.pop()!;
    for (const c of children.get(pid) ?? []) {
      if (!set.has(c)) {
        set.add(c);
        queue.push(c);
      }
    }
  }
  return set;
}

/** Sends `signal` to the process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
