// A run's log as a read-only document (`rollout-lens-log:/<run>/<run>.log`) that follows the file:
// the last MiB, refreshed at most once a second while the run reports progress.
import * as vscode from 'vscode';
import { RunMethods } from '../../shared/protocol/runs';
import type { EngineClient } from '../engineClient';

export const LOG_SCHEME = 'rollout-lens-log';
const TAIL_BYTES = 1 << 20;

export class RunLogs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly engine: EngineClient) {}

  dispose(): void {
    this.changed.dispose();
    this.pending.forEach((t) => clearTimeout(t));
  }

  uriFor(run: string): vscode.Uri {
    return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${run}/${run}.log` });
  }

  async show(run: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uriFor(run));
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Called on run status notifications: refresh an open log, coalesced to one read per second. */
  touched(run: string): void {
    const uri = this.uriFor(run);
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    if (this.pending.has(run)) return;
    this.pending.set(
      run,
      setTimeout(() => {
        this.pending.delete(run);
        this.changed.fire(uri);
      }, 1000),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const run = uri.path.split('/')[1] ?? '';
    try {
      const head = await this.engine.request(RunMethods.log, { run, offset: 0, limit: 1 });
      const from = Math.max(0, head.size - TAIL_BYTES);
      const page = await this.engine.request(RunMethods.log, { run, offset: from, limit: TAIL_BYTES });
      const note = from > 0 ? `[… ${(from / 1e6).toFixed(1)} MB earlier in ${page.path}]\n` : '';
      return note + page.text;
    } catch (e) {
      return `Could not read the log of ${run}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
