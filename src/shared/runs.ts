// Run DTOs: what the engine, the CLI and the extension say about launched training runs.
// Documented in docs/runs.md; the profile file itself is described by schemas/runs.schema.json.

import type { FormatChoice } from './rollout';

export const RUN_BACKENDS = ['local', 'slurm', 'ray'] as const;
export type RunBackend = (typeof RUN_BACKENDS)[number];

export const TRAINERS = ['verl', 'trl', 'native'] as const;
export type Trainer = (typeof TRAINERS)[number];

/**
 * pending: queued (Slurm PENDING, Ray PENDING) or being started; running; stopping: a stop was
 * requested and the run has not ended yet; then one of the final states. `lost`: the run's process
 * or job disappeared and its end could not be learned (see `exitNote`).
 */
export const RUN_STATES = ['pending', 'running', 'stopping', 'succeeded', 'failed', 'stopped', 'lost'] as const;
export type RunState = (typeof RUN_STATES)[number];

export function isFinalState(s: RunState): boolean {
  return s === 'succeeded' || s === 'failed' || s === 'stopped' || s === 'lost';
}

/** A profile as listed for a picker: enough to choose one and see where its data will appear. */
export interface ProfileInfo {
  name: string;
  description: string | null;
  backend: RunBackend;
  trainer: Trainer;
  /** The command line after variable expansion, for display only. */
  commandLine: string;
  cwd: string;
  /** Paths ingested while the run goes (after expansion), and how they are read. */
  outputs: string[];
  format: FormatChoice;
  /** Things the loader could not decide (e.g. a verl profile without trainer.rollout_data_dir). */
  warnings: string[];
}

/** The latest GPU reading for a run (local runs only: nvidia-smi runs on this machine). */
export interface GpuSummary {
  available: boolean;
  /** Why no reading exists, when available is false (e.g. "no NVIDIA GPU found"). */
  reason: string | null;
  at: number | null;
  gpus: number;
  /** Mean utilization.gpu over the GPUs, percent. */
  utilization: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  /** GPU memory held by the run's own processes (its process group and descendants). */
  runMemoryMiB: number | null;
}

/** The parts of a reading the dashboard's GPU chart keeps. */
export type GpuReading = Pick<GpuSummary, 'available' | 'at' | 'gpus' | 'utilization' | 'memoryUsedMiB' | 'memoryTotalMiB'>;

export interface RunStatus {
  run: string;
  profile: string;
  backend: RunBackend;
  state: RunState;
  /** 1 for the first launch of this run name, +1 per restart. */
  attempt: number;
  /** Local: the process-group leader (the keeper wrapping the command); else null. */
  pid: number | null;
  /** Slurm job id or Ray submission id. */
  jobId: string | null;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** How the exit was learned, or why it could not be (e.g. "exit file written by the keeper"). */
  exitNote: string | null;
  /** The latest problem or notice (backend unreachable, leftover processes terminated, ...). */
  message: string | null;
  runDir: string;
  logPath: string;
  /** Highest training step seen in the log or in ingested metrics/rollouts. */
  lastStep: number | null;
  /** From a tqdm bar, when the trainer draws one. */
  totalSteps: number | null;
  etaSeconds: number | null;
  /** True when this process (engine or CLI) is following the run's output into the store. */
  following: boolean;
  gpu: GpuSummary | null;
}

export interface LogPage {
  /** Whole lines only, unless a single line is longer than the limit. */
  text: string;
  offset: number;
  nextOffset: number;
  /** Size of the log file when read. */
  size: number;
  eof: boolean;
  path: string;
}

/**
 * The first free name for another launch of `base`: `base-2`, `base-3`, … (run names are how runs
 * are kept apart, so a second launch never lands in the first one's data unasked).
 */
export function nextRunName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!taken.has(name)) return name;
  }
}
