// The engine's request handlers: validate params with the shared schemas, then call core.
import { Ingestor } from '../core/ingest/ingestor';
import { Store } from '../core/store/store';
import { getSample, listGroups, listSamples, listSteps } from '../core/store/explorer';
import { searchText } from '../core/store/fts';
import { currentRuntime } from '../core/store/nativeLoader';
import { ErrorCode, LensError } from '../shared/errors';
import {
  EngineMethods,
  EngineNotifications,
  type EngineInfo,
  type LogParams,
  type MethodDescriptor,
} from '../shared/protocol/engine';
import type { HandlerContext, RpcEndpoint } from '../shared/protocol/rpc';

export const ENGINE_VERSION = '0.1.0';

export class EngineServer {
  private store: Store | undefined;

  constructor(private readonly rpc: RpcEndpoint) {
    this.on(EngineMethods.initialize, (p) => this.initialize(p.db));
    this.on(EngineMethods.ping, () => this.info());
    this.on(EngineMethods.ingest, async (p, ctx) => {
      const store = this.requireStore();
      const ingestor = new Ingestor(store, p.paths, {
        run: p.run,
        ...(p.format ? { format: p.format } : {}),
        ...(p.split ? { split: p.split } : {}),
        signal: ctx.signal,
        onProgress: ctx.progress,
      });
      return p.follow
        ? ingestor.follow({ ...(p.pollMs ? { pollMs: p.pollMs } : {}), onPass: (r) => ctx.progress({ message: `${r.samples_added} samples`, samples: r.samples_added }) })
        : ingestor.ingestOnce();
    });
    this.on(EngineMethods.listRuns, () => this.requireStore().listRuns());
    this.on(EngineMethods.stepStats, (p) => {
      const store = this.requireStore();
      return store.stepStats(store.requireRun(p.run).id, p.step === undefined ? {} : { step: p.step });
    });
    this.on(EngineMethods.listSteps, (p) => listSteps(this.requireStore(), p.run, p.offset, p.limit, p.split));
    this.on(EngineMethods.listGroups, (p) => listGroups(this.requireStore(), p, p));
    this.on(EngineMethods.listSamples, (p) => listSamples(this.requireStore(), p, p));
    this.on(EngineMethods.getSample, (p) => getSample(this.requireStore(), p));
    this.on(EngineMethods.search, (p) => searchText(this.requireStore(), p.query, p));
  }

  log(level: LogParams['level'], message: string): void {
    this.rpc.notify(EngineNotifications.log, { level, message } satisfies LogParams);
  }

  dispose(): void {
    this.store?.close();
    this.store = undefined;
  }

  /** Registers a handler whose params are checked against the method's schema first. */
  private on<P, R>(m: MethodDescriptor<P, R>, fn: (params: P, ctx: HandlerContext) => R | Promise<R>): void {
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

  private initialize(db: string): EngineInfo {
    this.store?.close();
    this.store = Store.open(db);
    this.log('info', `database ${db} opened`);
    return this.info();
  }

  private requireStore(): Store {
    if (!this.store) throw new LensError(ErrorCode.Internal, 'the engine has no database open (initialize first)');
    return this.store;
  }

  private info(): EngineInfo {
    const rt = currentRuntime();
    const sqlite = this.store
      ? (this.store.db.prepare('SELECT sqlite_version()').pluck().get() as string)
      : 'not opened';
    return { pid: process.pid, version: ENGINE_VERSION, sqlite, db: this.store?.file ?? '', runtime: rt.runtime, abi: rt.abi };
  }
}
