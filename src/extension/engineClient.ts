// Starts the engine process on first need, speaks typed JSON-RPC to it, and restarts it with
// backoff when it dies. The host never touches SQLite itself. Notification handlers live here, not
// on one engine's endpoint, so they keep working across restarts whenever they were registered.
import { activityLine } from './activityLog';
import { fork, type ChildProcess } from 'node:child_process';
import { ErrorCode, LensError } from '../shared/errors';
import { EngineMethods, EngineNotifications, type EngineInfo, type EngineSettings, type MethodDescriptor } from '../shared/protocol/engine';
import { RpcEndpoint, type NotificationDescriptor, type RequestOptions, type RpcMessage } from '../shared/protocol/rpc';

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
  /** Where the one-line summaries of ingests, re-scores and searches go (the output channel, untagged). */
  activity?: (line: string) => void;
  /** Node binary for the engine; defaults to this process (Electron in Node mode on desktop). */
  nodePath?: string;
  /** Sent with initialize, so a (re)started engine has the current settings. */
  settings?: EngineSettings;
  /**
   * When no SQLite driver loads in the engine's runtime: another Node to run it on (a Node on PATH),
   * tried once before the start counts as failed.
   */
  fallbackNode?: (failedNode: string) => Promise<{ path: string; version: string } | undefined>;
}

export interface Disposable {
  dispose(): void;
}

/**
 * stopped: not started yet (it starts on first need), or disposed; starting: the first start;
 * running: initialised; restarting: after a crash (waiting out the backoff) or on `restart()`;
 * failed: a start failed, or the engine crashed more often than the restart policy allows.
 */
export type EngineState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

export type EngineStateChange =
  | { state: 'stopped' | 'starting' | 'restarting' }
  | { state: 'running'; info: EngineInfo }
  /** `start`: the database or a native module is unusable (not retried); `crashes`: gave up. */
  | { state: 'failed'; cause: 'start' | 'crashes'; reason: string; nativeModule: boolean };

/** A start that `restart()` replaced: its failure is nobody's to report. */
class Superseded extends Error {}

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
  /** Bumped by every start and restart: a start whose generation is stale was superseded. */
  private generation = 0;
  private current: EngineState = 'stopped';
  private readonly notificationHandlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly stateListeners = new Set<(e: EngineStateChange) => void>();

  constructor(private readonly opts: EngineClientOptions) {
    // The logger given to the client already tags every line "[engine]".
    this.onNotification(EngineNotifications.log, ({ level, message }) => {
      if (level === 'error') this.opts.log.error(message);
      else if (level === 'warn') this.opts.log.warn(message);
      else this.opts.log.info(message);
    });
  }

  /** True while an engine process is up and initialised. */
  get running(): boolean {
    return this.rpc !== undefined;
  }

  get state(): EngineState {
    return this.current;
  }

  onDidChangeState(listener: (e: EngineStateChange) => void): Disposable {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /**
   * Engine → host notifications. Handlers are looked up when a message arrives, so one registered
   * at any time (before the first start, or after a restart) sees every later notification.
   */
  onNotification<P>(n: NotificationDescriptor<P>, handler: (params: P) => void): Disposable {
    const untyped = handler as (params: unknown) => void;
    const set = this.notificationHandlers.get(n.name) ?? new Set();
    set.add(untyped);
    this.notificationHandlers.set(n.name, set);
    return { dispose: () => set.delete(untyped) };
  }

  /** Stops the engine (if running or starting) and starts a fresh one, e.g. after a setting that needs it. */
  async restart(): Promise<void> {
    const child = this.child;
    this.crashes = 0;
    this.generation++;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // A start in flight is superseded: whoever awaits it gets the new engine, and its failure is not reported.
    this.starting = undefined;
    this.child = undefined;
    this.rpc?.close(new LensError(ErrorCode.Cancelled, 'the engine is restarting'));
    this.rpc = undefined;
    child?.kill('SIGTERM');
    this.setState({ state: 'restarting' });
    await this.ensureStarted();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async request<P, R>(m: MethodDescriptor<P, R>, params: P, opts: RequestOptions = {}): Promise<R> {
    const rpc = await this.ensureStarted();
    const t0 = performance.now();
    try {
      const result = (await rpc.request(m.name, params, opts)) as R;
      this.logActivity(m.name, params, { result }, t0);
      return result;
    } catch (error) {
      this.logActivity(m.name, params, { error }, t0);
      throw error;
    }
  }

  /** One output-channel line for the requests a user waits for (activityLog.ts). */
  private logActivity(method: string, params: unknown, outcome: { result: unknown } | { error: unknown }, t0: number): void {
    const line = activityLine(method, params, outcome, performance.now() - t0);
    if (line) this.opts.activity?.(line);
  }

  /** Starts the engine if it is not running; resolves once the database is open. */
  ensureStarted(): Promise<RpcEndpoint> {
    if (this.disposed) return Promise.reject(new LensError(ErrorCode.Internal, 'the engine client was disposed'));
    if (this.rpc) return Promise.resolve(this.rpc);
    if (!this.starting) {
      const attempt: Promise<RpcEndpoint> = this.start().then(
        (rpc) => rpc,
        (e: unknown) => (e instanceof Superseded ? this.ensureStarted() : Promise.reject(e)),
      );
      this.starting = attempt;
      attempt.then(
        () => this.starting === attempt && (this.starting = undefined),
        () => this.starting === attempt && (this.starting = undefined),
      );
    }
    return this.starting;
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
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
    this.setState({ state: 'stopped' });
  }

  private setState(e: EngineStateChange): void {
    if (e.state === this.current && e.state !== 'failed') return;
    this.current = e.state;
    for (const l of [...this.stateListeners]) l(e);
  }

  private dispatch(method: string, params: unknown): void {
    for (const h of [...(this.notificationHandlers.get(method) ?? [])]) h(params);
  }

  /** Set once the engine's own runtime had no SQLite driver and another Node was found. */
  private fallbackNodePath: string | undefined;
  private fallbackTried = false;

  private async start(): Promise<RpcEndpoint> {
    const t0 = Date.now();
    const nodePath = this.fallbackNodePath ?? this.opts.nodePath ?? process.execPath;
    const generation = ++this.generation;
    if (this.current !== 'restarting') this.setState({ state: 'starting' });
    const child = fork(this.opts.enginePath, [], {
      execPath: nodePath,
      // Another Node may not know this runtime's flags (exit code 9): it gets none of them.
      ...(nodePath === process.execPath ? {} : { execArgv: [] }),
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
    rpc.onAnyNotification((method, params) => this.dispatch(method, params));
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
      if (generation !== this.generation) {
        child.kill('SIGKILL');
        throw new Superseded();
      }
      // A start that cannot open the database is not a crash to retry: stop it and report why.
      this.child = undefined;
      child.kill('SIGKILL');
      const nativeModule = e instanceof LensError && e.code === ErrorCode.NativeModule;
      if (nativeModule && !this.fallbackTried && this.opts.fallbackNode) {
        this.fallbackTried = true;
        const alt = await this.opts.fallbackNode(nodePath);
        if (alt) {
          this.fallbackNodePath = alt.path;
          this.opts.log.warn(
            `no SQLite driver loads in the engine's runtime (${nodePath}); running the engine on Node ${alt.version} from ${alt.path} instead`,
          );
          return this.start();
        }
      }
      const reason = e instanceof Error ? e.message : String(e);
      this.opts.log.error(`engine start failed: ${reason}`);
      this.setState({ state: 'failed', cause: 'start', reason, nativeModule });
      throw e;
    }
    if (generation !== this.generation) {
      // restart() (or dispose) came while initialize was answering: this engine is not the current one.
      child.kill('SIGKILL');
      throw new Superseded();
    }
    this.rpc = rpc;
    this.startedAt = Date.now();
    this.opts.log.info(
      `engine pid ${info.pid} ready in ${Date.now() - t0} ms (${info.runtime} ${info.node}, ABI ${info.abi}, ${info.driver}, ${info.db})`,
    );
    this.setState({ state: 'running', info });
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
      const reason = `${why}; it crashed ${MAX_CRASHES} times in a row, so it is not restarted automatically`;
      this.setState({ state: 'failed', cause: 'crashes', reason, nativeModule: false });
      return;
    }
    const delay = Math.min(30_000, 500 * 2 ** (this.crashes - 1));
    this.opts.log.info(`restarting the engine in ${delay} ms`);
    this.setState({ state: 'restarting' });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.ensureStarted().catch((e: unknown) =>
        this.opts.log.error(`engine restart failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, delay);
  }
}
