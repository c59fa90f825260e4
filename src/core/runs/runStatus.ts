// Building the RunStatus DTO from a stored launch, its latest GPU samples and the monitor's state.
import type { GpuSummary, RunStatus } from '../../shared/runs';
import type { GpuSampleRow, LaunchRow, RunStore } from '../store/runStore';
import type { GpuSnapshot, GpuState } from './gpuMonitor';

function mean(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

function sum(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
}

export function gpuSummary(rows: GpuSampleRow[], state: GpuState | undefined): GpuSummary | null {
  if (rows.length) {
    return {
      available: true,
      reason: null,
      at: rows[0]!.t,
      gpus: rows.length,
      utilization: mean(rows.map((r) => r.util_gpu)),
      memoryUsedMiB: sum(rows.map((r) => r.mem_used_mib)),
      memoryTotalMiB: sum(rows.map((r) => r.mem_total_mib)),
      runMemoryMiB: sum(rows.map((r) => r.run_mem_mib)) ?? 0,
    };
  }
  if (state && !state.available) {
    return {
      available: false,
      reason: state.reason,
      at: state.since,
      gpus: 0,
      utilization: null,
      memoryUsedMiB: null,
      memoryTotalMiB: null,
      runMemoryMiB: null,
    };
  }
  return null;
}

export function toRunStatus(
  l: LaunchRow,
  runs: RunStore,
  following: boolean,
  gpuState: GpuState | undefined,
  storedBefore?: number | null,
): RunStatus {
  // A later attempt must not show the earlier attempts' last step as its own progress: its stored
  // steps count only above what was stored before it started (when that is known), else only its log.
  const all = runs.maxStep(l.run_id);
  const stored =
    l.attempt === 1 ? all : storedBefore !== undefined && all !== null && (storedBefore === null || all > storedBefore) ? all : null;
  const lastStep = l.last_step === null ? stored : stored === null ? l.last_step : Math.max(stored, l.last_step);
  return {
    run: l.run,
    profile: l.profile_name,
    backend: l.backend,
    state: l.state,
    attempt: l.attempt,
    pid: l.pid,
    jobId: l.job_id,
    startedAt: l.started_at,
    endedAt: l.ended_at,
    exitCode: l.exit_code,
    signal: l.exit_signal,
    exitNote: l.exit_note,
    message: l.message,
    runDir: l.run_dir,
    logPath: l.log_path,
    lastStep,
    totalSteps: l.total_steps,
    etaSeconds: l.eta_s,
    following,
    // GPU readings are taken on this machine, for local runs only.
    gpu: l.backend === 'local' ? gpuSummary(runs.latestGpu(l.id), following ? gpuState : undefined) : null,
  };
}

/** One stored row per GPU of a reading, with the memory of the run's own processes on it. */
export function gpuSampleRows(snap: GpuSnapshot, runPids: ReadonlySet<number>): GpuSampleRow[] {
  return snap.gpus.map((g) => ({
    t: snap.at,
    gpu: g.index,
    uuid: g.uuid,
    name: g.name,
    util_gpu: g.utilGpu,
    util_mem: g.utilMem,
    mem_used_mib: g.memUsedMiB,
    mem_total_mib: g.memTotalMiB,
    temp_c: g.tempC,
    power_w: g.powerW,
    power_limit_w: g.powerLimitW,
    run_mem_mib: snap.apps.filter((a) => a.gpuUuid === g.uuid && runPids.has(a.pid)).reduce((acc, a) => acc + (a.usedMiB ?? 0), 0),
  }));
}
