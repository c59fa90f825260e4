// Prompt timeline panels, one per (run, prompt, split): the prompt's groups over the steps of the
// run, optionally beside another run's, from the engine; opening a point's group and diffing the
// best sample of each run at a step go through the host.
import * as vscode from 'vscode';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { ViewMethods } from '../../shared/protocol/views';
import { timelineTitle } from '../../shared/text';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import {
  TIMELINE_VIEW_TYPE,
  TimelineMessages,
  timelineCheckpointSchema,
  type TimelineKey,
  type TimelineSnapshot,
} from '../../shared/protocol/webviews/timeline';
import { diffSamples } from '../commands/sampleCommands';
import type { EngineClient } from '../engineClient';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelRegistry } from './panelRegistry';
import { PanelLoader } from './panelLoading';

export interface TimelineDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  openGroup: (ref: GroupRef) => Promise<void>;
}

const keyOf = (k: TimelineKey): string => JSON.stringify([k.run, k.prompt_id, k.split]);

class TimelinePanel {
  readonly host: PanelHost<typeof TimelineMessages>;
  private readonly loader: PanelLoader;
  private snapshot: TimelineSnapshot | undefined;

  constructor(
    panel: vscode.WebviewPanel | undefined,
    readonly key: TimelineKey,
    private compare: string | null,
    private readonly deps: TimelineDeps,
    onDispose: () => void,
  ) {
    const spec = {
      viewType: TIMELINE_VIEW_TYPE,
      app: 'timeline' as const,
      title: `Prompt ${key.prompt_id.slice(0, 8)} over time · ${key.run}`,
      messages: TimelineMessages,
    };
    const handlers: PanelHandlers<typeof TimelineMessages> = {
      inbound: {
        ready: () => this.loader.ready(this.host.hasSnapshot),
        compare: ({ run }) => {
          this.compare = run;
          this.loader.refresh(true);
        },
        openGroup: (ref) => this.deps.openGroup(ref),
        diffBest: ({ step }) => this.diffBest(step),
      },
      onDispose: () => {
        this.loader.dispose();
        onDispose();
      },
    };
    this.loader = new PanelLoader((signal) => this.load(signal), 2000);
    this.host = PanelHost.open(panel, spec, deps, handlers);
  }

  refresh(): void {
    this.loader.refresh(this.host.visible);
  }

  private async load(signal: AbortSignal): Promise<void> {
    const { run, prompt_id: promptId, split } = this.key;
    try {
      const snapshot = await this.deps.engine.request(ViewMethods.timeline, { run, split, promptId, compare: this.compare }, { signal });
      if (signal.aborted) return;
      this.show(snapshot);
    } catch (e) {
      if (signal.aborted || (e instanceof LensError && e.code === ErrorCode.Cancelled)) return;
      this.deps.log.error(`[webview timeline] loading ${keyOf(this.key)} failed: ${errorMessage(e)}`);
      this.host.postError(`Could not load the timeline of prompt ${promptId} in ${run}: ${errorMessage(e)}`);
    }
  }

  /** Posts a snapshot (also one loaded before the panel existed: the view then does not load again). */
  show(snapshot: TimelineSnapshot): void {
    this.snapshot = snapshot;
    this.host.panel.title = timelineTitle(snapshot.prompt, this.key.run);
    this.host.post(TimelineMessages.snapshot, snapshot);
  }

  /** The best-rewarded sample (lowest index among ties) of the prompt's group at `step`, in each compared run. */
  private async diffBest(step: number): Promise<void> {
    const refs: GroupRef[] = [];
    for (const t of this.snapshot?.timelines ?? []) {
      const p = t.points.find((x) => x.step === step && x.split === this.key.split);
      if (p) refs.push({ run: t.run, split: p.split, step, group: p.group });
    }
    if (refs.length < 2) {
      void vscode.window.showInformationMessage(`Both runs must have asked the prompt at step ${step} to diff their best samples.`);
      return;
    }
    const [a, b] = await Promise.all(
      refs.slice(0, 2).map((r) => this.deps.engine.request(EngineMethods.listSamples, { ...r, sort: 'reward', descending: true })),
    );
    if (!a?.[0] || !b?.[0]) return;
    await diffSamples({ ...refs[0]!, index: a[0].index }, { ...refs[1]!, index: b[0].index }, `Best samples at step ${step}`);
  }
}

/** The prompt timeline as a panel kind: one panel per (run, prompt, split); a restored one keeps its compared run. */
export function timelinePanels(deps: TimelineDeps): PanelRegistry<TimelineKey, TimelinePanel, string | null> {
  return new PanelRegistry<TimelineKey, TimelinePanel, string | null>(
    {
      viewType: TIMELINE_VIEW_TYPE,
      label: 'timeline',
      id: keyOf,
      run: (key) => key.run,
      restore: (state) => {
        const c = readCheckpoint(timelineCheckpointSchema, state);
        return c ? { key: c.key, saved: c.compare } : undefined;
      },
      create: (panel, key, onDispose, compare) => new TimelinePanel(panel, key, compare ?? null, deps, onDispose),
    },
    deps.log,
  );
}

/** "This prompt over time", from a group: one request finds the group's prompt and its timeline. */
export async function openTimelineOfGroup(
  registry: PanelRegistry<TimelineKey, TimelinePanel, string | null>,
  engine: EngineClient,
  ref: GroupRef,
): Promise<void> {
  const t = await engine.request(ViewMethods.timeline, { run: ref.run, split: ref.split, group: ref });
  const panel = registry.open({ run: ref.run, prompt_id: t.prompt_id, split: ref.split });
  panel.show(t);
}
