// Labels from the explorer, the group view and a sample document: one "Label…" flow (take a tag
// off, put a known one on, or type a new one with a note), the explorer's label filter, and
// "Find Labels…" (every label of every run, searched by tag, place, note or author).
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import type { GroupRef } from '../../shared/explorer';
import { labelPlace, type LabelEntry, type LabelTarget } from '../../shared/labels';
import { labelFlow, type LabelApi, type LabelUi } from './labelFlow';
import { labelSearchItems } from './labelSearch';
import { openSample } from './sampleCommands';
import { DOC_SCHEME, parseDocumentPath } from '../../shared/uri';
import type { EngineClient } from '../engineClient';
import { GroupNode, SampleNode } from '../explorer/nodes';
import type { RunExplorer } from '../explorer/runExplorer';

export const LABEL_COMMAND = 'rolloutLens.label';

/** What a Label… invocation is about: a tree row, a target (from the group view), or else the active sample document. */
export type LabelArg = GroupNode | SampleNode | LabelTarget | undefined;

/** A tree row's or the group view's target. */
function targetOf(arg: LabelArg): LabelTarget | undefined {
  return arg instanceof GroupNode || arg instanceof SampleNode ? arg.ref : arg;
}

/** The sample (or group) a `rollout-lens:` document shows; undefined for any other editor. */
export function documentTarget(uri: vscode.Uri | undefined): LabelTarget | undefined {
  if (uri?.scheme !== DOC_SCHEME) return undefined;
  return parseDocumentPath(uri.path, uri.query)?.ref;
}

/** The engine's label methods, for the flow. */
function labelApi(engine: EngineClient): LabelApi {
  return {
    groupLabels: (ref) => engine.request(EngineMethods.groupLabels, ref),
    tags: (run) => engine.request(EngineMethods.labelTags, { run }),
    add: (target, tag, note) => engine.request(EngineMethods.addLabel, { ...target, tag, ...(note ? { note } : {}) }),
    remove: async (target, tag) => (await engine.request(EngineMethods.removeLabel, { ...target, tag })).removed,
  };
}

const vscodeUi: LabelUi = {
  pick: async (title, choices) => vscode.window.showQuickPick(choices, { title }),
  input: async (ask) =>
    vscode.window.showInputBox({
      title: ask.title,
      prompt: ask.prompt,
      ...(ask.placeHolder ? { placeHolder: ask.placeHolder } : {}),
      validateInput: ask.validate,
    }),
};

/** Labels a tree row, the group view's target, or (from the palette) the sample document in front or the selected row. */
export async function labelCommand(engine: EngineClient, arg: LabelArg, selected: () => LabelArg): Promise<void> {
  // From the palette: the sample document in front, else the row selected in the Runs view.
  const target = targetOf(arg) ?? documentTarget(vscode.window.activeTextEditor?.document.uri) ?? targetOf(selected());
  if (!target) {
    void vscode.window.showInformationMessage('Pick a group or sample in the Runs view, or open a sample document, to label it.');
    return;
  }
  try {
    const done = await labelFlow(labelApi(engine), vscodeUi, target);
    if (done) void vscode.window.showInformationMessage(done);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not label ${labelPlace(target)}: ${errorMessage(e)}`);
  }
}

/** Filters the explorer to groups with a label of one tag, picked from the tags of every run. */
export async function filterByLabel(engine: EngineClient, explorer: RunExplorer): Promise<void> {
  try {
    const runs = await engine.request(EngineMethods.listRuns, {});
    const counts = new Map<string, number>();
    for (const r of runs) {
      for (const t of await engine.request(EngineMethods.labelTags, { run: r.run })) counts.set(t.tag, (counts.get(t.tag) ?? 0) + t.count);
    }
    const { label: current, ...rest } = explorer.state.filter;
    const items = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([tag, n]) => ({
        label: tag,
        description: `${n} label${n === 1 ? '' : 's'}${tag === current ? ' · current filter' : ''}`,
        tag,
      }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No labels yet: use Label… on a group or sample first.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      [...items, ...(current ? [{ label: 'Any label (clear)', description: '', tag: '' }] : [])],
      {
        title: 'Show groups labelled…',
      },
    );
    if (!pick) return;
    explorer.setState({ filter: pick.tag ? { ...rest, label: pick.tag } : rest });
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not list labels: ${errorMessage(e)}`);
  }
}

/**
 * "Find Labels…": every label of every run in one quick pick, searched as you type over tags,
 * places, notes and authors; picking one opens its sample document, or its group's view.
 */
export async function findLabels(engine: EngineClient, openGroup: (ref: GroupRef) => Promise<void>): Promise<void> {
  try {
    const runs = await engine.request(EngineMethods.listRuns, {});
    const entries: LabelEntry[] = [];
    for (const r of runs) entries.push(...(await engine.request(EngineMethods.listLabels, { run: r.run })));
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No labels yet: use Label… on a group or sample first.');
      return;
    }
    const pick = await vscode.window.showQuickPick(labelSearchItems(entries), {
      title: `Find labels (${entries.length}): type a tag, a word of a note, a step or a group`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return;
    const l = pick.entry;
    if (l.missing) {
      void vscode.window.showInformationMessage(`${l.run} ${labelPlace(l)} is no longer stored: ingest the run again to attach its label.`);
      return;
    }
    const ref: GroupRef = { run: l.run, split: l.split, step: l.step, group: l.group };
    if (l.index !== null) await openSample({ ...ref, index: l.index });
    else await openGroup(ref);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not list labels: ${errorMessage(e)}`);
  }
}
