// What an engine area's handlers may use (the server implements it), and how an area declares its
// handlers: one per method of a method table, each typed by that method, checked by the compiler.
import type { ReflectionMatcher } from '../core/analysis/reflection';
import type { Store } from '../core/store/store';
import type { TextTokenizer } from '../core/tokenize/tokenizerFile';
import type { EngineSettings, LogParams } from '../shared/protocol/engine';
import type { MethodDescriptor } from '../shared/protocol/methods';
import type { HandlerContext, NotificationDescriptor } from '../shared/protocol/rpc';

/** State that lives as long as one open database (e.g. the run supervisor). */
export interface StoreLifecycle {
  /** The database is open; start what must run at once (reattaching runs). */
  opened(store: Store): void;
  /** The database is about to close (another one opens, or the engine stops): finish with it. */
  closing(): Promise<void>;
}

export interface EngineContext {
  /** The open database; an error before initialize. */
  requireStore(): Store;
  readonly settings: EngineSettings;
  /** The reflection keywords configured now, compiled once. */
  readonly reflection: ReflectionMatcher;
  /** The configured tokenizer.json, loaded once per path; undefined when none is set. */
  tokenizer(): TextTokenizer | undefined;
  log(level: LogParams['level'], message: string): void;
  notify<P>(n: NotificationDescriptor<P>, params: P): void;
  onStore(l: StoreLifecycle): void;
}

export type MethodHandler<M> = M extends MethodDescriptor<infer P, infer R> ? (params: P, ctx: HandlerContext) => R | Promise<R> : never;

/** Exactly one handler per method of a method table (e.g. EngineMethods). */
export type MethodHandlers<Ms> = { [K in keyof Ms]: MethodHandler<Ms[K]> };

/**
 * Handlers for some of a table's methods, each typed by its method: an area writes
 * `handlersOf(EngineMethods)({ listRuns: () => …, … })`. The server joins the areas into a
 * MethodHandlers, so a method without a handler does not compile.
 */
export function handlersOf<Ms>(
  methods: Ms,
): <K extends keyof Ms>(h: { [k in K]: MethodHandler<Ms[k]> }) => { [k in K]: MethodHandler<Ms[k]> } {
  void methods;
  return (h) => h;
}
