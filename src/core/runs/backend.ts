// What the supervisor needs from a place runs execute: a local process group, a Slurm job, a Ray job.
import type { RunState } from '../../shared/runs';
import type { LaunchRow, LaunchUpdate } from '../store/runStore';
import type { ResolvedProfile } from './resolve';

/** Where a run stands according to its backend. */
export interface BackendState {
  state: RunState;
  exitCode?: number | null;
  signal?: string | null;
  exitNote?: string | null;
  /** A notice about this poll (backend unreachable, leftovers terminated); null clears it. */
  message?: string | null;
}

export interface RunBackendImpl {
  /** Starts the run; returns what to record (pid, job id, log path, state). Throws LensError. */
  start(launch: LaunchRow, profile: ResolvedProfile): Promise<LaunchUpdate>;
  /** Asks where the run stands. Never throws for an unreachable backend: says so in `message`. */
  poll(launch: LaunchRow): Promise<BackendState>;
  /** Stops the run and waits (bounded) until it has ended; returns its final state. */
  stop(launch: LaunchRow, profile: ResolvedProfile): Promise<BackendState>;
  /** Brings the local log up to date when the backend keeps it elsewhere (Ray). */
  syncLog?(launch: LaunchRow): Promise<void>;
  /** The run's processes on this machine, for GPU memory attribution (local runs). */
  processes?(launch: LaunchRow): Set<number>;
  /** After the run ended: clean up what it left behind (leftover processes); returns a notice. */
  cleanup?(launch: LaunchRow): Promise<string | null>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `done()` every `everyMs` until it is true or `timeoutMs` passed; returns whether it became true. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const t0 = Date.now();
  for (;;) {
    if (await done()) return true;
    if (Date.now() - t0 >= timeoutMs) return false;
    await sleep(everyMs);
  }
}
