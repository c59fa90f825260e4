// Failure clusters panels, one per clustering (a run and its spec: steps, selection, seed, k): the
// engine clusters once when the panel opens (seconds for 10k responses, cancelled with the panel) and
// again only when asked, so cluster numbers stay put while the user works through them. A cluster is
// taken on from here: exported as training data, shared as HTML, or labelled sample by sample.
import * as vscode from 'vscode';
import { clusterPickOf, type ClusterReport, type FailureCluster } from '../../shared/clusters';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { labelTagProblem } from '../../shared/labels';
import { EngineMethods } from '../../shared/protocol/engine';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import {
  CLUSTERS_VIEW_TYPE,
  ClustersMessages,
  clustersCheckpointSchema,
  type ClustersKey,
  type ClustersSnapshot,
} from '../../shared/protocol/webviews/clusters';
import { namingFromSettings, namingNotice } from '../commands/clusterView';
import { exportDataset } from '../commands/exportDatasetCommand';
import { openSample } from '../commands/sampleCommands';
import { shareReport } from '../commands/shareReport';
import { readConfig } from '../config';
import type { ViewDeps } from './groupPanel';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelRegistry } from './panelRegistry';

export interface ClustersDeps extends ViewDeps {
  openGroup: (ref: GroupRef) => Promise<void>;
}

const keyOf = (k: ClustersKey): string => JSON.stringify([k.run, k.spec]);

class ClustersPanel {
  readonly host: PanelHost<typeof ClustersMessages>;
  private snapshot: ClustersSnapshot;
  private abort = new AbortController();

  constructor(
    panel: vscode.WebviewPanel | undefined,
    readonly key: ClustersKey,
    private readonly deps: ClustersDeps,
    onDispose: () => void,
  ) {
    this.snapshot = { key, report: null, loading: true, error: null, naming_notice: null };
    const handlers: PanelHandlers<typeof ClustersMessages> = {
      inbound: {
        ready: () => this.host.post(ClustersMessages.snapshot, this.snapshot),
        openSample: (ref) => openSample(ref),
        openGroup: ({ index: _index, ...ref }) => this.deps.openGroup(ref),
        recluster: () => this.load(),
        exportCluster: ({ cluster }) => this.withCluster(cluster, (r, c) => this.exportCluster(r, c)),
        shareCluster: ({ cluster }) => this.withCluster(cluster, (r, c) => this.shareCluster(r, c)),
        labelCluster: ({ cluster }) => this.withCluster(cluster, (r, c) => this.labelCluster(r, c)),
      },
      onDispose: () => {
        this.abort.abort();
        onDispose();
      },
    };
    const spec = {
      viewType: CLUSTERS_VIEW_TYPE,
      app: 'clusters' as const,
      title: `Failure clusters · ${key.run}`,
      messages: ClustersMessages,
    };
    this.host = PanelHost.open(panel, spec, deps, handlers);
    void this.load();
  }

  /** Clusters (again): the previous request is cancelled; the view shows that it is working. */
  async load(): Promise<void> {
    this.abort.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.show({ ...this.snapshot, loading: true, error: null });
    const { naming, warning } = namingFromSettings(readConfig());
    if (warning) void vscode.window.showWarningMessage(warning);
    try {
      const report = await this.deps.engine.request(
        EngineMethods.failureClusters,
        { run: this.key.run, ...this.key.spec, ...(naming ? { naming } : {}) },
        { signal: abort.signal },
      );
      if (abort.signal.aborted) return;
      const notice = namingNotice(report);
      this.show({ key: this.key, report, loading: false, error: null, naming_notice: notice?.text ?? null });
    } catch (e) {
      if (abort.signal.aborted || (e instanceof LensError && e.code === ErrorCode.Cancelled)) return;
      this.deps.log.error(`[webview clusters] ${keyOf(this.key)}: ${errorMessage(e)}`);
      this.show({
        key: this.key,
        report: null,
        loading: false,
        error: `Could not cluster ${this.key.run}: ${errorMessage(e)}`,
        naming_notice: null,
      });
    }
  }

  private show(s: ClustersSnapshot): void {
    this.snapshot = s;
    this.host.post(ClustersMessages.snapshot, s);
  }

  /** Only clusters of the report shown: the view must not make the host act on others. */
  private async withCluster(id: number, act: (r: ClusterReport, c: FailureCluster) => Promise<void>): Promise<void> {
    const r = this.snapshot.report;
    const c = r?.clusters.find((x) => x.id === id);
    if (!r || !c) {
      this.deps.log.warn(`[webview clusters] an action on cluster ${id}, which is not shown: dropped`);
      return;
    }
    await act(r, c);
  }

  private exportCluster(r: ClusterReport, c: FailureCluster): Promise<void> {
    const base = { split: r.split, ...(r.from !== null ? { from: r.from } : {}), ...(r.to !== null ? { to: r.to } : {}) };
    return exportDataset(this.deps.engine, r.run, { ...base, cluster: clusterPickOf(r, c) }, `cluster #${c.id} of ${r.run}`);
  }

  private shareCluster(r: ClusterReport, c: FailureCluster): Promise<void> {
    const e = c.examples[0];
    if (!e) return Promise.resolve();
    return shareReport(this.deps, {
      ref: { run: e.run, split: e.split, step: e.step, group: e.group },
      title: `Share cluster #${c.id} of ${r.run} as HTML`,
      fileName: `${r.run}-cluster${c.id}`,
      cluster: clusterPickOf(r, c),
    });
  }

  /** A tag (a known one of the run, or a new one with a note) on every sample of the cluster. */
  private async labelCluster(r: ClusterReport, c: FailureCluster): Promise<void> {
    const engine = this.deps.engine;
    const known = await engine.request(EngineMethods.labelTags, { run: r.run });
    const NEW = 'New tag…';
    const pick = await vscode.window.showQuickPick(
      [{ label: NEW, description: 'type a tag and a note' }, ...known.map((t) => ({ label: t.tag, description: `${t.count} labels` }))],
      { title: `Label the ${c.size} samples of cluster #${c.id} (${c.name})` },
    );
    if (!pick) return;
    let tag = pick.label;
    let note: string | undefined;
    if (tag === NEW) {
      const typed = await vscode.window.showInputBox({
        title: 'New tag',
        prompt: 'A short tag, e.g. reward-hack, bad-gt, truncated-good',
        validateInput: (v) => labelTagProblem(v) ?? null,
      });
      if (!typed) return;
      tag = typed;
      note = await vscode.window.showInputBox({ title: `A note for ${tag} (optional)`, prompt: 'Why these samples carry it' });
      if (note === undefined) return;
    }
    try {
      const done = await engine.request(EngineMethods.labelCluster, {
        run: r.run,
        cluster: clusterPickOf(r, c),
        tag,
        ...(note ? { note } : {}),
      });
      const had = done.already ? ` (${done.already} had it already)` : '';
      void vscode.window.showInformationMessage(`Labelled ${done.added} samples of cluster #${c.id} ${tag}${had}.`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not label cluster #${c.id}: ${errorMessage(e)}`);
    }
  }
}

/** The failure clusters view as a panel kind: one panel per clustering; a restored one clusters again. */
export function clustersPanels(deps: ClustersDeps): PanelRegistry<ClustersKey, ClustersPanel> {
  return new PanelRegistry<ClustersKey, ClustersPanel>(
    {
      viewType: CLUSTERS_VIEW_TYPE,
      label: 'failure clusters view',
      id: keyOf,
      // Cluster numbers must not move under the user while the run grows: it clusters again when asked.
      run: () => undefined,
      restore: (state) => {
        const c = readCheckpoint(clustersCheckpointSchema, state);
        return c ? { key: c.key, saved: undefined } : undefined;
      },
      create: (panel, key, onDispose) => new ClustersPanel(panel, key, deps, onDispose),
    },
    deps.log,
  );
}
