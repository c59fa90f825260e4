// The webview panels' entry point: one PanelRegistry per view (each restores its open panels after a
// reload from their UI-state checkpoints), the host-only sources the views use (the dashboard's GPU
// history, the re-score comparison loader), and the functions the commands and the engine events call.
import * as vscode from 'vscode';
import type { GroupRef } from '../../shared/explorer';
import type { RunStatus } from '../../shared/runs';
import type { ClustersKey } from '../../shared/protocol/webviews/clusters';
import type { TimelineKey } from '../../shared/protocol/webviews/timeline';
import type { EngineClient } from '../engineClient';
import { clustersPanels } from './clustersPanel';
import { dashboardPanels } from './dashboardPanel';
import { groupPanels } from './groupPanel';
import { RESCORE_DIFF_SCHEME, RescoreDiffDocuments, loadComparison, rescorePanels } from './rescorePanel';
import { GpuHistory } from './gpuHistory';
import { openTimelineOfGroup, timelinePanels } from './timelinePanel';

export interface WebviewDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  /** The dashboard's brushed step range: filter the run explorer to it. */
  onFilterSteps?: (run: string, from: number, to: number) => void;
}

export interface WebviewsApi {
  openGroup(ref: GroupRef, flagged?: number[]): Promise<void>;
  openDashboard(run: string): Promise<void>;
  openRescore(setId: string, data?: unknown): Promise<void>;
  /** One prompt's timeline in a run (and split). */
  openTimeline(key: TimelineKey): void;
  /** A run's failure clusters for a clustering (steps, selection, seed, k). */
  openClusters(key: ClustersKey): void;
  /** New data for a run (or all runs): open views of it reload, coalesced; hidden ones when shown. */
  refresh(run?: string): void;
  /** A run's status changed: kept for the dashboard's GPU history, and its views reload. */
  runStatus(s: RunStatus): void;
}

export function registerWebviews(context: vscode.ExtensionContext, deps: WebviewDeps): WebviewsApi {
  const base = { engine: deps.engine, log: deps.log, extensionUri: context.extensionUri };
  // The group view and the timeline open each other: a group its prompt's timeline, a timeline point its group.
  // (each closure runs only after both exist).
  const openGroup = async (ref: GroupRef, flagged?: number[]): Promise<void> => {
    const panel = groups.open(ref);
    if (flagged?.length) panel.flag(flagged);
  };
  const groups = groupPanels({ ...base, openTimeline: (ref) => openTimelineOfGroup(timelines, deps.engine, ref) }).register(context);
  const timelines = timelinePanels({ ...base, openGroup }).register(context);
  const gpuHistory = new GpuHistory();
  const dashboards = dashboardPanels({
    ...base,
    openGroup,
    ...(deps.onFilterSteps ? { onFilterSteps: deps.onFilterSteps } : {}),
    gpuHistory,
  }).register(context);
  const clusters = clustersPanels({ ...base, openGroup }).register(context);
  const documents = new RescoreDiffDocuments();
  const rescores = rescorePanels(
    { ...base, loadRescore: (setId, signal) => loadComparison(deps.engine, Number(setId), signal) },
    documents,
  ).register(context);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(RESCORE_DIFF_SCHEME, documents));
  const refresh = (run?: string): void => {
    dashboards.refresh(run);
    groups.refresh(run);
    timelines.refresh(run);
  };
  return {
    openGroup,
    openDashboard: async (run) => void dashboards.open(run),
    openRescore: (setId, data) => rescores.open(setId).setData(data),
    openTimeline: (key) => void timelines.open(key),
    openClusters: (key) => void clusters.open(key),
    refresh,
    runStatus: (s) => {
      gpuHistory.record(s.run, s.gpu);
      refresh(s.run);
    },
  };
}
