// The engine's request dispatch: every method's params are validated with its shared schema before
// any work; each area registers its handlers (src/engine/handlers/*). Areas that keep state per open
// database register a StoreLifecycle: told when a database opened, and awaited before it closes.
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
import { registerExplorerHandlers } from './handlers/explorer';
import { registerIngestHandlers } from './handlers/ingest';
import { registerRescoreHandlers } from './handlers/rescore';
import { registerRunHandlers } from './handlers/runs';
import { RescoreStore } from '../core/store/rescoreStore';

export const ENGINE_VERSION = '0.1.0';

/** State that lives as long as one open database (e.g. the run supervisor). */
export interface StoreLifecycle {
  /** The database is open; start what must run at once (reattaching runs). */
  opened(store: Store): void;
  /** The database is about to close (another one opens, or the engine stops): finish with it. */
  closing(): Promise<void>;
}

export class EngineServer {
  private store: Store | undefined;
  settings: EngineSettings = { trusted: false };
  private matcher: ReflectionMatcher = reflectionMatcher();
  private readonly lifecycles: StoreLifecycle[] = [];

  constructor(private readonly rpc: RpcEndpoint) {
    this.on(EngineMethods.initialize, async (p) => {
      if (p.settings) this.configure(p.settings);
      return this.initialize(p.db);
    });
    this.on(EngineMethods.ping, () => this.info());
    this.on(EngineMethods.configure, (p) => {
      this.configure(p);
      return this.info();
    });
    registerIngestHandlers(this);
    registerExplorerHandlers(this);
    registerRescoreHandlers(this);
    registerRunHandlers(this);
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
    this.settings = next;
  }

  private async initialize(db: string): Promise<EngineInfo> {
    // The first open has nothing to close, and opens before the next message is handled.
    if (this.store) await this.closeStore();
    this.store = Store.open(db);
    // A set left "running" belonged to an engine that died: say so (re-running it resumes).
    const interrupted = new RescoreStore(this.store.db).markInterrupted();
    this.log('info', `database ${db} opened${interrupted ? `; ${interrupted} interrupted re-score set(s) marked incomplete` : ''}`);
    // Runs an earlier engine left going are followed again at once (reattach), not on first request.
    for (const l of this.lifecycles) l.opened(this.store);
    return this.info();
  }

  private info(): EngineInfo {
    const rt = currentRuntime();
    const sqlite = this.store
      ? (this.store.db.prepare('SELECT sqlite_version()').pluck().get() as string)
      : 'not opened';
    return { pid: process.pid, version: ENGINE_VERSION, sqlite, db: this.store?.file ?? '', runtime: rt.runtime, abi: rt.abi };
  }
}
