// RunSupervisor: launches runs from profiles, watches them (state, log metrics, outputs into the
// store, GPU), stops and restarts them, and reattaches after an engine restart. Everything needed
// to pick a run up again lives in the store (run_launches); a launch is followed by one process at
// a time (its owner), so the engine and a CLI never ingest the same run twice over.
import * as path from 'node:path';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import { isFinalState, type LogPage, type RunBackend, type RunStatus } from '../../shared/runs';
import type { ReflectionMatcher } from '../analysis/reflection';
import { RunStore, type LaunchRow } from '../store/runStore';
import { validateRunName, type Store } from '../store/store';
import type { BackendState, RunBackendImpl } from './backend';
import { GpuMonitor, type GpuMonitorOptions, type GpuSnapshot } from './gpuMonitor';
import { LocalBackend } from './localBackend';
import { readLogPage } from './logFile';
import { parseNewLogLines } from './logFollower';
import { isAlive, readStat } from './procfs';
import { findProfile, type ProfilesFile } from './profiles';
import { RayBackend } from './rayBackend';
import { defaultRunDir, resolveProfile, type ResolvedProfile } from './resolve';
import { gpuSampleRows, toRunStatus } from './runStatus';
import { createWatch, duplicatesNote, recordEnd, type Watch } from './runWatch';
import { SlurmBackend } from './slurmBackend';

export interface SupervisorOptions {
  /** How often run states are polled and logs parsed (ms). */
  pollMs?: number;
  /** How often output files are re-read (ms). */
  ingestPollMs?: number;
  /** nvidia-smi polling; `false` turns the monitor off. */
  gpu?: GpuMonitorOptions | false;
  backends?: Partial<Record<RunBackend, RunBackendImpl>>;
  reflection?: ReflectionMatcher;
  /** Follow runs whose owner went away (the engine: yes; a one-shot CLI command: no). */
  adopt?: boolean;
  onStatus?: (s: RunStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const FINAL_LOG_PASSES = 64;

export class RunSupervisor {
  readonly runs: RunStore;
  private readonly watches = new Map<number, Watch>();
  private readonly backends: Record<RunBackend, RunBackendImpl>;
  private readonly me: { pid: number; start: number | null };
  private readonly gpu: GpuMonitor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private disposed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.runs = new RunStore(store);
    this.backends = {
      local: opts.backends?.local ?? new LocalBackend(),
      slurm: opts.backends?.slurm ?? new SlurmBackend(),
      ray: opts.backends?.ray ?? new RayBackend(),
    };
    this.me = { pid: process.pid, start: readStat(process.pid)?.startTime ?? null };
    if (opts.gpu !== false) {
      this.gpu = new GpuMonitor({ ...(opts.gpu ?? {}), onSnapshot: (s) => this.onGpu(s) });
    }
    // An adopting supervisor keeps looking for runs whose follower went away.
    if (opts.adopt) this.ensureTimer();
  }

  // ---- public API -------------------------------------------------------------------------

  /** Starts profile `name` of a profiles file as run `run` (default: the profile's name). */
  async launch(pf: ProfilesFile, name: string, opts: { run?: string } = {}): Promise<RunStatus> {
    const profile = findProfile(pf, name);
    const run = validateRunName(opts.run ?? profile.name);
    const runDir = defaultRunDir(pf.workspaceFolder, run);
    const resolved = resolveProfile(profile, {
      workspaceFolder: pf.workspaceFolder,
      profileDir: path.dirname(pf.file),
      run,
      runDir,
    });
    return this.start(run, resolved, runDir);
  }

  /** Stops the run (whole process group / scancel / Ray stop) and drains its outputs. */
  async stop(run: string): Promise<RunStatus> {
    const l = this.requireLatest(run);
    if (isFinalState(l.state)) return this.statusOf(l);
    const w = this.watches.get(l.id) ?? (this.runs.claim(l.id, this.me, isAlive) ? this.watch(l) : undefined);
    if (w?.finishing) return w.finishing;
    this.runs.update(l.id, { state: 'stopping', message: 'stop requested' });
    this.emit(l.id);
    const fresh = this.runs.get(l.id)!;
    const profile = JSON.parse(l.profile) as ResolvedProfile;
    const backend = this.backends[l.backend];
    if (!w) {
      // Another live process follows this run: signal it; its owner records the end and drains.
      const s = await backend.stop(fresh, profile);
      if (isFinalState(s.state)) recordEnd(this.runs, l.id, s, false);
      return this.statusOf(this.runs.get(l.id)!);
    }
    w.stopping = true;
    let s: BackendState;
    try {
      s = await backend.stop(fresh, profile);
    } catch (e) {
      w.stopping = false;
      this.runs.update(l.id, { state: l.state, message: `stop failed: ${errorMessage(e)}` });
      this.emit(l.id);
      throw e;
    }
    if (!isFinalState(s.state)) {
      w.stopping = false;
      this.runs.update(l.id, { message: s.message ?? null });
      return this.statusOf(this.runs.get(l.id)!);
    }
    return this.finish(w, s);
  }

  /** Stops the run if it is going, then launches the same resolved profile again. */
  async restart(run: string): Promise<RunStatus> {
    const l = this.requireLatest(run);
    if (!isFinalState(l.state)) {
      const s = await this.stop(run);
      if (!isFinalState(s.state))
        throw new LensError(ErrorCode.BadInput, `run ${run} did not stop (${s.message ?? s.state}); not restarting`);
    }
    return this.start(run, JSON.parse(l.profile) as ResolvedProfile, l.run_dir);
  }

  /** Live status of the latest attempt of every run (or one). Records ends nobody watched. */
  async status(run?: string): Promise<RunStatus[]> {
    const rows = run ? [this.requireLatest(run)] : this.runs.listLatest();
    const out: RunStatus[] = [];
    for (const l of rows) {
      if (!isFinalState(l.state) && !this.watches.has(l.id) && !this.ownedByOther(l)) {
        const s = await this.backends[l.backend].poll(l);
        if (isFinalState(s.state)) recordEnd(this.runs, l.id, s, false);
        else if (s.state !== l.state || s.message !== undefined)
          this.runs.update(l.id, {
            state: s.state,
            ...(s.message !== undefined ? { message: s.message } : {}),
          });
      }
      out.push(this.statusOf(this.runs.get(l.id)!));
    }
    return out;
  }

  /** A page of the run's log (see readLogPage). */
  async log(run: string, offset = 0, limit?: number): Promise<LogPage> {
    const l = this.requireLatest(run);
    const b = this.backends[l.backend];
    if (b.syncLog && !this.watches.has(l.id)) await b.syncLog(l).catch(() => undefined);
    return readLogPage(l.log_path, offset, limit);
  }

  /** Follows every unsettled launch whose owner is gone: running ones, and ended ones not yet drained. */
  async reattach(): Promise<RunStatus[]> {
    const out: RunStatus[] = [];
    for (const l of this.runs.unsettled()) {
      if (this.watches.has(l.id) || !this.runs.claim(l.id, this.me, isAlive)) continue;
      const w = this.watch(l);
      this.opts.log?.('info', `run ${l.run}: reattached (attempt ${l.attempt}, ${l.state})`);
      if (isFinalState(l.state)) out.push(await this.finish(w, { state: l.state }));
      else out.push(this.statusOf(l));
    }
    return out;
  }

  /** Resolves when the run has ended (and was drained, when this supervisor follows it). */
  async waitForEnd(run: string, timeoutMs: number): Promise<RunStatus> {
    const t0 = Date.now();
    for (;;) {
      const l = this.requireLatest(run);
      const w = this.watches.get(l.id);
      if (w?.finishing) return w.finishing;
      if (isFinalState(l.state) && !w) return this.statusOf(l);
      if (Date.now() - t0 > timeoutMs)
        throw new LensError(ErrorCode.Cancelled, `run ${run} did not end within ${timeoutMs / 1000} s (state ${l.state})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Stops watching (runs keep going: they are detached) and gives up ownership. Never throws: it
   * also runs when the database was already closed under it (the engine switched databases).
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.gpu?.stop();
    for (const w of [...this.watches.values()]) {
      if (w.finishing) await w.finishing.catch(() => undefined);
      else {
        await w.outputs.stop().catch(() => undefined);
        try {
          this.runs.release(w.id, this.me);
        } catch {
          // A closed database: the next supervisor sees this process gone and takes over.
        }
      }
    }
    this.watches.clear();
  }

  // ---- internals --------------------------------------------------------------------------

  private requireLatest(run: string): LaunchRow {
    const l = this.runs.latest(run);
    if (!l) throw new LensError(ErrorCode.NotFound, `${this.store.file}: run ${JSON.stringify(run)} was never launched`);
    return l;
  }

  private ownedByOther(l: LaunchRow): boolean {
    return l.owner_pid !== null && !(l.owner_pid === this.me.pid && l.owner_start === this.me.start) && isAlive(l.owner_pid, l.owner_start);
  }

  private statusOf(l: LaunchRow): RunStatus {
    const w = this.watches.get(l.id);
    return toRunStatus(l, this.runs, w !== undefined, this.gpu?.state, w?.storedBefore);
  }

  private emit(id: number): void {
    const l = this.runs.get(id);
    if (l) this.opts.onStatus?.(this.statusOf(l));
  }

  private async start(run: string, profile: ResolvedProfile, runDir: string): Promise<RunStatus> {
    if (this.disposed) throw new LensError(ErrorCode.Internal, 'the run supervisor was disposed');
    const prev = this.runs.latest(run);
    if (prev && !isFinalState(prev.state)) {
      throw new LensError(
        ErrorCode.BadInput,
        `run ${run} is already ${prev.state} (attempt ${prev.attempt}); stop it first, or launch it under another run name`,
      );
    }
    const storedBefore = prev ? this.runs.maxStep(prev.run_id) : null;
    const row = this.runs.insertLaunch({
      run,
      profileName: profile.name,
      profile: JSON.stringify(profile),
      backend: profile.backend,
      runDir,
      logPath: '',
      owner: this.me,
    });
    const logPath = path.join(runDir, `run-${row.attempt}.log`);
    this.runs.update(row.id, { log_path: logPath });
    let update;
    try {
      update = await this.backends[profile.backend].start({ ...row, log_path: logPath }, profile);
    } catch (e) {
      this.runs.update(row.id, {
        state: 'failed',
        message: errorMessage(e),
        exit_note: 'did not start',
        ended_at: Date.now(),
        drained: 1,
        owner_pid: null,
        owner_start: null,
      });
      this.emit(row.id);
      throw e;
    }
    this.runs.update(row.id, update);
    const l = this.runs.get(row.id)!;
    this.opts.log?.(
      'info',
      `run ${run}: started (${profile.backend}${l.pid ? `, pid ${l.pid}` : ''}${l.job_id ? `, job ${l.job_id}` : ''})`,
    );
    this.watch(l).storedBefore = storedBefore;
    this.emit(l.id);
    return this.statusOf(l);
  }

  private watch(l: LaunchRow): Watch {
    const w = createWatch(this.store, this.runs, l, this.backends[l.backend], {
      ...(this.opts.ingestPollMs ? { ingestPollMs: this.opts.ingestPollMs } : {}),
      ...(this.opts.reflection ? { reflection: this.opts.reflection } : {}),
      emit: () => this.emit(l.id),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    this.watches.set(l.id, w);
    if (!isFinalState(l.state)) w.outputs.start();
    this.ensureTimer();
    if (l.backend === 'local' && !isFinalState(l.state)) this.gpu?.start();
    return w;
  }

  private ensureTimer(): void {
    if (this.timer || this.disposed) return;
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 1000);
  }

  private async tick(): Promise<void> {
    this.ticks++;
    if (this.opts.adopt && this.ticks % 5 === 0)
      await this.reattach().catch((e) => this.opts.log?.('warn', `reattach: ${errorMessage(e)}`));
    for (const w of this.watches.values()) {
      if (w.busy || w.finishing) continue;
      w.busy = true;
      try {
        await this.step(w);
      } catch (e) {
        this.opts.log?.('error', `run ${w.profile.name}: ${errorMessage(e)}`);
      } finally {
        w.busy = false;
      }
    }
    if (this.watches.size === 0 && this.timer && !this.opts.adopt) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async step(w: Watch): Promise<void> {
    let l = this.runs.get(w.id);
    if (!l) return;
    if (w.backend.syncLog) await w.backend.syncLog(l).catch((e) => this.runs.update(w.id, { message: errorMessage(e) }));
    this.parseLog(w, l, 1);
    if (w.stopping) return;
    l = this.runs.get(w.id)!;
    const s = await w.backend.poll(l);
    if (isFinalState(s.state)) {
      await this.finish(w, s);
      return;
    }
    const changed = s.state !== l.state || (s.message !== undefined && s.message !== l.message);
    if (changed) {
      this.runs.update(w.id, { state: s.state, ...(s.message !== undefined ? { message: s.message } : {}) });
      this.emit(w.id);
    }
  }

  /** Reads new log lines into metrics and progress; tells listeners about a new step. */
  private parseLog(w: Watch, l: LaunchRow, passes: number): void {
    const step = parseNewLogLines(this.runs, w.parser, l, { passes, metrics: w.profile.logMetrics });
    if (step !== null && step !== w.lastStep) {
      w.lastStep = step;
      this.emit(w.id);
    }
  }

  /** The run ended: clean up leftovers, drain outputs and log, record the end, let go. */
  private finish(w: Watch, s: BackendState): Promise<RunStatus> {
    w.finishing ??= (async () => {
      const l = this.runs.get(w.id)!;
      const leftover = await w.backend.cleanup?.(l).catch((e: unknown) => `cleanup failed: ${errorMessage(e)}`);
      const totals = await w.outputs.stop();
      const dup = totals.samples === 0 && totals.duplicates > 0 ? duplicatesNote(totals.duplicates) : undefined;
      if (w.backend.syncLog) await w.backend.syncLog(l).catch(() => undefined);
      this.parseLog(w, this.runs.get(w.id)!, FINAL_LOG_PASSES);
      const message = [s.message, leftover, dup].filter(Boolean).join('; ') || null;
      recordEnd(this.runs, w.id, { ...s, message }, true);
      this.watches.delete(w.id);
      const ended = this.runs.get(w.id)!;
      this.opts.log?.(
        'info',
        `run ${ended.run}: ${ended.state}${ended.exit_code !== null ? `, exit code ${ended.exit_code}` : ''}${ended.exit_signal ? `, ${ended.exit_signal}` : ''}`,
      );
      if (![...this.watches.values()].some((x) => x.backend === this.backends.local)) await this.gpu?.stop();
      this.emit(w.id);
      return this.statusOf(ended);
    })();
    return w.finishing;
  }

  private onGpu(snap: GpuSnapshot): void {
    for (const w of this.watches.values()) {
      if (w.backend !== this.backends.local || !w.backend.processes) continue;
      const l = this.runs.get(w.id);
      if (!l || isFinalState(l.state)) continue;
      const mine = w.backend.processes(l);
      const rows = gpuSampleRows(snap, mine);
      this.runs.addGpuSamples(w.id, rows);
      this.emit(w.id);
    }
  }
}
