// Run dashboard panels, one per run: complete snapshots of step statistics, logged metric series
// and, for launched runs, the run supervisor's status, log tail and GPU samples. Live runs refresh on
// the engine's runs/changed, coalesced; a hidden panel is not reloaded until it is visible again.
import * as vscode from 'vscode';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { ViewMethods } from '../../shared/protocol/views';
import { readConfig } from '../config';
import {
  DASHBOARD_VIEW_TYPE,
  DashboardMessages,
  dashboardCheckpointSchema,
  type DashboardSnapshot,
} from '../../shared/protocol/webviews/dashboard';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import type { ViewDeps } from './groupPanel';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelRegistry } from './panelRegistry';
import { PanelLoader } from './panelLoading';
import { openSample } from '../commands/sampleCommands';
import type { GpuHistory } from './gpuHistory';

export interface DashboardDeps extends ViewDeps {
  /** Opens a group's view; `flagged` samples (an alert's) are marked there. */
  openGroup(ref: GroupRef, flagged?: number[]): Promise<void>;
  onFilterSteps?: (run: string, from: number, to: number) => void;
  /** Launched runs' GPU readings, kept from status notifications and loads. */
  gpuHistory: GpuHistory;
}

const LIVE_STATES = new Set(['pending', 'starting', 'running', 'stopping']);
/** A run that changed this recently counts as live (it is being ingested). */
const LIVE_WINDOW_MS = 60_000;

class DashboardPanel {
  private picked: string[] = [];
  private readonly loader: PanelLoader;
  /** When the run's data last changed (ms): a run that changed within LIVE_WINDOW_MS shows as live. */
  private lastChange = 0;
  readonly host: PanelHost<typeof DashboardMessages>;

  constructor(
    panel: vscode.WebviewPanel | undefined,
    readonly run: string,
    private readonly deps: DashboardDeps,
    onDispose: () => void,
  ) {
    const spec = { viewType: DASHBOARD_VIEW_TYPE, app: 'dashboard' as const, title: `Dashboard: ${run}`, messages: DashboardMessages };
    this.loader = new PanelLoader((signal) => this.load(signal), 500);
    const handlers: PanelHandlers<typeof DashboardMessages> = {
      inbound: {
        ready: ({ checkpoint }) => {
          const c = readCheckpoint(dashboardCheckpointSchema, checkpoint);
          if (c && c.run === run) this.picked = c.picked;
          // The kept snapshot (if any) was re-posted by the channel; load a fresh one only when needed.
          this.loader.ready(this.host.hasSnapshot);
        },
        pickMetrics: ({ keys }) => {
          this.picked = keys;
          this.loader.request(true);
        },
        filterSteps: ({ from, to }) => {
          if (this.deps.onFilterSteps) this.deps.onFilterSteps(this.run, from, to);
          else this.deps.log.info(`[webview dashboard] step range ${from}–${to} picked, but no explorer filter is wired`);
        },
        openStepGroup: (p) => this.openStepGroup(p),
        openAlertSample: (p) => {
          const ref = { run: this.run, split: p.split, step: p.step, group: p.group };
          return p.open === 'group' ? this.deps.openGroup(ref, p.flagged) : openSample({ ...ref, index: p.index });
        },
      },
      onDispose: () => {
        this.loader.dispose();
        onDispose();
      },
    };
    this.host = PanelHost.open(panel, spec, deps, handlers);
  }

  refresh(): void {
    this.lastChange = Date.now();
    this.loader.refresh(this.host.visible);
  }

  private async load(signal: AbortSignal): Promise<void> {
    try {
      const epsilon = readConfig().clipEpsilon;
      const { gpu_reading: reading, ...view } = await this.deps.engine.request(
        ViewMethods.dashboard,
        { run: this.run, picked: this.picked, epsilon },
        { signal },
      );
      if (signal.aborted) return;
      this.deps.gpuHistory.record(this.run, reading ?? null);
      const gpu = this.deps.gpuHistory.series(this.run);
      const snapshot: DashboardSnapshot = {
        ...view,
        live: (view.status ? LIVE_STATES.has(view.status.state) : false) || Date.now() - this.lastChange < LIVE_WINDOW_MS,
        ...(gpu.length ? { gpu } : {}),
      };
      this.host.post(DashboardMessages.snapshot, snapshot);
    } catch (e) {
      if (signal.aborted || (e instanceof LensError && e.code === ErrorCode.Cancelled)) return;
      this.deps.log.error(`[webview dashboard] loading ${this.run} failed: ${errorMessage(e)}`);
      this.host.postError(`Could not load run ${this.run}: ${errorMessage(e)}`);
    }
  }

  private async openStepGroup(p: { step: number; split: 'train' | 'val'; which: 'worst' | 'best' }): Promise<void> {
    const page = await this.deps.engine.request(EngineMethods.listGroups, {
      run: this.run,
      split: p.split,
      step: p.step,
      offset: 0,
      limit: 1,
      sort: 'reward',
      descending: p.which === 'best',
    });
    const g = page.rows[0];
    if (!g) {
      void vscode.window.showInformationMessage(`Step ${p.step} of ${this.run} has no groups.`);
      return;
    }
    await this.deps.openGroup({ run: this.run, split: p.split, step: p.step, group: g.group });
  }
}

/** The dashboard as a panel kind: one panel per run. */
export function dashboardPanels(deps: DashboardDeps): PanelRegistry<string, DashboardPanel> {
  return new PanelRegistry(
    {
      viewType: DASHBOARD_VIEW_TYPE,
      label: 'dashboard',
      id: (run) => run,
      run: (run) => run,
      restore: (state) => {
        const c = readCheckpoint(dashboardCheckpointSchema, state);
        return c ? { key: c.run, saved: undefined } : undefined;
      },
      create: (panel, run, onDispose) => new DashboardPanel(panel, run, deps, onDispose),
    },
    deps.log,
  );
}
