// Group view panels, one per group: load a complete snapshot (samples with their components, the
// prefix tree) from the engine, answer sample requests, and carry out the view's actions.
import * as vscode from 'vscode';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { GroupRef, SampleDetail, SampleRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { TokenMethods } from '../../shared/protocol/engineTokens';
import { ViewMethods } from '../../shared/protocol/views';
import { GROUP_VIEW_TYPE, GroupMessages, groupCheckpointSchema, type GroupSnapshot } from '../../shared/protocol/webviews/group';
import { readCheckpoint } from '../../shared/protocol/webviews/ipc';
import { shareReport } from '../commands/shareReport';
import { diffSamples, openSample } from '../commands/sampleCommands';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { fmt, signed } from '../../shared/format';
import { PanelHost, type PanelHandlers } from './panelHost';
import { PanelRegistry } from './panelRegistry';
import { loadGroupView } from './groupViewLoad';
import { PanelLoader } from './panelLoading';
import { LABEL_COMMAND } from '../commands/labelCommands';

export const RESCORE_GROUP_COMMAND = 'rolloutLens.rescoreGroup';

export interface ViewDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  /** "This prompt over time": opens the prompt timeline of a group's prompt. */
  openTimeline?: (ref: GroupRef) => Promise<void>;
}

const keyOf = (r: GroupRef): string => JSON.stringify([r.run, r.split, r.step, r.group]);

class GroupPanel {
  private details = new Map<number, SampleDetail>();
  private snapshot: GroupSnapshot | undefined;
  private flagged: number[] | undefined;
  /** The tree with full node texts; the snapshot carries previews (group/nodeTexts serves the rest). */
  private nodeText = new Map<number, string>();
  private readonly loader: PanelLoader;
  readonly host: PanelHost<typeof GroupMessages>;

  constructor(
    panel: vscode.WebviewPanel | undefined,
    readonly ref: GroupRef,
    private readonly deps: ViewDeps,
    onDispose: () => void,
  ) {
    const spec = {
      viewType: GROUP_VIEW_TYPE,
      app: 'group' as const,
      title: `Group ${ref.group.slice(0, 10)} · step ${ref.step}`,
      messages: GroupMessages,
    };
    const sample = (index: number): SampleRef => ({ ...this.ref, index });
    const handlers: PanelHandlers<typeof GroupMessages> = {
      inbound: {
        // The channel re-posted the kept snapshot to the new document; reload only if it is out of date.
        ready: () => this.loader.ready(this.host.hasSnapshot),
        sample: ({ index }, signal) => this.sample(index, signal),
        nodeTexts: ({ ids }) => this.nodeTexts(ids),
        compare: ({ index }) => this.compare(index),
        openSample: ({ index }) => openSample(sample(index)),
        rescore: () => this.rescore(),
        label: async ({ index }) => {
          await vscode.commands.executeCommand(LABEL_COMMAND, index === undefined ? this.ref : sample(index));
        },
        tokens: ({ index }, signal) => this.deps.engine.request(TokenMethods.sampleTokens, { ...this.ref, index }, { signal }),
        promptTimeline: () => this.deps.openTimeline?.(this.ref),
        share: () => this.share(),
        image: ({ image }, signal) => this.deps.engine.request(ViewMethods.groupImage, { ...this.ref, image }, { signal }),
        frames: ({ times, width }, signal) => this.deps.engine.request(ViewMethods.groupFrames, { ...this.ref, times, width }, { signal }),
      },
      onDispose: () => {
        this.loader.dispose();
        onDispose();
      },
    };
    // A group rarely changes after its step is written: reload lazily.
    this.loader = new PanelLoader((signal) => this.load(signal), 2000);
    this.host = PanelHost.open(panel, spec, deps, handlers);
  }

  refresh(): void {
    this.loader.refresh(this.host.visible);
  }

  /** Marks an alert's samples in the sample list (the view was opened from that alert). */
  flag(indexes: number[]): void {
    this.flagged = indexes;
    if (this.snapshot) {
      this.snapshot = { ...this.snapshot, flagged: indexes };
      this.host.post(GroupMessages.snapshot, this.snapshot);
    }
  }

  private async load(signal: AbortSignal): Promise<void> {
    try {
      const config = readConfig();
      const loaded = await loadGroupView(this.deps.engine, this.ref, config, signal);
      if (signal.aborted) return;
      // Details (response, rationale, hits) are read when the user opens a sample.
      this.details.clear();
      this.nodeText = loaded.nodeTexts;
      this.snapshot = this.flagged ? { ...loaded.snapshot, flagged: this.flagged } : loaded.snapshot;
      this.host.post(GroupMessages.snapshot, this.snapshot);
    } catch (e) {
      if (signal.aborted || (e instanceof LensError && e.code === ErrorCode.Cancelled)) return;
      this.deps.log.error(`[webview group] loading ${keyOf(this.ref)} failed: ${errorMessage(e)}`);
      this.host.postError(`Could not load group ${this.ref.group} of step ${this.ref.step}: ${errorMessage(e)}`);
    }
  }

  private nodeTexts(ids: readonly number[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const id of ids) {
      const t = this.nodeText.get(id);
      if (t !== undefined) out[String(id)] = t;
    }
    return out;
  }

  private async sample(index: number, signal: AbortSignal): Promise<SampleDetail> {
    const cached = this.details.get(index);
    if (cached) return cached;
    const d = await this.deps.engine.request(EngineMethods.getSample, { ...this.ref, index }, { signal });
    this.details.set(index, d);
    return d;
  }

  private async rescore(): Promise<void> {
    await vscode.commands.executeCommand(RESCORE_GROUP_COMMAND, this.ref);
  }

  /** "Share as HTML…": the engine writes the report (src/core/report/) where the user says. */
  private share(): Promise<void> {
    const r = this.ref;
    return shareReport(this.deps, {
      ref: r,
      title: `Share group ${r.group} of step ${r.step} as HTML`,
      fileName: `${r.run}-step${r.step}-${r.group}`,
    });
  }

  private async compare(index: number): Promise<void> {
    const others = (this.snapshot?.samples ?? []).filter((s) => s.index !== index);
    if (others.length === 0) {
      void vscode.window.showInformationMessage(`Group ${this.ref.group} has no other sample to compare with.`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      others.map((s) => ({ label: `#${s.index}  R=${fmt(s.reward)}  A=${signed(s.advantage)}`, description: s.preview, index: s.index })),
      { title: `Compare sample #${index} with…`, matchOnDescription: true },
    );
    if (pick) await diffSamples({ ...this.ref, index }, { ...this.ref, index: pick.index }, 'Compare samples');
  }
}

/** The group view as a panel kind: one panel per group. */
export function groupPanels(deps: ViewDeps): PanelRegistry<GroupRef, GroupPanel> {
  return new PanelRegistry(
    {
      viewType: GROUP_VIEW_TYPE,
      label: 'group view',
      id: keyOf,
      run: (ref) => ref.run,
      restore: (state) => {
        const c = readCheckpoint(groupCheckpointSchema, state);
        return c ? { key: c.ref, saved: undefined } : undefined;
      },
      create: (panel, ref, onDispose) =>
        new GroupPanel(panel, { run: ref.run, split: ref.split, step: ref.step, group: ref.group }, deps, onDispose),
    },
    deps.log,
  );
}
