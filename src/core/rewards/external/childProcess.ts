// A long-running child speaking JSON lines, in its own process group so that stopping it stops
// everything it started. The caller decides what a timeout or an exit means for its requests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';

const STDERR_TAIL = 4000;

export interface LineChildOptions {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  onLine: (line: string) => void;
  /** `spawnFailed`: the program could not be started at all (not found, not executable). */
  onExit: (why: string, spawnFailed: boolean) => void;
}

/** Signals a whole process group; a group that is already gone is not an error. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to stop.
  }
}

export class LineChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdoutBuf = '';
  private stderrTail = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;
  // If the host process ends without dispose(), the group must not outlive it.
  private readonly onHostExit = (): void => killGroup(this.pid, 'SIGKILL');

  constructor(private readonly opts: LineChildOptions) {
    const [cmd, ...args] = opts.argv;
    this.child = spawn(cmd!, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.exitPromise = new Promise((resolve) => {
      const finish = (why: string, spawnFailed: boolean): void => {
        if (this.exited) return;
        this.exited = true;
        process.removeListener('exit', this.onHostExit);
        // Grandchildren (a shell's python, a pool's workers) share the group: end them too.
        if (this.child.pid !== undefined) killGroup(this.child.pid, 'SIGKILL');
        opts.onExit(why, spawnFailed);
        resolve();
      };
      this.child.on('error', (e) => finish(`could not be started: ${errorMessage(e)}`, this.child.pid === undefined));
      this.child.on('exit', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`, false));
    });
    process.on('exit', this.onHostExit);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    // EPIPE when the child died between our check and the write; the exit handler reports it.
    this.child.stdin.on('error', () => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The last lines the child wrote to stderr, for error messages. */
  stderr(): string {
    return this.stderrTail.trim();
  }

  private onStdout(chunk: string): void {
    this.stdoutBuf += chunk;
    let nl: number;
    while ((nl = this.stdoutBuf.indexOf('\n')) >= 0) {
      const line = this.stdoutBuf.slice(0, nl).replace(/\r$/, '');
      this.stdoutBuf = this.stdoutBuf.slice(nl + 1);
      if (line.trim() !== '') this.opts.onLine(line);
    }
  }

  send(line: string): void {
    if (this.exited) throw new LensError(ErrorCode.Internal, 'write to an external reward command that has exited');
    this.child.stdin.write(line + '\n');
  }

  /** Ends the group now (a hung child). */
  kill(): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) killGroup(this.child.pid, 'SIGKILL');
    return this.exitPromise;
  }

  /** Closes stdin and waits; then SIGTERM, then SIGKILL, each after `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    const wait = (ms: number): Promise<boolean> =>
      Promise.race([this.exitPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    if (await wait(graceMs)) return;
    if (this.child.pid !== undefined) killGroup(this.child.pid, 'SIGTERM');
    if (await wait(graceMs)) return;
    await this.kill();
  }
}
