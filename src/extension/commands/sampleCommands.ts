// Opening and comparing samples: documents, VS Code's diff editor, search, export.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import type { GroupRef, SampleRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { GroupNode, RunNode, SampleNode } from '../explorer/nodes';
import { fmt } from '../../shared/format';
import { markedSnippet } from '../../shared/text';
import { abortSignalFor } from '../log';
import { readConfig } from '../config';
import { sampleUri, toUri } from '../documents/sampleDocuments';

type SampleArg = SampleNode | SampleRef | undefined;
type GroupArg = GroupNode | SampleNode | GroupRef | undefined;

function sampleRefOf(arg: SampleArg): SampleRef | undefined {
  if (!arg) return undefined;
  return arg instanceof SampleNode ? arg.ref : arg;
}

function groupRefOf(arg: GroupArg): GroupRef | undefined {
  if (!arg) return undefined;
  if (arg instanceof GroupNode) return arg.ref;
  if (arg instanceof SampleNode) return arg.parent.ref;
  return { run: arg.run, split: arg.split, step: arg.step, group: arg.group };
}

function label(r: SampleRef): string {
  return `${r.run} step ${r.step} · ${r.group.slice(0, 12)} #${r.index}`;
}

export async function openSample(arg: SampleArg): Promise<void> {
  const ref = sampleRefOf(arg);
  if (!ref) {
    void vscode.window.showInformationMessage('Pick a sample in the Rollout Lens explorer (or use Search Rollouts…).');
    return;
  }
  await vscode.window.showTextDocument(sampleUri(ref, 'full'), { preview: true });
}

export async function openGroupDocument(arg: GroupArg): Promise<void> {
  const ref = groupRefOf(arg);
  if (ref) await vscode.window.showTextDocument(toUri({ kind: 'group', ref }), { preview: true });
}

export async function diffSamples(left: SampleRef, right: SampleRef, what: string): Promise<void> {
  await vscode.commands.executeCommand(
    'vscode.diff',
    sampleUri(left, 'response'),
    sampleUri(right, 'response'),
    `${what}: ${label(left)} ↔ ${label(right)}`,
    { preview: true },
  );
}

/** A group: best vs worst sample by reward. A sample: it vs another sample of its group, picked. */
export async function compareSamples(engine: EngineClient, arg: GroupArg): Promise<void> {
  const ref = groupRefOf(arg);
  if (!ref) {
    void vscode.window.showInformationMessage('Pick a group or a sample in the Rollout Lens explorer to compare.');
    return;
  }
  if (arg instanceof SampleNode) {
    const others = await engine.request(EngineMethods.compareCandidates, { ...ref, index: arg.row.index });
    if (others.length === 0) {
      void vscode.window.showInformationMessage(`Group ${ref.group} has one sample: nothing to compare.`);
      return;
    }
    // Previews start where each sample leaves this one: a shared opening would make them all look alike.
    const pick = await vscode.window.showQuickPick(
      others.map((c) => ({
        label: `#${c.index}  R=${fmt(c.reward)}`,
        description: c.common_chars ? `same first ${c.common_chars} characters` : 'differs from the start',
        detail: c.preview,
        index: c.index,
      })),
      { title: `Compare sample #${arg.row.index} with… (latest to part first)`, matchOnDetail: true },
    );
    if (pick) await diffSamples(arg.ref, { ...ref, index: pick.index }, 'Compare samples');
    return;
  }
  const pair = await engine.request(EngineMethods.bestWorstPair, ref);
  if (!pair) {
    void vscode.window.showInformationMessage(`Group ${ref.group}: no best and worst to compare (one sample, or every reward equal).`);
    return;
  }
  await diffSamples({ ...ref, index: pair.best }, { ...ref, index: pair.worst }, 'Best ↔ worst');
}

/** The same prompt at the closest earlier step: the same sample index there, or its best. */
export async function compareWithPreviousStep(engine: EngineClient, arg: GroupArg): Promise<void> {
  const ref = groupRefOf(arg);
  if (!ref) return;
  const same = await engine.request(EngineMethods.samePrompt, ref);
  const prev = same.filter((g) => g.step < ref.step).pop();
  if (!prev) {
    void vscode.window.showInformationMessage(`The prompt of group ${ref.group} does not appear before step ${ref.step}.`);
    return;
  }
  const index = arg instanceof SampleNode ? arg.row.index : 0;
  const prevRows = await engine.request(EngineMethods.listSamples, { run: ref.run, split: prev.split, step: prev.step, group: prev.group });
  const prevIndex = prevRows.some((r) => r.index === index) ? index : (prevRows[0]?.index ?? 0);
  await diffSamples(
    { run: ref.run, split: prev.split, step: prev.step, group: prev.group, index: prevIndex },
    { ...ref, index },
    'Same prompt, previous step',
  );
}

export async function searchRollouts(engine: EngineClient, run?: string): Promise<void> {
  // The scope is said where the query is typed; a run with no match falls back to every run, so a
  // search started with some other run selected still finds what exists.
  // rolloutLens.search.includeAllTurns: tool / environment / user turns match too (default: the policy's own text).
  const allTurns = readConfig().searchIncludeAllTurns;
  const turns = allTurns ? ', all turns' : '';
  const query = await vscode.window.showInputBox({
    title: run ? `Search rollouts of ${run}${turns} (all runs when it has no match)` : `Search rollouts of all runs${turns}`,
    prompt: 'Words, "a phrase", prefix*, AND / OR / NOT (SQLite FTS5)',
    placeHolder: 'e.g. "let me recheck" OR rethink',
  });
  if (!query) return;
  try {
    let params = { query, ...(run ? { run } : {}), limit: 200, ...(allTurns ? { allTurns } : {}) };
    let result = await engine.request(EngineMethods.search, params);
    let scope = run ? `in ${run}` : 'in all runs';
    if (result.hits.length === 0 && run) {
      params = { query, limit: 200, ...(allTurns ? { allTurns } : {}) };
      result = await engine.request(EngineMethods.search, params);
      scope = `in all runs (none in ${run})`;
    }
    // LaTeX and other text that is not FTS5 syntax is searched for as typed, and the title says so.
    if (result.literal) scope += ' (searched as a literal phrase: not FTS5 syntax)';
    if (result.hits.length === 0) {
      void vscode.window.showInformationMessage(`No response ${run ? 'of any run ' : ''}matches ${query}.`);
      return;
    }
    // "More results…" asks for the next hits in the same order (best first, or newest first when
    // there are too many matches to rank); the title always says which.
    for (let shown = 0; ;) {
      const order = result.order === 'best' ? 'best first' : 'newest first: too many to rank';
      const more = result.more;
      const pick = await vscode.window.showQuickPick(
        [
          ...result.hits.map((h) => ({
            label: `${h.run} · step ${h.step} · #${h.index}  R=${fmt(h.reward)}`,
            description: h.group,
            detail: markedSnippet(h),
            hit: h,
          })),
          ...(more ? [{ label: 'More results…', hit: undefined }] : []),
        ],
        {
          title: `${result.hits.length} ${result.hits.length === 1 ? 'match' : 'matches'} for ${query} ${scope} · ${order}${shown ? ` (after the first ${shown})` : ''}`,
          matchOnDetail: true,
        },
      );
      if (!pick) return;
      if (pick.hit) {
        const h = pick.hit;
        await openSample({ run: h.run, split: h.split === 'val' ? 'val' : 'train', step: h.step, group: h.group, index: h.index });
        return;
      }
      if (!more) return;
      shown += result.hits.length;
      result = await engine.request(EngineMethods.search, { ...params, ...more });
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`Search failed: ${errorMessage(e)}`);
  }
}

export async function exportRun(engine: EngineClient, arg?: RunNode): Promise<void> {
  let run = arg?.run.run;
  if (!run) {
    const runs = await engine.request(EngineMethods.listRuns, {});
    run =
      (await vscode.window.showQuickPick(
        runs.map((r) => r.run),
        { title: 'Export which run?' },
      )) ?? undefined;
  }
  if (!run) return;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${run} as native JSONL`,
    filters: { 'Native rollouts (JSONL)': ['jsonl'] },
    ...(base ? { defaultUri: vscode.Uri.joinPath(base, `${run}.jsonl`) } : {}),
  });
  if (!target) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${run}`, cancellable: true },
    async (_p, token) => {
      const abort = abortSignalFor(token);
      try {
        const r = await engine.request(EngineMethods.exportRun, { run: run!, path: target.fsPath }, { signal: abort.signal });
        void vscode.window.showInformationMessage(`Exported ${r.samples} samples to ${path.basename(r.path)}.`);
      } catch (e) {
        void vscode.window.showErrorMessage(`Export failed: ${errorMessage(e)}`);
      } finally {
        abort.dispose();
      }
    },
  );
}
