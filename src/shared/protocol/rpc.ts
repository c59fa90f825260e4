// A small JSON-RPC 2.0 endpoint over any message transport (IPC, in-memory pair, postMessage):
// requests with cancellation ($/cancelRequest) and progress ($/progress), notifications, and errors
// that carry a stable code. Pure TypeScript: used by the engine, the extension host and tests.
// `$/` names are this file's plumbing only (as in LSP); application notifications are descriptors.
import { ErrorCode, LensError } from '../errors';
import type { ProgressInfo } from '../rollout';

export interface RpcRequest {
  jsonrpc: '2.0';
  id: number;
  method: string;
  params?: unknown;
}
export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
}
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: { code: ErrorCode; details?: Record<string, unknown> };
}
export interface RpcResponse {
  jsonrpc: '2.0';
  id: number;
  result?: unknown;
  error?: RpcErrorObject;
}
export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

export interface Transport {
  send(message: RpcMessage): void;
  onMessage(handler: (message: unknown) => void): void;
}

export interface HandlerContext {
  signal: AbortSignal;
  progress: (p: ProgressInfo) => void;
}
export type Handler = (params: unknown, ctx: HandlerContext) => unknown;

/** An application notification: its method name, typed by its params (a phantom, like a result type). */
export interface NotificationDescriptor<P> {
  readonly name: string;
  /** Phantom: carries the params type only. */
  readonly params?: P;
}

export function notification<P>(name: string): NotificationDescriptor<P> {
  if (name.startsWith('$/')) throw new Error(`${name}: "$/" names are reserved for protocol plumbing`);
  return { name };
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
  timeoutMs?: number;
}

const JSONRPC_INTERNAL = -32603;
const JSONRPC_METHOD_NOT_FOUND = -32601;
const JSONRPC_INVALID = -32600;
const JSONRPC_CANCELLED = -32800;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the envelope only; params are validated by each method's schema. */
export function classify(m: unknown): RpcMessage | string {
  if (!isObject(m) || m['jsonrpc'] !== '2.0') return 'not a JSON-RPC 2.0 message';
  const hasId = typeof m['id'] === 'number' && Number.isInteger(m['id']);
  if (typeof m['method'] === 'string') return m as unknown as RpcRequest | RpcNotification;
  if (hasId && ('result' in m || isObject(m['error']))) return m as unknown as RpcResponse;
  return 'a JSON-RPC message needs a method, or an id with a result or error';
}

export function toRpcError(e: unknown): RpcErrorObject {
  if (e instanceof LensError) {
    const num =
      e.code === ErrorCode.Cancelled
        ? JSONRPC_CANCELLED
        : e.code === ErrorCode.MethodNotFound
          ? JSONRPC_METHOD_NOT_FOUND
          : JSONRPC_INTERNAL;
    return { code: num, message: e.message, data: { code: e.code, ...(e.details ? { details: e.details } : {}) } };
  }
  return { code: JSONRPC_INTERNAL, message: e instanceof Error ? e.message : String(e), data: { code: ErrorCode.Internal } };
}

export function fromRpcError(err: RpcErrorObject): LensError {
  return new LensError(err.data?.code ?? ErrorCode.Internal, err.message, err.data?.details);
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress: ((p: ProgressInfo) => void) | undefined;
  cleanup: () => void;
}

export class RpcEndpoint {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<number, AbortController>();
  private readonly handlers = new Map<string, Handler>();
  private readonly notificationHandlers = new Map<string, (params: unknown) => void>();
  private anyNotification: ((method: string, params: unknown) => void) | undefined;
  private closed: LensError | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly onProtocolError: (message: string) => void = () => undefined,
  ) {
    transport.onMessage((m) => this.receive(m));
  }

  handle(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** One handler per notification; the sender is trusted to send the descriptor's params type. */
  onNotification<P>(n: NotificationDescriptor<P>, handler: (params: P) => void): void {
    this.notificationHandlers.set(n.name, handler as (params: unknown) => void);
  }

  /** Receives every application notification that has no handler of its own (a dispatcher's entry). */
  onAnyNotification(handler: (method: string, params: unknown) => void): void {
    this.anyNotification = handler;
  }

  notify<P>(n: NotificationDescriptor<P>, params: P): void {
    this.send(n.name, params);
  }

  private send(method: string, params: unknown): void {
    if (this.closed) return;
    this.transport.send({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });
  }

  request(method: string, params: unknown, opts: RequestOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.send('$/cancelRequest', { id });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = (): void => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        this.pending.delete(id);
      };
      this.pending.set(id, { resolve, reject, onProgress: opts.onProgress, cleanup });
      if (opts.signal?.aborted) onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          onAbort();
          cleanup();
          reject(new LensError(ErrorCode.Internal, `${method}: no answer within ${opts.timeoutMs} ms`));
        }, opts.timeoutMs);
      }
      this.transport.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Fails every request in flight (the other side went away) and refuses new ones. */
  close(reason: LensError): void {
    this.closed = reason;
    for (const p of [...this.pending.values()]) {
      p.cleanup();
      p.reject(reason);
    }
    for (const c of this.running.values()) c.abort();
  }

  private receive(raw: unknown): void {
    const m = classify(raw);
    if (typeof m === 'string') {
      this.onProtocolError(m);
      const id = isObject(raw) && typeof raw['id'] === 'number' ? raw['id'] : null;
      if (id !== null) this.transport.send({ jsonrpc: '2.0', id, error: { code: JSONRPC_INVALID, message: m } });
      return;
    }
    if ('method' in m) {
      if ('id' in m && typeof (m as RpcRequest).id === 'number') void this.serve(m as RpcRequest);
      else this.dispatchNotification(m);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    p.cleanup();
    if (m.error) p.reject(fromRpcError(m.error));
    else p.resolve(m.result);
  }

  private dispatchNotification(n: RpcNotification): void {
    if (n.method === '$/cancelRequest') {
      const id = isObject(n.params) ? n.params['id'] : undefined;
      if (typeof id === 'number') this.running.get(id)?.abort();
      return;
    }
    if (n.method === '$/progress') {
      const params = n.params;
      if (isObject(params) && typeof params['id'] === 'number' && isObject(params['value'])) {
        this.pending.get(params['id'])?.onProgress?.(params['value'] as unknown as ProgressInfo);
      }
      return;
    }
    const handler = this.notificationHandlers.get(n.method);
    if (handler) handler(n.params);
    else this.anyNotification?.(n.method, n.params);
  }

  private async serve(req: RpcRequest): Promise<void> {
    const handler = this.handlers.get(req.method);
    if (!handler) {
      this.transport.send({
        jsonrpc: '2.0',
        id: req.id,
        error: toRpcError(new LensError(ErrorCode.MethodNotFound, `unknown method ${JSON.stringify(req.method)}`)),
      });
      return;
    }
    const controller = new AbortController();
    this.running.set(req.id, controller);
    try {
      const result = await handler(req.params, {
        signal: controller.signal,
        progress: (value) => this.send('$/progress', { id: req.id, value }),
      });
      this.transport.send({ jsonrpc: '2.0', id: req.id, result: result === undefined ? null : result });
    } catch (e) {
      this.transport.send({ jsonrpc: '2.0', id: req.id, error: toRpcError(e) });
    } finally {
      this.running.delete(req.id);
    }
  }
}
