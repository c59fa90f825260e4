// Local runs: the command runs under the keeper (./keeper.ts) in a new session and process group,
// detached from the engine, so it survives an engine restart. Stop signals the whole group (and any
// descendant that left it): SIGINT, then SIGTERM, then SIGKILL, each after a timeout.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { LaunchRow, LaunchUpdate } from '../store/runStore';
import { waitUntil, type BackendState, type RunBackendImpl } from './backend';
import { KEEPER_SOURCE, type KeeperExit, type KeeperSpec } from './keeper';
import { groupMembers, isAlive, listProcesses, readStat, runProcesses, signalGroup } from './procfs';
import type { ResolvedProfile } from './resolve';

export const exitPathOf = (l: Pick<LaunchRow, 'run_dir' | 'attempt'>): string => path.join(l.run_dir, `run-${l.attempt}.exit.json`);

/** Finds `command` the way execvp would (PATH for bare names, else relative to cwd). */
export function resolveCommand(command: string, cwd: string, envPath: string | undefined): string | null {
  const executable = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const p = path.resolve(cwd, command);
    return executable(p) ? p : null;
  }
  for (const dir of (envPath ?? '').split(':')) {
    const p = path.join(dir || '.', command);
    if (executable(p)) return p;
  }
  return null;
}

/** Checks what would make the launch fail at once, with a message naming the profile field. */
export function preflight(p: ResolvedProfile, env: NodeJS.ProcessEnv): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(p.cwd);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) {
    throw new LensError(ErrorCode.BadInput, `profile ${p.name}: cwd ${p.cwd} does not exist or is not a folder`, { field: 'cwd' });
  }
  if (!resolveCommand(p.command, p.cwd, env['PATH'])) {
    const where = p.command.includes('/')
      ? `${path.resolve(p.cwd, p.command)} does not exist or is not executable`
      : `not on PATH (${env['PATH'] ?? ''})`;
    throw new LensError(ErrorCode.BadInput, `profile ${p.name}: command not found: ${p.command}: ${where}`, {
      field: 'command',
    });
  }
}

function readExit(file: string): KeeperExit | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as KeeperExit;
  } catch {
    return undefined;
  }
}

/** The environment the training command gets: the engine's, the profile's, and the run's identity. */
export function commandEnv(
  p: ResolvedProfile,
  l: Pick<LaunchRow, 'run' | 'run_dir' | 'attempt'>,
  base: NodeJS.ProcessEnv,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  // The engine may run on Electron in node mode; the user's command must not inherit that switch.
  delete env['ELECTRON_RUN_AS_NODE'];
  Object.assign(env, p.env, {
    ROLLOUT_LENS_RUN: l.run,
    ROLLOUT_LENS_RUN_DIR: l.run_dir,
    ROLLOUT_LENS_ATTEMPT: String(l.attempt),
  });
  return env;
}

export class LocalBackend implements RunBackendImpl {
  constructor(private readonly opts: { env?: NodeJS.ProcessEnv; nodePath?: string } = {}) {}

  async start(l: LaunchRow, p: ResolvedProfile): Promise<LaunchUpdate> {
    const env = commandEnv(p, l, this.opts.env ?? process.env);
    preflight(p, env);
    fs.mkdirSync(l.run_dir, { recursive: true });
    const spec: KeeperSpec = {
      command: p.command,
      args: p.args,
      cwd: p.cwd,
      env,
      logPath: l.log_path,
      exitPath: exitPathOf(l),
    };
    const specPath = path.join(l.run_dir, `run-${l.attempt}.spec.json`);
    // The spec holds the environment (tokens, keys): readable by the owner only.
    fs.writeFileSync(specPath, JSON.stringify(spec), { mode: 0o600 });
    fs.rmSync(spec.exitPath, { force: true });
    const errFd = fs.openSync(path.join(l.run_dir, `run-${l.attempt}.keeper.err`), 'a');
    let pid: number | undefined;
    try {
      const child = spawn(this.opts.nodePath ?? process.execPath, ['-e', KEEPER_SOURCE, specPath], {
        cwd: l.run_dir,
        detached: true,
        stdio: ['ignore', 'ignore', errFd],
        env: { ELECTRON_RUN_AS_NODE: '1', PATH: env['PATH'] ?? '' },
      });
      child.on('error', () => {});
      child.unref();
      pid = child.pid;
    } finally {
      fs.closeSync(errFd);
    }
    if (!pid)
      throw new LensError(
        ErrorCode.Internal,
        `profile ${p.name}: could not start the run's keeper process (${this.opts.nodePath ?? process.execPath})`,
      );
    const stat = readStat(pid);
    return { pid, pid_start: stat?.startTime ?? null, state: 'running' };
  }

  async poll(l: LaunchRow): Promise<BackendState> {
    if (l.pid !== null && isAlive(l.pid, l.pid_start)) return { state: l.state === 'stopping' ? 'stopping' : 'running' };
    return this.ended(l, l.state === 'stopping');
  }

  private ended(l: LaunchRow, stopping: boolean, killedBy?: string): BackendState {
    const exit = readExit(exitPathOf(l));
    if (!exit) {
      if (killedBy)
        return {
          state: 'stopped',
          exitCode: null,
          signal: killedBy,
          exitNote: `killed with ${killedBy} by the supervisor; the keeper died with it, so the command's own exit status is unknown`,
        };
      return {
        state: stopping ? 'stopped' : 'lost',
        exitCode: null,
        signal: null,
        exitNote: `the keeper (pid ${l.pid}) ended without writing ${exitPathOf(l)}: killed from outside (e.g. kill -9); exit status unknown`,
      };
    }
    const note = 'recorded by the keeper';
    if (exit.error) return { state: 'failed', exitCode: exit.code, signal: null, exitNote: note, message: exit.error };
    const state = stopping ? 'stopped' : exit.code === 0 && !exit.signal ? 'succeeded' : 'failed';
    return { state, exitCode: exit.code, signal: exit.signal, exitNote: note };
  }

  processes(l: LaunchRow): Set<number> {
    return l.pid === null ? new Set() : runProcesses(l.pid);
  }

  /** True while the group or any process it spawned is alive. */
  private busy(l: LaunchRow, strays: Set<number>): boolean {
    if (l.pid === null) return false;
    if (isAlive(l.pid, l.pid_start) || groupMembers(l.pid).length > 0) return true;
    for (const pid of strays) if (isAlive(pid)) return true;
    return false;
  }

  private signalAll(l: LaunchRow, signal: NodeJS.Signals, strays: Set<number>): void {
    if (l.pid === null) return;
    signalGroup(l.pid, signal);
    for (const pid of strays) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  async stop(l: LaunchRow, p: ResolvedProfile): Promise<BackendState> {
    if (l.pid === null || !isAlive(l.pid, l.pid_start)) {
      const left = await this.cleanup(l);
      return { ...this.ended(l, true), message: left };
    }
    // Descendants that moved to their own process group are signalled one by one.
    const all = listProcesses();
    const strays = new Set([...runProcesses(l.pid, all)].filter((pid) => all.find((x) => x.pid === pid)?.pgrp !== l.pid));
    const steps: Array<[NodeJS.Signals, number]> = [
      ['SIGINT', p.sigintMs],
      ['SIGTERM', p.sigtermMs],
      ['SIGKILL', 5000],
    ];
    const sent: string[] = [];
    for (const [signal, ms] of steps) {
      this.signalAll(l, signal, strays);
      sent.push(signal);
      if (await waitUntil(() => !this.busy(l, strays), ms)) {
        const killed = signal === 'SIGKILL' ? 'SIGKILL' : undefined;
        const how =
          sent.length === 1 ? `stopped with SIGINT` : `did not stop on ${sent.slice(0, -1).join(', then ')}; stopped with ${signal}`;
        return { ...this.ended(l, true, killed), message: how };
      }
    }
    return {
      state: 'stopping',
      message: `processes of group ${l.pid} survived SIGKILL (uninterruptible I/O?); still watching`,
    };
  }

  /** Processes of the group left after the keeper ended (workers of a finished trainer). */
  async cleanup(l: LaunchRow): Promise<string | null> {
    if (l.pid === null) return null;
    const left = groupMembers(l.pid);
    if (left.length === 0) return null;
    signalGroup(l.pid, 'SIGTERM');
    if (!(await waitUntil(() => groupMembers(l.pid!).length === 0, 3000))) {
      signalGroup(l.pid, 'SIGKILL');
      await waitUntil(() => groupMembers(l.pid!).length === 0, 3000);
    }
    return `${left.length} process(es) of the run were still running after it ended (pids ${left.join(', ')}); terminated`;
  }
}
