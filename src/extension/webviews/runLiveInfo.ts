// The dashboard's optional status, log tail and GPU sections from the run supervisor's engine
// methods (runs/status, runs/log, runs/statusChanged; docs/runs.md). Typed structurally, so this file does
// not depend on the supervisor's protocol module: pass its descriptors in (RunMethods.status, .log).
// The supervisor reports one GPU summary per reading (a mean over the GPUs), so the history here is
// one series per run, kept in memory for the session.
import { ErrorCode, LensError } from '../../shared/errors';
import type { MethodDescriptor } from '../../shared/protocol/engine';
import type { GpuSeriesView, LogTailView, RunStatusView } from '../../shared/protocol/webviews/dashboard';
import type { EngineClient } from '../engineClient';
import type { GpuSummary, LogPage, RunStatus } from '../../shared/runs';
import type { RunLiveInfo } from './dashboardPanel';

/** The parts of the run DTOs (src/shared/runs.ts) this reads. */
export type RunStatusLike = Pick<
  RunStatus,
  'run' | 'profile' | 'backend' | 'state' | 'startedAt' | 'endedAt' | 'exitCode' | 'signal' | 'exitNote' | 'message' | 'lastStep' | 'totalSteps' | 'etaSeconds'
> & { gpu: Pick<GpuSummary, 'available' | 'at' | 'gpus' | 'utilization' | 'memoryUsedMiB' | 'memoryTotalMiB'> | null };
export type LogPageLike = Pick<LogPage, 'text' | 'offset' | 'size'>;

export interface RunInfoMethods {
  status: MethodDescriptor<{ run?: string }, RunStatusLike[]>;
  log: MethodDescriptor<{ run: string; offset?: number; limit?: number }, LogPageLike>;
}

const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 400;
/** About 30 minutes of readings at the default 2 s poll. */
const GPU_READINGS = 900;

export function statusView(s: RunStatusLike): RunStatusView {
  const progress = s.lastStep !== null ? `step ${s.lastStep}${s.totalSteps ? ` of ${s.totalSteps}` : ''}${s.etaSeconds ? `, about ${Math.ceil(s.etaSeconds / 60)} min left` : ''}` : null;
  // The exit note matters when the exit status is unknown; a recorded exit code says it all.
  const note = s.exitCode === null && s.signal === null ? s.exitNote : null;
  const message = [progress, s.signal ? `signal ${s.signal}` : null, note, s.message].filter((x): x is string => !!x).join(' · ');
  return {
    state: s.state,
    backend: s.backend,
    command: `profile ${s.profile}`,
    started_at: s.startedAt,
    ...(s.endedAt !== null ? { ended_at: s.endedAt } : {}),
    exit_code: s.exitCode,
    ...(message ? { message } : {}),
  };
}

export class RunLiveInfoSource {
  private readonly gpu = new Map<string, { total: number | null; gpus: number; samples: Array<[number, number | null, number | null]> }>();

  constructor(
    private readonly engine: EngineClient,
    private readonly methods: RunInfoMethods,
  ) {}

  /** Feed `runs/statusChanged` notifications here so the GPU history has every reading, not only those at refreshes. */
  record(s: RunStatusLike): void {
    const g = s.gpu;
    if (!g?.available || g.at === null) return;
    const h = this.gpu.get(s.run) ?? { total: null, gpus: g.gpus, samples: [] };
    const last = h.samples[h.samples.length - 1];
    if (last && last[0] >= g.at) return;
    h.samples.push([g.at, g.utilization, g.memoryUsedMiB]);
    if (h.samples.length > GPU_READINGS) h.samples.splice(0, h.samples.length - GPU_READINGS);
    h.total = g.memoryTotalMiB;
    h.gpus = g.gpus;
    this.gpu.set(s.run, h);
  }

  /** The sections for one run; undefined when the run was not launched by the supervisor (or it is absent). */
  async info(run: string, signal: AbortSignal): Promise<RunLiveInfo | undefined> {
    let statuses: RunStatusLike[];
    try {
      statuses = await this.engine.request(this.methods.status, { run }, { signal });
    } catch (e) {
      if (e instanceof LensError && (e.code === ErrorCode.MethodNotFound || e.code === ErrorCode.NotFound)) return undefined;
      throw e;
    }
    const s = statuses.find((x) => x.run === run);
    if (!s) return undefined;
    this.record(s);
    const h = this.gpu.get(run);
    const gpu: GpuSeriesView[] = h ? [{ index: 0, name: `${h.gpus} GPU${h.gpus === 1 ? '' : 's'} (mean)`, memory_total_mib: h.total, samples: h.samples }] : [];
    return { status: statusView(s), logTail: await this.tail(run, signal), ...(gpu.length ? { gpu } : {}) };
  }

  private async tail(run: string, signal: AbortSignal): Promise<LogTailView> {
    const head = await this.engine.request(this.methods.log, { run, offset: 0, limit: 1 }, { signal });
    const from = Math.max(0, head.size - TAIL_BYTES);
    const page = from === 0 && head.size <= 1 ? head : await this.engine.request(this.methods.log, { run, offset: from, limit: TAIL_BYTES }, { signal });
    const lines = page.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (from > 0) lines.shift(); // reading from a byte offset may start mid-line
    return { lines: lines.slice(-TAIL_LINES), truncated: from > 0 || lines.length > TAIL_LINES };
  }
}
