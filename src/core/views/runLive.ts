// A launched run's sections on the dashboard, from the run supervisor: its status line and the tail
// of its log (docs/runs.md). The GPU history is kept by the host, which sees every status change.
import type { LogTailView, RunStatusView } from '../../shared/protocol/webviews/dashboard';
import type { GpuReading, LogPage, RunStatus } from '../../shared/runs';

/** The parts of the run DTOs (src/shared/runs.ts) this reads. */
export type RunStatusLike = Pick<
  RunStatus,
  | 'run'
  | 'profile'
  | 'backend'
  | 'state'
  | 'startedAt'
  | 'endedAt'
  | 'exitCode'
  | 'signal'
  | 'exitNote'
  | 'message'
  | 'lastStep'
  | 'totalSteps'
  | 'etaSeconds'
> & { gpu: GpuReading | null };
export type LogPageLike = Pick<LogPage, 'text' | 'offset' | 'size'>;

/** What the run supervisor answers (RunSupervisor satisfies it). */
export interface SupervisorReads {
  status(run?: string): Promise<RunStatusLike[]>;
  log(run: string, offset?: number, limit?: number): Promise<LogPageLike>;
}

export interface RunLiveSections {
  status: RunStatusView;
  logTail: LogTailView;
  /** The reading in this status, for the host's GPU history. */
  gpu: GpuReading | null;
}

const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 400;

export function statusView(s: RunStatusLike): RunStatusView {
  const progress =
    s.lastStep !== null
      ? `step ${s.lastStep}${s.totalSteps ? ` of ${s.totalSteps}` : ''}${s.etaSeconds ? `, about ${Math.ceil(s.etaSeconds / 60)} min left` : ''}`
      : null;
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

/** The sections for one run; undefined when the supervisor did not launch it. */
export async function runLiveSections(supervisor: SupervisorReads, run: string): Promise<RunLiveSections | undefined> {
  const s = (await supervisor.status(run)).find((x) => x.run === run);
  if (!s) return undefined;
  return { status: statusView(s), logTail: await logTail(supervisor, run), gpu: s.gpu };
}

async function logTail(supervisor: SupervisorReads, run: string): Promise<LogTailView> {
  const head = await supervisor.log(run, 0, 1);
  const from = Math.max(0, head.size - TAIL_BYTES);
  const page = from === 0 && head.size <= 1 ? head : await supervisor.log(run, from, TAIL_BYTES);
  const lines = page.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (from > 0) lines.shift(); // reading from a byte offset may start mid-line
  return { lines: lines.slice(-TAIL_LINES), truncated: from > 0 || lines.length > TAIL_LINES };
}
