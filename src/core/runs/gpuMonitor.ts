// GPU readings from nvidia-smi's CSV queries, polled while local runs go. No nvidia-smi, no driver
// or no device is a state ({available: false, reason}), not an error: the monitor then backs off
// (interval doubling up to maxBackoffMs) instead of spawning a failing process every tick.
import { execFile } from 'node:child_process';
import { realTimers, type Timers } from '../../shared/timers';

export const GPU_QUERY =
  'index,uuid,name,utilization.gpu,utilization.memory,memory.used,memory.total,temperature.gpu,power.draw,power.limit';
export const APPS_QUERY = 'pid,gpu_uuid,used_memory';

export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  utilGpu: number | null;
  utilMem: number | null;
  memUsedMiB: number | null;
  memTotalMiB: number | null;
  tempC: number | null;
  powerW: number | null;
  powerLimitW: number | null;
}

export interface ComputeApp {
  pid: number;
  gpuUuid: string;
  usedMiB: number | null;
}

export interface GpuSnapshot {
  at: number;
  gpus: GpuReading[];
  apps: ComputeApp[];
}

export type GpuState = { available: true; snapshot: GpuSnapshot } | { available: false; reason: string; since: number; nextTryAt: number };

/** `[N/A]`, `[Not Supported]`, `N/A`, `[Unknown Error]`, empty → null; else the number. */
function field(s: string | undefined): number | null {
  const t = (s ?? '').trim();
  if (t === '' || t.startsWith('[') || /^n\/?a$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((c) => c.trim()));
}

/** `--query-gpu=GPU_QUERY --format=csv,noheader,nounits` output → readings (bad rows skipped). */
export function parseGpuCsv(text: string): GpuReading[] {
  const out: GpuReading[] = [];
  for (const c of csvRows(text)) {
    if (c.length < 10) continue;
    const index = field(c[0]);
    if (index === null) continue;
    out.push({
      index,
      uuid: c[1]!,
      // A name with a comma would shift the columns: the last 7 are numbers, the name is between.
      name: c.slice(2, c.length - 7).join(', '),
      utilGpu: field(c[c.length - 7]),
      utilMem: field(c[c.length - 6]),
      memUsedMiB: field(c[c.length - 5]),
      memTotalMiB: field(c[c.length - 4]),
      tempC: field(c[c.length - 3]),
      powerW: field(c[c.length - 2]),
      powerLimitW: field(c[c.length - 1]),
    });
  }
  return out;
}

/** `--query-compute-apps=APPS_QUERY --format=csv,noheader,nounits` output → processes on GPUs. */
export function parseAppsCsv(text: string): ComputeApp[] {
  const out: ComputeApp[] = [];
  for (const c of csvRows(text)) {
    const pid = field(c[0]);
    if (pid === null || c.length < 3) continue;
    out.push({ pid, gpuUuid: c[1]!, usedMiB: field(c[2]) });
  }
  return out;
}

/** Why nvidia-smi gave no readings, in the user's words; null when its output is usable. */
export function unavailableReason(err: NodeJS.ErrnoException | null, stdout: string, stderr: string): string | null {
  const text = `${stdout}\n${stderr}`;
  if (err?.code === 'ENOENT') return 'no NVIDIA GPU found (nvidia-smi is not on PATH)';
  if (/No devices were found/i.test(text)) return 'no NVIDIA GPU found (nvidia-smi: No devices were found)';
  if (/couldn't communicate with the NVIDIA driver|NVIDIA-SMI has failed/i.test(text)) {
    return 'no NVIDIA GPU found (nvidia-smi cannot talk to the NVIDIA driver)';
  }
  if ((err as { killed?: boolean } | null)?.killed) return 'nvidia-smi did not answer in time';
  if (err) return `nvidia-smi failed: ${(stderr || stdout || err.message).trim().split('\n')[0]}`;
  return null;
}

export interface GpuMonitorOptions {
  intervalMs?: number;
  maxBackoffMs?: number;
  /** The nvidia-smi executable (tests put a stand-in first on PATH instead). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  onSnapshot?: (s: GpuSnapshot) => void;
  onState?: (s: GpuState) => void;
  /** The project's timers (tests drive them by hand). */
  timers?: Timers;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  timeout: number,
): Promise<{ err: NodeJS.ErrnoException | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout, encoding: 'utf8', maxBuffer: 4 << 20 }, (err, stdout, stderr) =>
      resolve({ err: err as NodeJS.ErrnoException | null, stdout, stderr }),
    );
  });
}

/** One reading of all GPUs and the processes on them. */
export async function queryGpus(opts: Pick<GpuMonitorOptions, 'command' | 'env' | 'timeoutMs'> = {}): Promise<GpuState> {
  const cmd = opts.command ?? 'nvidia-smi';
  const timeout = opts.timeoutMs ?? 5000;
  const now = Date.now();
  const g = await run(cmd, [`--query-gpu=${GPU_QUERY}`, '--format=csv,noheader,nounits'], opts.env, timeout);
  const why = unavailableReason(g.err, g.stdout, g.stderr);
  if (why) return { available: false, reason: why, since: now, nextTryAt: now };
  const gpus = parseGpuCsv(g.stdout);
  if (gpus.length === 0)
    return {
      available: false,
      reason: 'no NVIDIA GPU found (nvidia-smi listed none)',
      since: now,
      nextTryAt: now,
    };
  const a = await run(cmd, [`--query-compute-apps=${APPS_QUERY}`, '--format=csv,noheader,nounits'], opts.env, timeout);
  // Per-process memory is a bonus: without it the GPU readings still stand.
  const apps = a.err ? [] : parseAppsCsv(a.stdout);
  return { available: true, snapshot: { at: now, gpus, apps } };
}

export class GpuMonitor {
  private timer: unknown;
  private running = false;
  private failures = 0;
  private current: GpuState | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly opts: GpuMonitorOptions = {}) {}

  get state(): GpuState | undefined {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) (this.opts.timers ?? realTimers).clear(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Polls once now (also used by tests); returns the new state. */
  async pollOnce(): Promise<GpuState> {
    const s = await queryGpus(this.opts);
    const interval = this.opts.intervalMs ?? 2000;
    if (s.available) {
      this.failures = 0;
      this.opts.onSnapshot?.(s.snapshot);
    } else {
      this.failures += 1;
      const prev = this.current;
      if (prev && !prev.available && prev.reason === s.reason) s.since = prev.since;
      s.nextTryAt = Date.now() + this.delay(interval);
    }
    this.current = s;
    this.opts.onState?.(s);
    return s;
  }

  private delay(interval: number): number {
    if (this.failures === 0) return interval;
    return Math.min(interval * 2 ** this.failures, this.opts.maxBackoffMs ?? 300_000);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = (this.opts.timers ?? realTimers).set(() => {
      this.inFlight = this.pollOnce().then(
        () => this.schedule(this.delay(this.opts.intervalMs ?? 2000)),
        () => this.schedule(this.delay(this.opts.intervalMs ?? 2000)),
      );
    }, ms);
  }
}
