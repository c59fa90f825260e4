// One webview panel's host side, shared by every view: the page (one HTML/CSP builder), the
// webview options (scripts on, local resources from dist/webview only, no retainContextWhenHidden),
// validation of every message the webview sends, the ready handshake and the snapshot channel.
// Messages are dispatched through the surface's typed handler map (one handler per inbound
// descriptor), and the allow-list of methods is derived from that map.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import {
  ErrorNotification,
  InboundRouter,
  ReadyNotification,
  type InboundHandlers,
  type IpcResponse,
  type OutboundNotification,
} from '../../shared/protocol/webviews/ipc';
import { buildWebviewHtml, type WebviewApp } from './html';
import { SnapshotChannel } from './panelLoading';

export interface PanelHandlers<M> {
  /**
   * One handler per inbound message of the surface. `ready` runs once the webview is listening
   * (first load, reload after hidden, restore), after the channel re-posted any kept snapshot.
   */
  inbound: InboundHandlers<M>;
  onDispose(): void;
}

export interface PanelSpec<M> {
  viewType: string;
  app: WebviewApp;
  title: string;
  /** The surface's message table (e.g. GroupMessages). */
  messages: M;
}

export function bundleFolder(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [bundleFolder(extensionUri)], enableFindWidget: true };
}

export class PanelHost<M extends Readonly<Record<string, unknown>>> {
  private readonly channel: SnapshotChannel;
  private readonly router: InboundRouter<M>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly requests = new Set<AbortController>();
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly spec: PanelSpec<M>,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly handlers: PanelHandlers<M>,
  ) {
    this.router = new InboundRouter(spec.messages, handlers.inbound);
    panel.webview.options = webviewOptions(extensionUri);
    const folder = bundleFolder(extensionUri);
    panel.webview.html = buildWebviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(folder, `${spec.app}.js`)).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(folder, `${spec.app}.css`)).toString(),
      title: spec.title,
    });
    this.channel = new SnapshotChannel(
      (m) => panel.webview.postMessage({ kind: 'notify', method: m.method, params: m.params }),
      panel.visible,
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState((e) => this.channel.setVisible(e.webviewPanel.visible)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Hosts `restored` (a panel VS Code brought back after a reload), or a new panel in the active column. */
  static open<M extends Readonly<Record<string, unknown>>>(
    restored: vscode.WebviewPanel | undefined,
    spec: PanelSpec<M>,
    deps: { extensionUri: vscode.Uri; log: vscode.LogOutputChannel },
    handlers: PanelHandlers<M>,
  ): PanelHost<M> {
    const panel =
      restored ??
      vscode.window.createWebviewPanel(
        spec.viewType,
        spec.title,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        webviewOptions(deps.extensionUri),
      );
    return new PanelHost(panel, spec, deps.extensionUri, deps.log, handlers);
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  /** A snapshot is kept (posted or waiting), so a reloaded document can be painted without a reload. */
  get hasSnapshot(): boolean {
    return this.channel.pending !== undefined;
  }

  /** Offers a complete snapshot: posted now if the view is visible and ready, else kept (only the latest). */
  post<P>(d: OutboundNotification<P>, params: P): void {
    if (!this.disposed) this.channel.offer({ method: d.method, params });
  }

  /** The view shows this instead of its content. */
  postError(message: string): void {
    this.post(ErrorNotification, { message });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.requests) c.abort();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.handlers.onDispose();
  }

  private receive(raw: unknown): void {
    const m = this.router.parse(raw);
    if (!m.ok) {
      // Invalid messages never reach the engine: logged and dropped (a request gets an error answer).
      this.log.warn(`[webview ${this.spec.app}] dropped a message: ${m.error}`);
      if (m.id !== undefined) void this.respond({ kind: 'response', id: m.id, ok: false, error: 'invalid request' });
      return;
    }
    if (m.kind === 'notify' && m.method === ReadyNotification.method) this.channel.markReady();
    const controller = new AbortController();
    if (m.kind === 'notify') {
      Promise.resolve()
        .then(() => this.router.dispatch(m, controller.signal))
        .catch((e: unknown) => {
          this.log.error(`[webview ${this.spec.app}] ${m.method} failed: ${errorMessage(e)}`);
          void vscode.window.showErrorMessage(`Rollout Lens: ${errorMessage(e)}`);
        });
      return;
    }
    this.requests.add(controller);
    this.router
      .dispatch(m, controller.signal)
      .then(
        (result) => this.respond({ kind: 'response', id: m.id, ok: true, result }),
        (e: unknown) => {
          this.log.warn(`[webview ${this.spec.app}] ${m.method} failed: ${errorMessage(e)}`);
          return this.respond({ kind: 'response', id: m.id, ok: false, error: errorMessage(e) });
        },
      )
      .finally(() => this.requests.delete(controller));
  }

  private async respond(r: IpcResponse): Promise<void> {
    // Never to a hidden view: its document is gone and nobody would read the answer.
    if (!this.disposed && this.panel.visible) await this.panel.webview.postMessage(r);
  }
}
