// The webview panels' entry point: registers one serializer per view (so VS Code restores open
// panels after a reload from their UI-state checkpoints) and returns the functions the commands call.
import * as vscode from 'vscode';
import type { GroupRef } from '../../shared/explorer';
import { DASHBOARD_VIEW_TYPE } from '../../shared/protocol/webviews/dashboard';
import { GROUP_VIEW_TYPE } from '../../shared/protocol/webviews/group';
import { RESCORE_VIEW_TYPE } from '../../shared/protocol/webviews/rescore';
import { TIMELINE_VIEW_TYPE, type TimelineKey } from '../../shared/protocol/webviews/timeline';
import type { EngineClient } from '../engineClient';
import { DashboardPanels, type RunLiveInfo } from './dashboardPanel';
import { GroupPanels } from './groupPanel';
import { RESCORE_DIFF_SCHEME, RescoreDiffDocuments, RescorePanels } from './rescorePanel';
import { TimelinePanels } from './timelinePanel';

export interface WebviewDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  /** The dashboard's brushed step range: filter the run explorer to it. */
  onFilterSteps?: (run: string, from: number, to: number) => void;
  /** The run supervisor's status, log tail and GPU samples for a run (optional sections). */
  runInfo?: (run: string, signal: AbortSignal) => Promise<RunLiveInfo | undefined>;
  /** Loads a re-score set's comparison when a panel is opened or restored without data. */
  loadRescore?: (setId: string, signal: AbortSignal) => Promise<unknown>;
}

export interface WebviewsApi {
  openGroup(ref: GroupRef): Promise<void>;
  openDashboard(run: string): Promise<void>;
  openRescore(setId: string, data?: unknown): Promise<void>;
  /** One prompt's timeline in a run (and split). */
  openTimeline(key: TimelineKey): void;
  /** New data for a run (or all runs): open views of it reload, coalesced; hidden ones when shown. */
  refresh(run?: string): void;
}

export function registerWebviews(context: vscode.ExtensionContext, deps: WebviewDeps): WebviewsApi {
  const base = { engine: deps.engine, log: deps.log, extensionUri: context.extensionUri };
  // The two views open each other: a group its prompt's timeline, a timeline point its group.
  // (each closure runs only after both exist).
  const groups: GroupPanels = new GroupPanels({ ...base, openTimeline: (ref) => timelines.openFromGroup(ref) });
  const timelines: TimelinePanels = new TimelinePanels({ ...base, openGroup: (ref) => groups.open(ref) });
  const dashboards = new DashboardPanels({
    ...base,
    openGroup: (ref) => groups.open(ref),
    ...(deps.onFilterSteps ? { onFilterSteps: deps.onFilterSteps } : {}),
    ...(deps.runInfo ? { runInfo: deps.runInfo } : {}),
  });
  const documents = new RescoreDiffDocuments();
  const rescores = new RescorePanels({ ...base, ...(deps.loadRescore ? { loadRescore: deps.loadRescore } : {}) }, documents);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(GROUP_VIEW_TYPE, groups),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, dashboards),
    vscode.window.registerWebviewPanelSerializer(RESCORE_VIEW_TYPE, rescores),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, timelines),
    vscode.workspace.registerTextDocumentContentProvider(RESCORE_DIFF_SCHEME, documents),
  );
  return {
    openGroup: (ref) => groups.open(ref),
    openDashboard: (run) => dashboards.open(run),
    openRescore: (setId, data) => rescores.open(setId, data),
    openTimeline: (key) => timelines.open(key),
    refresh: (run) => {
      dashboards.refresh(run);
      groups.refresh(run);
      timelines.refresh(run);
    },
  };
}
