// One registry for every webview panel kind (as GitLens's registerWebviewPanel): at most one panel
// per key, revealed when asked again; panels VS Code restores after a reload are rebuilt from their
// saved state; data changes reach the open panels of a run.
import * as vscode from 'vscode';

/** What the registry needs of a panel. */
export interface RegisteredPanel {
  readonly host: { reveal(): void; dispose(): void };
  /** New data for the panel's run (absent: the panel does not follow its run). */
  refresh?(): void;
}

export interface PanelDescriptor<K, P extends RegisteredPanel, S = undefined> {
  viewType: string;
  /** For the log line when a saved panel cannot be restored ("group view"). */
  label: string;
  /** One string per panel: a second open of the same key reveals the first. */
  id(key: K): string;
  /** The run a panel shows, for refreshes. */
  run(key: K): string | undefined;
  /** A restored panel's key and what else its saved state holds, or undefined when the state is unusable. */
  restore(state: unknown): { key: K; saved: S } | undefined;
  /** Makes a panel: around a panel VS Code restored (with what its state held), or a new one. */
  create(panel: vscode.WebviewPanel | undefined, key: K, onDispose: () => void, saved?: S): P;
}

export class PanelRegistry<K, P extends RegisteredPanel, S = undefined> implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, { key: K; panel: P }>();

  constructor(
    private readonly d: PanelDescriptor<K, P, S>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The open panel for `key`, revealed, or a new one. */
  open(key: K): P {
    const id = this.d.id(key);
    const existing = this.panels.get(id)?.panel;
    if (existing) {
      existing.host.reveal();
      return existing;
    }
    const panel = this.d.create(undefined, key, () => this.panels.delete(id));
    this.panels.set(id, { key, panel });
    return panel;
  }

  refresh(run?: string): void {
    for (const { key, panel } of this.panels.values()) if (!run || this.d.run(key) === run) panel.refresh?.();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const r = this.d.restore(state);
    if (!r) {
      this.log.warn(`[webview ${this.d.label}] a saved ${this.d.label} had no usable state; closing it`);
      panel.dispose();
      return;
    }
    const id = this.d.id(r.key);
    this.panels.get(id)?.panel.host.dispose();
    this.panels.set(id, { key: r.key, panel: this.d.create(panel, r.key, () => this.panels.delete(id), r.saved) });
  }

  /** Registers the serializer; the registry is disposed with the extension. */
  register(context: vscode.ExtensionContext): this {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(this.d.viewType, this));
    return this;
  }
}
