// Starts the engine process on first need, speaks typed JSON-RPC to it, and restarts it with
// backoff when it dies. The host never touches SQLite itself.
import { fork, type ChildProcess } from 'node:child_process';
import { ErrorCode, LensError } from '../shared/errors';
import {
  EngineMethods,
  EngineNotifications,
  type EngineInfo,
  type EngineSettings,
  type LogParams,
  type MethodDescriptor,
} from '../shared/protocol/engine';
import { RpcEndpoint, type RequestOptions, type RpcMessage } from '../shared/protocol/rpc';

export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  trace(message: string): void;
}

export interface EngineClientOptions {
  enginePath: string;
  dbPath: string;
  log: EngineLogger;
  /** Node binary for the engine; defaults to this process (Electron in Node mode on desktop). */
  nodePath?: string;
  /** Sent with initialize, so a (re)started engine has the current settings. */
  settings?: EngineSettings;
  /** Called when the engine died more often than the restart policy allows. */
  onGaveUp?: (reason: string) => void;
  /** Called when a start fails (database unusable, native module of the wrong ABI). */
  onStartFailed?: (reason: string, nativeModule: boolean) => void;
  onRestarted?: (info: EngineInfo) => void;
}

const MAX_CRASHES = 5;
const STABLE_AFTER_MS = 60_000;

export class EngineClient {
  private child: ChildProcess | undefined;
  private rpc: RpcEndpoint | undefined;
  private starting: Promise<RpcEndpoint> | undefined;
  private crashes = 0;
  private startedAt = 0;
  private disposed = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly notificationHandlers = new Map<string, Array<(params: unknown) => void>>();

  constructor(private readonly opts: EngineClientOptions) {}

  /** True while an engine process is up and initialised. */
  get running(): boolean {
    return this.rpc !== undefined;
  }

  /** Engine → host notifications; handlers survive engine restarts. */
  onNotification(method: string, handler: (params: unknown) => void): void {
    const list = this.notificationHandlers.get(method) ?? [];
    list.push(handler);
    this.notificationHandlers.set(method, list);
  }

  /** Stops the engine (if running) and starts a fresh one, e.g. after a setting that needs it. */
  async restart(): Promise<void> {
    const child = this.child;
    this.crashes = 0;
    if (child) {
      this.child = undefined;
      this.rpc?.close(new LensError(ErrorCode.Cancelled, 'the engine is restarting'));
      this.rpc = undefined;
      child.kill('SIGTERM');
    }
    await this.ensureStarted();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async request<P, R>(m: MethodDescriptor<P, R>, params: P, opts: RequestOptions = {}): Promise<R> {
    const rpc = await this.ensureStarted();
    return (await rpc.request(m.name, params, opts)) as R;
  }

  /** Starts the engine if it is not running; resolves once the database is open. */
  ensureStarted(): Promise<RpcEndpoint> {
    if (this.disposed) return Promise.reject(new LensError(ErrorCode.Internal, 'the engine client was disposed'));
    if (this.rpc) return Promise.resolve(this.rpc);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  dispose(): void {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.rpc?.close(new LensError(ErrorCode.Cancelled, 'Rollout Lens is shutting down'));
    this.rpc = undefined;
    this.child = undefined;
    if (child && child.exitCode === null) {
      child.disconnect?.();
      // The engine exits on disconnect; make sure of it.
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 2000).unref();
    }
  }

  private async start(): Promise<RpcEndpoint> {
    const t0 = Date.now();
    const child = fork(this.opts.enginePath, [], {
      execPath: this.opts.nodePath ?? process.execPath,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (d: string) => this.opts.log.warn(`stderr: ${d.trimEnd()}`));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => this.opts.log.trace(`stdout: ${d.trimEnd()}`));
    const rpc = new RpcEndpoint(
      {
        send: (m: RpcMessage) => {
          if (child.connected) child.send(m);
        },
        onMessage: (h) => child.on('message', h),
      },
      (why) => this.opts.log.warn(`engine sent a bad message: ${why}`),
    );
    for (const [method, handlers] of this.notificationHandlers) {
      if (method !== EngineNotifications.log) rpc.onNotification(method, (p) => handlers.forEach((h) => h(p)));
    }
    rpc.onNotification(EngineNotifications.log, (p) => {
      const { level, message } = p as LogParams;
      // The logger given to the client already tags every line "[engine]".
      if (level === 'error') this.opts.log.error(message);
      else if (level === 'warn') this.opts.log.warn(message);
      else this.opts.log.info(message);
    });
    child.on('exit', (code, signal) => this.onExit(child, rpc, code, signal));
    child.on('error', (e) => this.opts.log.error(`engine process error: ${e.message}`));
    let info: EngineInfo;
    try {
      const settings = this.opts.settings;
      info = (await rpc.request(
        EngineMethods.initialize.name,
        { db: this.opts.dbPath, ...(settings ? { settings } : {}) },
        { timeoutMs: 30_000 },
      )) as EngineInfo;
    } catch (e) {
      // A start that cannot open the database is not a crash to retry: stop it and report why.
      this.child = undefined;
      child.kill('SIGKILL');
      const reason = e instanceof Error ? e.message : String(e);
      this.opts.log.error(`engine start failed: ${reason}`);
      this.opts.onStartFailed?.(reason, e instanceof LensError && e.code === ErrorCode.NativeModule);
      throw e;
    }
    this.rpc = rpc;
    this.startedAt = Date.now();
    this.opts.log.info(
      `engine pid ${info.pid} ready in ${Date.now() - t0} ms (${info.runtime} ABI ${info.abi}, SQLite ${info.sqlite}, ${info.db})`,
    );
    return rpc;
  }

  private onExit(child: ChildProcess, rpc: RpcEndpoint, code: number | null, signal: NodeJS.Signals | null): void {
    const why = `the engine (pid ${child.pid}) stopped (${signal ? `signal ${signal}` : `exit code ${code}`})`;
    rpc.close(new LensError(ErrorCode.Internal, `${why}; requests in flight were not completed, stored data is intact`));
    if (this.child !== child) return;
    this.child = undefined;
    this.rpc = undefined;
    if (this.disposed) return;
    this.opts.log.error(why);
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.crashes = 0;
    this.crashes++;
    if (this.crashes > MAX_CRASHES) {
      this.opts.onGaveUp?.(`${why}; it crashed ${MAX_CRASHES} times in a row, so it is not restarted automatically`);
      return;
    }
    const delay = Math.min(30_000, 500 * 2 ** (this.crashes - 1));
    this.opts.log.info(`restarting the engine in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.ensureStarted().then(
        async (r) => this.opts.onRestarted?.((await r.request(EngineMethods.ping.name, {})) as EngineInfo),
        (e: unknown) => this.opts.log.error(`engine restart failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, delay);
  }

  /** Lets a later request start the engine again after the restart policy gave up. */
  resetCrashes(): void {
    this.crashes = 0;
  }
}
