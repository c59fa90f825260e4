// Labels from the explorer, the group view and a sample document: one "Label…" flow (take a tag
// off, put a known one on, or type a new one with a note), and the explorer's label filter.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { LABEL_NOTE_MAX, labelPlace, labelTagProblem, type LabelTarget } from '../../shared/labels';
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

type Choice = { label: string; description?: string; action: 'remove' | 'add' | 'new'; tag?: string };

/** Asks what to do with the target's labels and does it through the engine; the run is then announced as changed. */
export async function labelCommand(engine: EngineClient, arg: LabelArg, selected: () => LabelArg): Promise<void> {
  // From the palette: the sample document in front, else the row selected in the Runs view.
  const target = targetOf(arg) ?? documentTarget(vscode.window.activeTextEditor?.document.uri) ?? targetOf(selected());
  if (!target) {
    void vscode.window.showInformationMessage('Pick a group or sample in the Runs view, or open a sample document, to label it.');
    return;
  }
  const where = labelPlace(target);
  try {
    const [mine, tags] = await Promise.all([
      engine.request(EngineMethods.groupLabels, { run: target.run, split: target.split, step: target.step, group: target.group }),
      engine.request(EngineMethods.labelTags, { run: target.run }),
    ]);
    const on = target.index === undefined ? mine.group : (mine.samples.find((s) => s.index === target.index)?.labels ?? []);
    const has = new Set(on.map((l) => l.tag));
    const choices: Choice[] = [
      ...on.map((l): Choice => ({
        label: `$(close) Remove ${l.tag}`,
        description: l.note || `by ${l.created_by}`,
        action: 'remove',
        tag: l.tag,
      })),
      ...tags
        .filter((t) => !has.has(t.tag))
        .map((t): Choice => ({ label: `$(tag) ${t.tag}`, description: `${t.count} in this run`, action: 'add', tag: t.tag })),
      { label: '$(add) New tag…', description: 'e.g. reward-hack, bad-gt, truncated-good', action: 'new' },
    ];
    const pick = await vscode.window.showQuickPick(choices, { title: `Label ${where}` });
    if (!pick) return;
    if (pick.action === 'remove' && pick.tag) {
      await engine.request(EngineMethods.removeLabel, { ...target, tag: pick.tag });
      void vscode.window.showInformationMessage(`Removed ${pick.tag} from ${where}.`);
      return;
    }
    const tag =
      pick.tag ??
      (
        await vscode.window.showInputBox({
          title: `New tag for ${where}`,
          prompt: 'A short tag naming what you found (letters, digits, . _ : -)',
          placeHolder: 'reward-hack',
          validateInput: (v) => labelTagProblem(v.trim()),
        })
      )?.trim();
    if (!tag) return;
    const note = await vscode.window.showInputBox({
      title: `Note for ${tag} on ${where} (optional)`,
      prompt: 'Free text: what you saw. Empty for none.',
      validateInput: (v) => (v.length > LABEL_NOTE_MAX ? `at most ${LABEL_NOTE_MAX} characters` : undefined),
    });
    if (note === undefined) return;
    const r = await engine.request(EngineMethods.addLabel, { ...target, tag, ...(note ? { note } : {}) });
    void vscode.window.showInformationMessage(`${r.added ? 'Labelled' : 'Already labelled'} ${where}: ${tag}.`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not label ${where}: ${errorMessage(e)}`);
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
