// Ray runs through the Ray Jobs REST API of a dashboard (default http://127.0.0.1:8265): submit
// `POST /api/jobs/`, status `GET /api/jobs/<id>`, logs `GET /api/jobs/<id>/logs` (mirrored into the
// run's local log file), stop `POST /api/jobs/<id>/stop`, delete `DELETE /api/jobs/<id>`, and
// `GET /api/version` as the reachability check. Shapes: docs/testing.md#ray (captured from Ray 2.58).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ErrorCode, LensError } from '../../shared/errors';
import type { RunState } from '../../shared/runs';
import type { LaunchRow, LaunchUpdate } from '../store/runStore';
import { sleep, type BackendState, type RunBackendImpl } from './backend';
import { commandLine, type ResolvedProfile } from './resolve';

export const DEFAULT_RAY_ADDRESS = 'http://127.0.0.1:8265';

export interface RayJobInfo {
  type: string;
  submission_id: string | null;
  job_id: string | null;
  status: 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
  entrypoint: string;
  message: string | null;
  error_type: string | null;
  start_time: number | null;
  end_time: number | null;
  driver_exit_code: number | null;
}

/** The last meaningful line of a Python traceback or error page (what went wrong, not where). */
function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 500);
}

export class RayClient {
  readonly base: string;

  constructor(
    address: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = address.replace(/\/+$/, '');
  }

  private async request(method: string, p: string, body?: unknown): Promise<unknown> {
    const url = `${this.base}${p}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      const why =
        cause === 'ECONNREFUSED' ? 'connection refused' : cause === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : cause;
      throw new LensError(
        ErrorCode.Unreadable,
        `Ray dashboard ${this.base} is not reachable (${why}): is the cluster up and the address right?`,
        { url },
      );
    }
    const text = await res.text();
    if (res.status === 404) {
      throw new LensError(ErrorCode.NotFound, `Ray (${method} ${p}): ${lastLine(text) || 'not found'} (HTTP 404)`, { url, status: 404 });
    }
    if (!res.ok) {
      throw new LensError(ErrorCode.BadInput, `Ray refused ${method} ${p} (HTTP ${res.status}): ${lastLine(text) || res.statusText}`, {
        url,
        status: res.status,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LensError(
        ErrorCode.BadInput,
        `Ray (${method} ${p}) answered HTTP ${res.status} with something that is not JSON: ${text.slice(0, 200)}`,
        { url },
      );
    }
  }

  async version(): Promise<{ version: string; ray_version: string }> {
    return (await this.request('GET', '/api/version')) as { version: string; ray_version: string };
  }

  async submit(body: Record<string, unknown>): Promise<{ submission_id: string; job_id: string | null }> {
    return (await this.request('POST', '/api/jobs/', body)) as {
      submission_id: string;
      job_id: string | null;
    };
  }

  async info(id: string): Promise<RayJobInfo> {
    return (await this.request('GET', `/api/jobs/${encodeURIComponent(id)}`)) as RayJobInfo;
  }

  async logs(id: string): Promise<string> {
    const r = (await this.request('GET', `/api/jobs/${encodeURIComponent(id)}/logs`)) as { logs?: unknown };
    return typeof r.logs === 'string' ? r.logs : '';
  }

  async stop(id: string): Promise<boolean> {
    return ((await this.request('POST', `/api/jobs/${encodeURIComponent(id)}/stop`)) as { stopped?: boolean }).stopped === true;
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.request('DELETE', `/api/jobs/${encodeURIComponent(id)}`)) as { deleted?: boolean }).deleted === true;
  }
}

export function rayState(s: string): RunState {
  switch (s) {
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
      return 'running';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'STOPPED':
      return 'stopped';
    default:
      return 'failed';
  }
}

/** The submission body for a profile (entrypoint, resources, runtime_env with the profile's env). */
export function submission(
  p: ResolvedProfile,
  l: Pick<LaunchRow, 'run' | 'run_dir' | 'attempt'>,
  submissionId: string,
): Record<string, unknown> {
  const r = p.ray;
  const runtimeEnv = { ...(r.runtimeEnv ?? {}) } as Record<string, unknown>;
  const envVars = {
    ...((runtimeEnv['env_vars'] as Record<string, string> | undefined) ?? {}),
    ...p.env,
    ROLLOUT_LENS_RUN: l.run,
    ROLLOUT_LENS_ATTEMPT: String(l.attempt),
  };
  runtimeEnv['env_vars'] = envVars;
  return {
    entrypoint: commandLine(p),
    submission_id: submissionId,
    runtime_env: runtimeEnv,
    metadata: { ...(r.metadata ?? {}), rollout_lens_run: l.run, rollout_lens_attempt: String(l.attempt) },
    ...(r.entrypointNumCpus !== undefined ? { entrypoint_num_cpus: r.entrypointNumCpus } : {}),
    ...(r.entrypointNumGpus !== undefined ? { entrypoint_num_gpus: r.entrypointNumGpus } : {}),
    ...(r.entrypointMemory !== undefined ? { entrypoint_memory: r.entrypointMemory } : {}),
    ...(r.entrypointResources !== undefined ? { entrypoint_resources: r.entrypointResources } : {}),
  };
}

export interface RayOptions {
  timeoutMs?: number;
  stopTimeoutMs?: number;
}

export class RayBackend implements RunBackendImpl {
  private readonly clients = new Map<string, RayClient>();

  constructor(private readonly opts: RayOptions = {}) {}

  private client(l: Pick<LaunchRow, 'profile'>): RayClient {
    const address = (JSON.parse(l.profile) as ResolvedProfile).ray.address ?? DEFAULT_RAY_ADDRESS;
    let c = this.clients.get(address);
    if (!c) this.clients.set(address, (c = new RayClient(address, this.opts.timeoutMs)));
    return c;
  }

  async start(l: LaunchRow, p: ResolvedProfile): Promise<LaunchUpdate> {
    const c = this.client(l);
    await c.version();
    // Ours, unique per attempt, so a retried submit after a lost answer is refused rather than doubled.
    const id = `rollout-lens-${l.run.replace(/[^A-Za-z0-9_-]/g, '_')}-${l.attempt}-${randomBytes(4).toString('hex')}`;
    fs.mkdirSync(l.run_dir, { recursive: true });
    const r = await c.submit(submission(p, l, id));
    return {
      job_id: r.submission_id,
      state: 'pending',
      log_path: path.join(l.run_dir, `run-${l.attempt}.log`),
    };
  }

  async poll(l: LaunchRow): Promise<BackendState> {
    if (!l.job_id) return { state: 'lost', exitNote: 'no Ray submission id was recorded' };
    let info: RayJobInfo;
    try {
      info = await this.client(l).info(l.job_id);
    } catch (e) {
      const err = e as LensError;
      if (err.code === ErrorCode.NotFound)
        return {
          state: 'lost',
          exitCode: null,
          exitNote: `Ray no longer knows job ${l.job_id} (deleted, or the cluster restarted): ${err.message}`,
        };
      return { state: l.state, message: err.message };
    }
    const state = rayState(info.status);
    if (state === 'pending' || state === 'running') return { state: l.state === 'stopping' ? 'stopping' : state, message: null };
    return {
      state,
      exitCode: info.driver_exit_code ?? null,
      signal: null,
      exitNote: `Ray job ${info.status}${info.error_type ? ` (${info.error_type})` : ''}: ${info.message ?? ''}`.trim(),
      message: null,
    };
  }

  async syncLog(l: LaunchRow): Promise<void> {
    if (!l.job_id) return;
    const logs = Buffer.from(await this.client(l).logs(l.job_id), 'utf8');
    let have = 0;
    try {
      have = fs.statSync(l.log_path).size;
    } catch {
      have = 0;
    }
    // The API returns the whole log each time: append what is new; a shorter log means it restarted.
    if (logs.length < have) fs.writeFileSync(l.log_path, logs);
    else if (logs.length > have) fs.appendFileSync(l.log_path, logs.subarray(have));
  }

  async stop(l: LaunchRow): Promise<BackendState> {
    if (!l.job_id) return { state: 'lost', exitNote: 'no Ray submission id was recorded' };
    await this.client(l).stop(l.job_id);
    const t0 = Date.now();
    const limit = this.opts.stopTimeoutMs ?? 30_000;
    for (;;) {
      const s = await this.poll({ ...l, state: 'stopping' });
      if (s.state !== 'stopping') return s;
      if (Date.now() - t0 > limit)
        return {
          state: 'stopping',
          message: `Ray job ${l.job_id} was asked to stop but is still running after ${limit / 1000} s`,
        };
      await sleep(200);
    }
  }

  /** Removes the job's record from the Ray cluster (only once it has ended). */
  async forget(l: LaunchRow): Promise<boolean> {
    return l.job_id ? this.client(l).delete(l.job_id) : false;
  }
}
