// The webview's side of the one envelope (src/shared/protocol/webviews/ipc.ts): typed notifications
// and requests to the host, handlers for the host's notifications, the ready handshake, and the
// versioned UI-state checkpoint kept with vscode.setState.
import {
  ReadyNotification,
  isIpcMessage,
  type InboundNotification,
  type InboundRequest,
  type IpcNotification,
  type IpcRequest,
  type OutboundNotification,
} from '../../src/shared/protocol/webviews/ipc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 60_000;

export class HostConnection {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private readonly handlers = new Map<string, (params: unknown) => void>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.receive(e.data));
  }

  on<P>(d: OutboundNotification<P>, handler: (params: P) => void): void {
    this.handlers.set(d.method, handler as (params: unknown) => void);
  }

  notify<P>(d: InboundNotification<P>, params: P): void {
    const m: IpcNotification = { kind: 'notify', method: d.method, params };
    this.api.postMessage(m);
  }

  request<P, R>(d: InboundRequest<P, R>, params: P): Promise<R> {
    const id = this.nextId++;
    const m: IpcRequest = { kind: 'request', id, method: d.method, params };
    return new Promise<R>((resolve, reject) => {
      // Every wait is bounded: a host that never answers must not leave the view spinning forever.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${d.method}: no answer from the host within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage(m);
    });
  }

  /** Tells the host the view is listening; it answers with a complete snapshot. */
  ready(checkpoint: unknown): void {
    this.notify(ReadyNotification, checkpoint === undefined ? {} : { checkpoint });
  }

  /** The checkpoint VS Code kept for this panel (restored across reloads), unvalidated. */
  savedState(): unknown {
    return this.api.getState();
  }

  saveState<C extends { v: number }>(checkpoint: C): void {
    this.api.setState(checkpoint);
  }

  private receive(raw: unknown): void {
    if (!isIpcMessage(raw)) return;
    if (raw.kind === 'notify') {
      this.handlers.get(raw.method)?.(raw.params);
      return;
    }
    if (raw.kind !== 'response') return;
    const p = this.pending.get(raw.id);
    if (!p) return;
    this.pending.delete(raw.id);
    clearTimeout(p.timer);
    if (raw.ok) p.resolve(raw.result);
    else p.reject(new Error(raw.error));
  }
}
