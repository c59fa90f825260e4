// The engine's request dispatch: every method's params are validated with its shared schema before
// any work; each area declares its handlers (src/engine/handlers/*: one per method, checked by the
// compiler). Areas that keep state per open database register a StoreLifecycle: told when a
// database opened, and awaited before it closes.
import { reflectionMatcher, type ReflectionMatcher } from '../core/analysis/reflection';
import { loadTokenizer, type TextTokenizer } from '../core/tokenize/tokenizerFile';
import { Store } from '../core/store/store';
import { currentRuntime } from '../core/store/nativeLoader';
import { ErrorCode, LensError, errorMessage } from '../shared/errors';
import {
  EngineMethods,
  EngineNotifications,
  type EngineInfo,
  type EngineSettings,
  type LogParams,
  type MethodDescriptor,
} from '../shared/protocol/engine';
import type { HandlerContext, NotificationDescriptor, RpcEndpoint } from '../shared/protocol/rpc';
import type { EngineContext, MethodHandlers, StoreLifecycle } from './context';
import { explorerHandlers } from './handlers/explorer';
import { ingestHandlers } from './handlers/ingest';
import { rescoreHandlers } from './handlers/rescore';
import { reportHandlers } from './handlers/report';
import { alertHandlers, refreshAlerts } from './handlers/alerts';
import { clusterHandlers } from './handlers/clusters';
import { labelHandlers } from './handlers/labels';
import { runHandlers } from './handlers/runs';
import { promptHandlers, tokenHandlers } from './handlers/tokens';
import { viewHandlers } from './handlers/views';
import { PromptMethods, TokenMethods } from '../shared/protocol/engineTokens';
import { RunMethods } from '../shared/protocol/runs';
import { ViewMethods } from '../shared/protocol/views';
import { RescoreStore } from '../core/store/rescoreStore';

import { LENS_VERSION as ENGINE_VERSION, runtimeLine, runtimeReport } from '../core/runtimeReport';
export { ENGINE_VERSION };

export class EngineServer implements EngineContext {
  private store: Store | undefined;
  settings: EngineSettings = { trusted: false };
  private matcher: ReflectionMatcher = reflectionMatcher();
  private readonly lifecycles: StoreLifecycle[] = [];

  constructor(private readonly rpc: RpcEndpoint) {
    const runs = runHandlers(this);
    // One handler per method of each table: a method left without one does not compile.
    const engine: MethodHandlers<typeof EngineMethods> = {
      initialize: async (p) => {
        if (p.settings) this.configure(p.settings);
        return this.initialize(p.db);
      },
      ping: () => this.info(),
      configure: (p) => {
        this.configure(p);
        return this.info();
      },
      ...ingestHandlers(this),
      ...explorerHandlers(this),
      ...rescoreHandlers(this),
      ...alertHandlers(this),
      ...reportHandlers(this),
      ...clusterHandlers(this),
      ...labelHandlers(this),
    };
    this.serve(EngineMethods, engine);
    this.serve(TokenMethods, tokenHandlers(this));
    this.serve(PromptMethods, promptHandlers(this));
    this.serve(RunMethods, runs.handlers);
    this.serve(ViewMethods, viewHandlers(this, runs.supervisor));
  }

  /**
   * Registers every handler of a method table under its method's name. The one place a handler meets
   * a method by key: `on` checks the params against that same method's schema before calling it.
   */
  private serve<Ms extends Record<string, MethodDescriptor<unknown, unknown>>>(methods: Ms, handlers: MethodHandlers<Ms>): void {
    for (const key of Object.keys(methods)) this.on(methods[key]!, handlers[key] as (p: unknown, ctx: HandlerContext) => unknown);
  }

  log(level: LogParams['level'], message: string): void {
    this.rpc.notify(EngineNotifications.log, { level, message } satisfies LogParams);
  }

  notify<P>(n: NotificationDescriptor<P>, params: P): void {
    this.rpc.notify(n, params);
  }

  onStore(l: StoreLifecycle): void {
    this.lifecycles.push(l);
  }

  /** Lets every area finish with the database (awaited), then closes it. Never throws. */
  async dispose(): Promise<void> {
    await this.closeStore();
  }

  private async closeStore(): Promise<void> {
    for (const l of this.lifecycles) await l.closing().catch((e: unknown) => this.log('warn', `closing the database: ${errorMessage(e)}`));
    this.store?.close();
    this.store = undefined;
  }

  private loadedTokenizer: { path: string; tokenizer: TextTokenizer } | undefined;

  /** The configured tokenizer.json, loaded once per path; undefined when none is set. */
  tokenizer(): TextTokenizer | undefined {
    const p = this.settings.tokenizerPath;
    if (!p) return undefined;
    if (this.loadedTokenizer?.path !== p) this.loadedTokenizer = { path: p, tokenizer: loadTokenizer(p) };
    return this.loadedTokenizer.tokenizer;
  }

  /** The reflection keywords configured now (settings), compiled once. */
  get reflection(): ReflectionMatcher {
    return this.matcher;
  }

  requireStore(): Store {
    if (!this.store) throw new LensError(ErrorCode.Internal, 'the engine has no database open (initialize first)');
    return this.store;
  }

  /** Registers a handler whose params are checked against the method's schema first. */
  on<P, R>(m: MethodDescriptor<P, R>, fn: (params: P, ctx: HandlerContext) => R | Promise<R>): void {
    this.rpc.handle(m.name, (raw, ctx) => {
      const parsed = m.params.safeParse(raw ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'params';
        throw new LensError(ErrorCode.InvalidParams, `${m.name}: ${where}: ${issue?.message ?? 'invalid parameters'}`);
      }
      return fn(parsed.data, ctx);
    });
  }

  private configure(s: Partial<EngineSettings>): void {
    const next = { ...this.settings, ...s };
    // Validate before taking it: an unknown preset must not leave a half-applied configuration.
    const r = next.reflection;
    this.matcher = reflectionMatcher({
      ...(r?.preset ? { preset: r.preset } : {}),
      ...(r?.keywords && r.keywords.length ? { keywords: r.keywords } : {}),
      ...(r?.mode ? { mode: r.mode } : {}),
    });
    const alertsChanged = JSON.stringify(next.alerts) !== JSON.stringify(this.settings.alerts);
    this.settings = next;
    // New thresholds re-judge the stored detector state (no sample is read again), so badges agree.
    if (alertsChanged && this.store) void this.rejudgeAlerts(this.store.listRuns().map((r) => r.run));
  }

  /** One run after another, in the background: configure answers at once, badges follow. */
  private async rejudgeAlerts(runs: readonly string[]): Promise<void> {
    for (const run of runs) {
      await refreshAlerts(this, run);
      this.notify(EngineNotifications.runsChanged, { run });
    }
  }

  private async initialize(db: string): Promise<EngineInfo> {
    // The first open has nothing to close, and opens before the next message is handled.
    if (this.store) await this.closeStore();
    this.store = Store.open(db);
    this.logRuntimeOnce();
    // A set left "running" belonged to an engine that died: say so (re-running it resumes).
    const interrupted = new RescoreStore(this.store.db).markInterrupted();
    this.log('info', `database ${db} opened${interrupted ? `; ${interrupted} interrupted re-score set(s) marked incomplete` : ''}`);
    // Runs an earlier engine left going are followed again at once (reattach), not on first request.
    for (const l of this.lifecycles) l.opened(this.store);
    return this.info();
  }

  private runtimeLogged = false;

  /** Runtime and SQLite driver, once per engine process: the first line to read in a bug report. */
  private logRuntimeOnce(): void {
    if (this.runtimeLogged) return;
    this.runtimeLogged = true;
    const r = runtimeReport();
    for (const note of r.notes) this.log('info', note);
    this.log('info', runtimeLine(r));
  }

  private info(): EngineInfo {
    const rt = currentRuntime();
    const sqlite = this.store ? (this.store.db.prepare('SELECT sqlite_version()').pluck().get() as string) : 'not opened';
    const driver = this.store ? runtimeReport().driver : 'not chosen yet';
    return {
      pid: process.pid,
      version: ENGINE_VERSION,
      sqlite,
      db: this.store?.file ?? '',
      runtime: rt.runtime,
      abi: rt.abi,
      driver,
      node: process.versions.node,
    };
  }
}
