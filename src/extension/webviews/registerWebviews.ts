// The webview panels' entry point: registers one serializer per view (so VS Code restores open
// panels after a reload from their UI-state checkpoints), owns the data sources only the views use
// (the live run info of the dashboard, the re-score comparison loader), and returns the functions
// the commands and the engine events call.
import * as vscode from 'vscode';
import type { GroupRef } from '../../shared/explorer';
import type { RunStatus } from '../../shared/runs';
import { DASHBOARD_VIEW_TYPE } from '../../shared/protocol/webviews/dashboard';
import { GROUP_VIEW_TYPE } from '../../shared/protocol/webviews/group';
import { RESCORE_VIEW_TYPE } from '../../shared/protocol/webviews/rescore';
import { TIMELINE_VIEW_TYPE, type TimelineKey } from '../../shared/protocol/webviews/timeline';
import type { EngineClient } from '../engineClient';
import { DashboardPanels } from './dashboardPanel';
import { GroupPanels } from './groupPanel';
import { RESCORE_DIFF_SCHEME, RescoreDiffDocuments, RescorePanels, loadComparison } from './rescorePanel';
import { GpuHistory } from './gpuHistory';
import { TimelinePanels } from './timelinePanel';

export interface WebviewDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  /** The dashboard's brushed step range: filter the run explorer to it. */
  onFilterSteps?: (run: string, from: number, to: number) => void;
}

export interface WebviewsApi {
  openGroup(ref: GroupRef): Promise<void>;
  openDashboard(run: string): Promise<void>;
  openRescore(setId: string, data?: unknown): Promise<void>;
  /** One prompt's timeline in a run (and split). */
  openTimeline(key: TimelineKey): void;
  /** New data for a run (or all runs): open views of it reload, coalesced; hidden ones when shown. */
  refresh(run?: string): void;
  /** A run's status changed: kept for the dashboard's GPU history, and its views reload. */
  runStatus(s: RunStatus): void;
}

export function registerWebviews(context: vscode.ExtensionContext, deps: WebviewDeps): WebviewsApi {
  const base = { engine: deps.engine, log: deps.log, extensionUri: context.extensionUri };
  // The two views open each other: a group its prompt's timeline, a timeline point its group.
  // (each closure runs only after both exist).
  const groups: GroupPanels = new GroupPanels({ ...base, openTimeline: (ref) => timelines.openFromGroup(ref) });
  const timelines: TimelinePanels = new TimelinePanels({ ...base, openGroup: (ref) => groups.open(ref) });
  const gpuHistory = new GpuHistory();
  const dashboards = new DashboardPanels({
    ...base,
    openGroup: (ref) => groups.open(ref),
    ...(deps.onFilterSteps ? { onFilterSteps: deps.onFilterSteps } : {}),
    gpuHistory,
  });
  const documents = new RescoreDiffDocuments();
  const rescores = new RescorePanels(
    { ...base, loadRescore: (setId, signal) => loadComparison(deps.engine, Number(setId), signal) },
    documents,
  );
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(GROUP_VIEW_TYPE, groups),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, dashboards),
    vscode.window.registerWebviewPanelSerializer(RESCORE_VIEW_TYPE, rescores),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, timelines),
    vscode.workspace.registerTextDocumentContentProvider(RESCORE_DIFF_SCHEME, documents),
  );
  const refresh = (run?: string): void => {
    dashboards.refresh(run);
    groups.refresh(run);
    timelines.refresh(run);
  };
  return {
    openGroup: (ref) => groups.open(ref),
    openDashboard: (run) => dashboards.open(run),
    openRescore: (setId, data) => rescores.open(setId, data),
    openTimeline: (key) => timelines.open(key),
    refresh,
    runStatus: (s) => {
      gpuHistory.record(s.run, s.gpu);
      refresh(s.run);
    },
  };
}
