// Slurm runs: a generated batch script submitted with `sbatch --parsable`; state from
// `squeue -j ID -h -o %T`, then `scontrol show job ID` once squeue no longer lists it (accounting,
// hence sacct, is often unavailable); the log is the job's output file; stop is `scancel`.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { RunState } from '../../shared/runs';
import type { LaunchRow, LaunchUpdate } from '../store/runStore';
import { sleep, type BackendState, type RunBackendImpl } from './backend';
import { commandEnv } from './localBackend';
import { shellQuote, type ResolvedProfile } from './resolve';

export interface SlurmOptions {
  /** Environment for the Slurm commands (SLURM_CONF, PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** How long stop waits for the job to leave the running states after scancel. */
  stopTimeoutMs?: number;
}

interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Lines of Slurm's stderr without the `sbatch: error: ` prefixes, joined. */
function slurmText(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/^(sbatch|squeue|scontrol|scancel|slurm_load_jobs)(:? (error|fatal))?:\s*/, '').trim())
    .filter(Boolean)
    .join('; ');
}

const UNREACHABLE = /Unable to contact slurm controller|connect failure|Connection refused|Socket timed out|Zero Bytes were transmitted/i;
const NO_CONFIG = /cannot stat file|Could not establish a configuration source|Unable to process configuration file/i;

/** Runs a Slurm client command with a timeout; a missing configuration fails at once instead of after Slurm's 60 s of retries. */
export function slurmCommand(cmd: string, args: string[], opts: SlurmOptions = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(() =>
        reject(
          new LensError(
            ErrorCode.Unreadable,
            `Slurm is not answering: \`${cmd} ${args.join(' ')}\` took longer than ${(opts.timeoutMs ?? 30_000) / 1000} s`,
          ),
        ),
      );
    }, opts.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (NO_CONFIG.test(stderr)) {
        child.kill('SIGKILL');
        const conf = (opts.env ?? process.env)['SLURM_CONF'];
        done(() =>
          reject(
            new LensError(
              ErrorCode.Unreadable,
              `Slurm is not configured on this machine${conf ? ` (SLURM_CONF=${conf})` : ''}: ${slurmText(stderr)}`,
            ),
          ),
        );
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      done(() =>
        reject(
          new LensError(
            ErrorCode.Unreadable,
            e.code === 'ENOENT'
              ? `${cmd} is not on PATH: the Slurm client tools are not installed on this machine`
              : `${cmd}: ${e.message}`,
          ),
        ),
      ),
    );
    child.on('close', (code) => done(() => resolve({ code, stdout, stderr })));
  });
}

function unreachable(r: CmdResult, what: string): LensError | undefined {
  if (!UNREACHABLE.test(r.stderr)) return undefined;
  return new LensError(ErrorCode.Unreadable, `Slurm is down or unreachable (${what}): ${slurmText(r.stderr)}`);
}

/** The batch script for a profile: #SBATCH lines, the environment, then the command. */
export function batchScript(p: ResolvedProfile, l: Pick<LaunchRow, 'run' | 'run_dir' | 'attempt'>, outputPattern: string): string {
  const s = p.slurm;
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${shellQuote(l.run)}`, `#SBATCH --output=${outputPattern}`, `#SBATCH --chdir=${p.cwd}`];
  if (s.partition) lines.push(`#SBATCH --partition=${s.partition}`);
  if (s.nodes) lines.push(`#SBATCH --nodes=${s.nodes}`);
  if (s.gres) lines.push(`#SBATCH --gres=${s.gres}`);
  if (s.gpus !== undefined) lines.push(`#SBATCH --gpus=${s.gpus}`);
  if (s.gpusPerNode !== undefined) lines.push(`#SBATCH --gpus-per-node=${s.gpusPerNode}`);
  if (s.cpusPerTask) lines.push(`#SBATCH --cpus-per-task=${s.cpusPerTask}`);
  if (s.mem) lines.push(`#SBATCH --mem=${s.mem}`);
  if (s.time) lines.push(`#SBATCH --time=${s.time}`);
  if (s.account) lines.push(`#SBATCH --account=${s.account}`);
  if (s.qos) lines.push(`#SBATCH --qos=${s.qos}`);
  for (const extra of s.sbatch ?? []) lines.push(extra.startsWith('#SBATCH') ? extra : `#SBATCH ${extra}`);
  lines.push('', '# Written by Rollout Lens for this launch; the environment below comes from the profile.');
  const env = {
    ...p.env,
    ROLLOUT_LENS_RUN: l.run,
    ROLLOUT_LENS_RUN_DIR: l.run_dir,
    ROLLOUT_LENS_ATTEMPT: String(l.attempt),
  };
  for (const [k, v] of Object.entries(env)) lines.push(`export ${k}=${shellQuote(v)}`);
  lines.push([p.command, ...p.args].map(shellQuote).join(' '), '');
  return lines.join('\n');
}

/** Slurm job state → run state. */
export function slurmState(s: string): RunState | undefined {
  const st = s.trim().toUpperCase().replace(/\+$/, '');
  if (['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD'].includes(st)) return 'pending';
  if (['RUNNING', 'COMPLETING', 'SUSPENDED', 'STAGE_OUT', 'SIGNALING', 'RESIZING', 'STOPPED'].includes(st)) return 'running';
  if (st === 'COMPLETED') return 'succeeded';
  if (st === 'CANCELLED') return 'stopped';
  if (['FAILED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'SPECIAL_EXIT', 'REVOKED'].includes(st))
    return 'failed';
  return undefined;
}

/** `scontrol show job` text → {key: value} of its `Key=Value` pairs. */
export function parseScontrol(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) out[m[1]!] ??= m[2]!;
  return out;
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

export class SlurmBackend implements RunBackendImpl {
  constructor(private readonly opts: SlurmOptions = {}) {}

  async start(l: LaunchRow, p: ResolvedProfile): Promise<LaunchUpdate> {
    fs.mkdirSync(l.run_dir, { recursive: true });
    const pattern = path.join(l.run_dir, `slurm-${l.attempt}-%j.out`);
    const script = path.join(l.run_dir, `run-${l.attempt}.sbatch`);
    fs.writeFileSync(script, batchScript(p, l, pattern), { mode: 0o700 });
    // sbatch passes the submitting environment on (--export=ALL); the script adds the profile's.
    const r = await slurmCommand('sbatch', ['--parsable', script], {
      ...this.opts,
      env: commandEnv(p, l, this.opts.env ?? process.env),
    });
    const down = unreachable(r, 'sbatch');
    if (down) throw down;
    const id = /^(\d+)(;\S+)?\s*$/.exec(r.stdout.trim())?.[1];
    if (r.code !== 0 || !id) {
      throw new LensError(
        ErrorCode.BadInput,
        `sbatch rejected the job (profile ${p.name}, script ${script}): ${slurmText(r.stderr) || `exit ${r.code}`}`,
      );
    }
    return { job_id: id, log_path: pattern.replace('%j', id), state: 'pending' };
  }

  async poll(l: LaunchRow): Promise<BackendState> {
    const id = l.job_id;
    if (!id) return { state: 'lost', exitNote: 'no Slurm job id was recorded' };
    let q: CmdResult;
    try {
      q = await slurmCommand('squeue', ['-j', id, '-h', '-o', '%T'], this.opts);
    } catch (e) {
      return { state: l.state, message: (e as Error).message };
    }
    const down = unreachable(q, 'squeue');
    if (down) return { state: l.state, message: down.message };
    const listed = q.code === 0 ? slurmState(q.stdout.split('\n')[0] ?? '') : undefined;
    if (listed === 'pending' || listed === 'running') {
      return { state: l.state === 'stopping' ? 'stopping' : listed, message: null };
    }
    return this.final(l, id);
  }

  private async final(l: LaunchRow, id: string): Promise<BackendState> {
    let r: CmdResult;
    try {
      r = await slurmCommand('scontrol', ['show', 'job', id], this.opts);
    } catch (e) {
      return { state: l.state, message: (e as Error).message };
    }
    const down = unreachable(r, 'scontrol');
    if (down) return { state: l.state, message: down.message };
    if (r.code !== 0 || /Invalid job id/i.test(r.stderr)) {
      return {
        state: 'lost',
        exitCode: null,
        signal: null,
        exitNote: `Slurm no longer knows job ${id} (finished jobs are forgotten after MinJobAge and accounting is off); its final state is unknown`,
      };
    }
    const kv = parseScontrol(r.stdout);
    const state = slurmState(kv['JobState'] ?? '') ?? 'lost';
    if (state === 'pending' || state === 'running') return { state: l.state === 'stopping' ? 'stopping' : state };
    const [code, sig] = (kv['ExitCode'] ?? '').split(':').map(Number);
    const signal = sig ? (SIGNALS[sig] ?? `signal ${sig}`) : null;
    const reason = kv['Reason'] && kv['Reason'] !== 'None' ? `, reason ${kv['Reason']}` : '';
    return {
      state,
      exitCode: Number.isFinite(code) ? code! : null,
      signal,
      exitNote: `scontrol show job ${id}: JobState=${kv['JobState']} ExitCode=${kv['ExitCode'] ?? '?'}${reason}`,
    };
  }

  async stop(l: LaunchRow): Promise<BackendState> {
    const id = l.job_id;
    if (!id) return { state: 'lost', exitNote: 'no Slurm job id was recorded' };
    const r = await slurmCommand('scancel', [id], this.opts);
    const down = unreachable(r, 'scancel');
    if (down) throw down;
    if (r.code !== 0 && !/already completing or completed/i.test(r.stderr)) {
      throw new LensError(ErrorCode.BadInput, `scancel ${id} failed: ${slurmText(r.stderr) || `exit ${r.code}`}`);
    }
    const t0 = Date.now();
    const limit = this.opts.stopTimeoutMs ?? 60_000;
    for (;;) {
      const s = await this.poll({ ...l, state: 'stopping' });
      if (s.state !== 'stopping' && s.state !== 'pending' && s.state !== 'running') return s;
      if (Date.now() - t0 > limit)
        return {
          state: 'stopping',
          message: `job ${id} was cancelled but is still ${s.state} after ${limit / 1000} s`,
        };
      await sleep(300);
    }
  }
}
