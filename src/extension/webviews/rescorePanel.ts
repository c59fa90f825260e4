// Re-score comparison panels, one per re-score set: the comparison is validated against the view's
// DTO before it is shown; each changed sample opens VS Code's diff of logged vs new score and
// rationale, as read-only virtual documents.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import type { SampleDetail, SampleRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import { ViewMethods } from '../../shared/protocol/views';
import {
  RESCORE_VIEW_TYPE,
  RescoreMessages,
  rescoreCheckpointSchema,
  rescoreComparisonSchema,
  sameSample,
  type RescoreComparison,
  type RescoreSampleRow,
} from '../../shared/protocol/webviews/rescore';
import { fmt } from '../../shared/format';
import type { EngineClient } from '../engineClient';
import type { ViewDeps } from './groupPanel';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelRegistry } from './panelRegistry';

export const RESCORE_DIFF_SCHEME = 'rollout-lens-rescore';
const MAX_DIFF_DOCUMENTS = 200;

export interface RescoreDeps extends ViewDeps {
  /** Loads a set's comparison when openRescore is called without data (e.g. a restored panel). */
  loadRescore?: (setId: string, signal: AbortSignal) => Promise<unknown>;
}

/** The two sides of a re-score diff, kept in memory (bounded) and served read-only. */
export class RescoreDiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? 'This comparison is no longer in memory: open it again from the re-score view.';
  }

  put(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RESCORE_DIFF_SCHEME, path });
    this.docs.delete(uri.toString());
    this.docs.set(uri.toString(), text);
    while (this.docs.size > MAX_DIFF_DOCUMENTS) this.docs.delete(this.docs.keys().next().value as string);
    return uri;
  }
}

function rationaleText(r: SampleDetail['rationale']): string {
  if (r === null) return '(none logged)';
  if (typeof r === 'string') return r;
  return Object.entries(r)
    .map(([k, v]) => `### ${k}\n\n${v}`)
    .join('\n\n');
}

/** Parses a comparison, or says in one line why it is not one. */
export function parseComparison(data: unknown): { ok: true; value: RescoreComparison } | { ok: false; error: string } {
  const r = rescoreComparisonSchema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  return { ok: false, error: `not a re-score comparison (${first ? `${first.path.join('.') || '(root)'}: ${first.code}` : 'invalid'})` };
}

/** Loads a set's comparison with the logged rewards, in the shape the comparison view takes (one request). */
export function loadComparison(engine: EngineClient, setId: number, signal?: AbortSignal): Promise<unknown> {
  return engine.request(ViewMethods.rescore, { set: setId }, signal ? { signal } : {});
}

class RescorePanel {
  private comparison: RescoreComparison | null = null;
  private error: string | null = null;
  private readonly abort = new AbortController();
  readonly host: PanelHost<typeof RescoreMessages>;

  constructor(
    panel: vscode.WebviewPanel | undefined,
    readonly setId: string,
    private readonly deps: RescoreDeps,
    private readonly documents: RescoreDiffDocuments,
    onDispose: () => void,
  ) {
    const spec = { viewType: RESCORE_VIEW_TYPE, app: 'rescore' as const, title: `Re-score ${setId}`, messages: RescoreMessages };
    const handlers: PanelHandlers<typeof RescoreMessages> = {
      inbound: {
        ready: () => this.post(),
        openDiff: ({ ref }) => this.onOpenDiff(ref),
      },
      onDispose: () => {
        this.abort.abort();
        onDispose();
      },
    };
    this.host = PanelHost.open(panel, spec, deps, handlers);
  }

  async setData(data: unknown): Promise<void> {
    if (data === undefined && this.deps.loadRescore) {
      try {
        data = await this.deps.loadRescore(this.setId, this.abort.signal);
      } catch (e) {
        this.error = `Could not load re-score set ${this.setId}: ${errorMessage(e)}`;
      }
    }
    if (data === undefined) {
      this.comparison = null;
      this.error ??= `No comparison data for re-score set ${this.setId}: run the comparison again.`;
    } else {
      const parsed = parseComparison(data);
      this.comparison = parsed.ok ? parsed.value : null;
      this.error = parsed.ok ? null : `Re-score set ${this.setId}: ${parsed.error}`;
      if (!parsed.ok) this.deps.log.warn(`[webview rescore] ${this.error}`);
    }
    this.post();
  }

  private post(): void {
    this.host.post(RescoreMessages.snapshot, { set_id: this.setId, comparison: this.comparison, error: this.error });
  }

  private async onOpenDiff(ref: SampleRef): Promise<void> {
    // Only samples of this comparison: the view must not make the host open arbitrary samples.
    const row = this.comparison?.samples.find((s) => sameSample(s.ref, ref));
    if (!row) {
      this.deps.log.warn(`[webview rescore] openDiff for a sample not in set ${this.setId}: dropped`);
      return;
    }
    await this.openDiff(row);
  }

  private async openDiff(row: RescoreSampleRow): Promise<void> {
    const r = row.ref;
    const logged = await this.deps.engine.request(EngineMethods.getSample, r, { signal: this.abort.signal });
    const where = `${r.run} · ${r.split} step ${r.step} · group ${r.group} · sample #${r.index}`;
    const base = `/${encodeURIComponent(this.setId)}/${r.split}-${r.step}-${encodeURIComponent(r.group)}-${r.index}`;
    const left = this.documents.put(
      `${base}/logged.md`,
      `# Logged score: ${fmt(row.before)}\n\n${where}\n\n## Rationale\n\n${rationaleText(logged.rationale)}\n`,
    );
    const right = this.documents.put(
      `${base}/rescored.md`,
      `# New score: ${fmt(row.after)} (Δ ${fmt(row.delta)})${row.flipped ? ', flipped' : ''}\n\n${where}\n\n## Rationale\n\n${row.rationale ?? '(none)'}\n`,
    );
    await vscode.commands.executeCommand('vscode.diff', left, right, `Re-score ${this.setId}: logged ↔ new · step ${r.step} #${r.index}`, {
      preview: true,
    });
  }
}

/** The re-score comparison as a panel kind: one panel per set; a restored one loads its set again. */
export function rescorePanels(deps: RescoreDeps, documents: RescoreDiffDocuments): PanelRegistry<string, RescorePanel> {
  return new PanelRegistry(
    {
      viewType: RESCORE_VIEW_TYPE,
      label: 're-score view',
      id: (setId) => setId,
      // A comparison is a finished set's: it does not follow its run.
      run: () => undefined,
      restore: (state) => {
        const c = readCheckpoint(rescoreCheckpointSchema, state);
        return c ? { key: c.setId, saved: undefined } : undefined;
      },
      create: (panel, setId, onDispose) => {
        const p = new RescorePanel(panel, setId, deps, documents, onDispose);
        if (panel) void p.setData(undefined);
        return p;
      },
    },
    deps.log,
  );
}
