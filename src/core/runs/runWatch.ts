// What the run supervisor keeps per followed run (a Watch), how one is set up, and how a run's end
// is recorded. Split out of supervisor.ts, which keeps the lifecycle (launch, stop, poll, finish).
import { isFinalState, type RunStatus } from '../../shared/runs';
import type { ReflectionMatcher } from '../analysis/reflection';
import type { LaunchRow, RunStore } from '../store/runStore';
import type { Store } from '../store/store';
import type { BackendState, RunBackendImpl } from './backend';
import { LogMetricsParser } from './logMetrics';
import { OutputFollower } from './outputFollower';
import type { ResolvedProfile } from './resolve';

export interface Watch {
  id: number;
  profile: ResolvedProfile;
  backend: RunBackendImpl;
  outputs: OutputFollower;
  parser: LogMetricsParser;
  busy: boolean;
  stopping: boolean;
  finishing: Promise<RunStatus> | undefined;
  lastStep: number | null;
  /** The run's highest stored step before this attempt started (known only to the launching process). */
  storedBefore?: number | null;
  /** Whether the run's message already says that this attempt stored nothing new. */
  toldDuplicates?: boolean;
}

/** What a re-run under the same name that stored nothing is told. */
export function duplicatesNote(n: number): string {
  return `no new samples: the ${n} read were already stored (same run, steps and groups); launch under another run name to keep both`;
}

export interface WatchOptions {
  ingestPollMs?: number;
  reflection?: ReflectionMatcher;
  /** The run's status changed (an ingest pass stored something). */
  emit: () => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A Watch for a launch: its output follower (not started yet) and its log-metrics parser. */
export function createWatch(store: Store, runs: RunStore, l: LaunchRow, backend: RunBackendImpl, opts: WatchOptions): Watch {
  const profile = JSON.parse(l.profile) as ResolvedProfile;
  const watch: Watch = {
    id: l.id,
    profile,
    backend,
    outputs: new OutputFollower(store, {
      run: l.run,
      paths: profile.outputs,
      format: profile.format,
      ...(opts.ingestPollMs ? { pollMs: opts.ingestPollMs } : {}),
      ...(opts.reflection ? { reflection: opts.reflection } : {}),
      onPass: (r) => {
        // A re-run under the same name writes the same identities: say that nothing new was stored.
        if (!watch.toldDuplicates && r.samples_added === 0 && r.samples_duplicate > 0) {
          watch.toldDuplicates = true;
          runs.update(l.id, { message: duplicatesNote(r.samples_duplicate) });
        }
        opts.emit();
      },
      onError: (m) => {
        opts.log?.('warn', `run ${l.run}: ${m}`);
        try {
          runs.update(l.id, { message: m });
        } catch {
          // The database itself failed; the log line above is all that can be said.
        }
      },
    }),
    parser: new LogMetricsParser(l.log_records, l.last_step),
    busy: false,
    stopping: false,
    finishing: undefined,
    lastStep: l.last_step,
  };
  return watch;
}

/**
 * Records a run's end. A launch already recorded as ended keeps its exit code and signal unless the
 * backend now knows them; `drained` (outputs and log read to the end) also gives up ownership.
 */
export function recordEnd(runs: RunStore, id: number, s: BackendState, drained: boolean): void {
  const l = runs.get(id)!;
  const fresh = !isFinalState(l.state);
  runs.update(id, {
    state: s.state,
    ...(fresh || s.exitCode !== undefined ? { exit_code: s.exitCode ?? l.exit_code } : {}),
    ...(fresh || s.signal !== undefined ? { exit_signal: s.signal ?? l.exit_signal } : {}),
    ...(s.exitNote !== undefined ? { exit_note: s.exitNote } : {}),
    ...(s.message !== undefined ? { message: s.message } : {}),
    ended_at: l.ended_at ?? Date.now(),
    ...(drained ? { drained: 1, owner_pid: null, owner_start: null } : {}),
  });
}
