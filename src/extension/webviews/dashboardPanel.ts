// Run dashboard panels, one per run: complete snapshots of step statistics, logged metric series
// and, for launched runs, the run supervisor's status, log tail and GPU samples. Live runs refresh on
// the engine's runs/changed, coalesced; a hidden panel is not reloaded until it is visible again.
import * as vscode from 'vscode';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { TokenMethods } from '../../shared/protocol/engineTokens';
import { readConfig } from '../config';
import {
  DASHBOARD_VIEW_TYPE,
  DashboardMessages,
  dashboardCheckpointSchema,
  isComponentMeanKey,
  toStepColumns,
  type DashboardSnapshot,
  type GpuSeriesView,
  type LogTailView,
  type RunStatusView,
} from '../../shared/protocol/webviews/dashboard';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import type { ViewDeps } from './groupPanel';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelLoader } from './snapshotChannel';
import { openSample } from '../commands/sampleCommands';
import type { AlertList } from '../../shared/alerts';

/** What the run supervisor knows about a run; every section is optional. */
export interface RunLiveInfo {
  status?: RunStatusView;
  logTail?: LogTailView;
  gpu?: GpuSeriesView[];
}

export interface DashboardDeps extends ViewDeps {
  openGroup(ref: GroupRef): Promise<void>;
  onFilterSteps?: (run: string, from: number, to: number) => void;
  /** The run supervisor's view of a run (status, log tail, GPUs); undefined for a run it did not launch. */
  runInfo?: (run: string, signal: AbortSignal) => Promise<RunLiveInfo | undefined>;
}

const LIVE_STATES = new Set(['pending', 'starting', 'running', 'stopping']);
/** A run that changed this recently counts as live (it is being ingested). */
const LIVE_WINDOW_MS = 60_000;
const METRIC_KEY_LIMIT = 50;

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
          return p.open === 'group' ? this.deps.openGroup(ref) : openSample({ ...ref, index: p.index });
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
    const { engine } = this.deps;
    try {
      const [rows, keys, info, alerts] = await Promise.all([
        engine.request(EngineMethods.stepStats, { run: this.run }, { signal }),
        engine.request(EngineMethods.metricKeys, { run: this.run }, { signal }),
        this.deps.runInfo ? this.deps.runInfo(this.run, signal).catch((e: unknown) => (this.deps.log.warn(`[webview dashboard] run info: ${errorMessage(e)}`), undefined)) : Promise.resolve(undefined),
        // Alerts are advice: the charts show without them when listing fails.
        engine
          .request(EngineMethods.listAlerts, { run: this.run }, { signal })
          .catch((e: unknown): AlertList | undefined => (this.deps.log.warn(`[webview dashboard] alerts: ${errorMessage(e)}`), undefined)),
      ]);
      const wanted = [...new Set([...keys.filter(isComponentMeanKey), ...this.picked.filter((k) => keys.includes(k))])].slice(0, METRIC_KEY_LIMIT);
      const series = wanted.length > 0 ? await engine.request(EngineMethods.metricSeries, { run: this.run, keys: wanted }, { signal }) : {};
      const epsilon = readConfig().clipEpsilon;
      // An extra chart: the dashboard still opens without it.
      const mismatch = await engine.request(TokenMethods.stepMismatch, { run: this.run, epsilon }, { signal }).catch((e: unknown) => {
        this.deps.log.warn(`[webview dashboard] mismatch of ${this.run}: ${errorMessage(e)}`);
        return [];
      });
      if (signal.aborted) return;
      const val = rows.filter((r) => r.split === 'val');
      const snapshot: DashboardSnapshot = {
        run: this.run,
        train: toStepColumns(rows.filter((r) => r.split === 'train')),
        val: val.length > 0 ? toStepColumns(val) : null,
        metric_keys: keys,
        series,
        picked: this.picked,
        live: (info?.status ? LIVE_STATES.has(info.status.state) : false) || Date.now() - this.lastChange < LIVE_WINDOW_MS,
        ...(info?.status ? { status: info.status } : {}),
        ...(info?.logTail ? { logTail: info.logTail } : {}),
        ...(info?.gpu ? { gpu: info.gpu } : {}),
        ...(alerts ? { alerts: alerts.alerts, alertsDisabled: alerts.disabled.map((d) => `${d.detector}: ${d.error}`) } : {}),
        ...(mismatch.length ? { mismatch, clip_epsilon: epsilon } : {}),
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

export class DashboardPanels implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(private readonly deps: DashboardDeps) {}

  async open(run: string): Promise<void> {
    const existing = this.panels.get(run);
    if (existing) {
      existing.host.reveal();
      return;
    }
    this.panels.set(run, new DashboardPanel(undefined, run, this.deps, () => this.panels.delete(run)));
  }

  refresh(run?: string): void {
    for (const p of this.panels.values()) if (!run || p.run === run) p.refresh();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const c = readCheckpoint(dashboardCheckpointSchema, state);
    if (!c) {
      this.deps.log.warn('[webview dashboard] a saved dashboard had no usable state; closing it');
      panel.dispose();
      return;
    }
    this.panels.get(c.run)?.host.dispose();
    this.panels.set(c.run, new DashboardPanel(panel, c.run, this.deps, () => this.panels.delete(c.run)));
  }
}
