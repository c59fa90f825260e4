// "Export Dataset from Current Filter…": the explorer's current filter (and the step or brushed
// range it is invoked on) written back as training data through the engine's datasets/export
// (docs/dataset-export.md); the clusters view's Export… does the same for one failure cluster.
// Three quick picks and a save dialog; an empty selection writes nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  datasetFileName,
  explorerSelection,
  type DatasetExportRequest,
  type DatasetFormat,
  type DatasetKind,
  type DatasetSelection,
} from '../../shared/datasetExport';
import { errorMessage } from '../../shared/errors';
import type { Split } from '../../shared/rollout';
import { EngineMethods } from '../../shared/protocol/engine';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import type { ExplorerState } from '../explorer/runExplorer';

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

const KINDS: Array<Pick<DatasetKind>> = [
  { label: 'SFT rows', description: 'prompt + response of each selected sample', value: 'sft' },
  { label: 'DPO pairs', description: "each group's best vs its worst selected sample (TRL JSONL)", value: 'dpo' },
  { label: 'RL prompts', description: 'the distinct prompts alone, for a curriculum', value: 'rl-prompts' },
];

const FORMATS: Array<Pick<DatasetFormat>> = [
  { label: 'verl parquet', description: 'RLHFDataset / SFT datasets', value: 'verl-parquet' },
  { label: 'JSONL', description: 'TRL / HF datasets', value: 'jsonl' },
];

/** The narrowing each kind offers on top of the filter. */
const REFINE: Record<DatasetKind, Array<Pick<Partial<DatasetSelection>>>> = {
  sft: [
    { label: 'Right samples only', description: "under the run's success rule", value: { outcome: 'right' } },
    { label: 'Every selected sample', value: {} },
    { label: 'Wrong samples only', value: { outcome: 'wrong' } },
  ],
  dpo: [
    { label: 'Every selected group', value: {} },
    { label: 'Rejected from the wrong samples', value: { outcome: 'wrong' } },
  ],
  'rl-prompts': [
    { label: 'Zero-accuracy prompts', description: 'never solved in the range', value: { prompts: 'zero-accuracy' } },
    { label: 'Never-trainable prompts', description: 'every group degenerate in the range', value: { prompts: 'never-trainable' } },
    { label: 'Every selected prompt', value: {} },
  ],
};

export interface ExportScope {
  run: string;
  split?: Split;
  step?: number;
}

async function pick<T>(items: Array<Pick<T>>, title: string): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title }))?.value;
}

export async function exportDatasetFromFilter(engine: EngineClient, state: ExplorerState, scope: ExportScope | undefined): Promise<void> {
  let run = scope?.run;
  if (!run) {
    const runs = await engine.request(EngineMethods.listRuns, {});
    run = await vscode.window.showQuickPick(
      runs.map((r) => r.run),
      { title: 'Export a dataset from which run?' },
    );
  }
  if (!run) return;
  const range =
    scope?.step !== undefined
      ? { from: scope.step, to: scope.step }
      : state.stepRange?.run === run
        ? { from: state.stepRange.from, to: state.stepRange.to }
        : {};
  const filter = state.filter.text && readConfig().searchIncludeAllTurns ? { ...state.filter, allTurns: true } : state.filter;
  await exportDataset(engine, run, explorerSelection(filter, { ...(scope?.split ? { split: scope.split } : {}), ...range }));
}

/** Asks what to write (kind, format, which samples, DPO's margin) and where, then has the engine export `base` narrowed so. */
export async function exportDataset(engine: EngineClient, run: string, base: DatasetSelection, what = run): Promise<void> {
  const kind = await pick(KINDS, `Export what from ${what}?`);
  if (!kind) return;
  const format = kind === 'dpo' ? 'jsonl' : await pick(FORMATS, 'In which format?');
  if (!format) return;
  const refine = await pick(REFINE[kind], 'Which samples?');
  if (!refine) return;
  let margin: number | undefined;
  if (kind === 'dpo') {
    const m = await vscode.window.showInputBox({
      title: 'Least reward gap between chosen and rejected',
      value: '0',
      validateInput: (v) => (Number.isFinite(Number(v)) && Number(v) >= 0 && v.trim() !== '' ? undefined : 'a number ≥ 0'),
    });
    if (m === undefined) return;
    margin = Number(m);
  }
  const selection = { ...base, ...refine };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = datasetFileName(run, kind, format);
  const target = await vscode.window.showSaveDialog({
    title: `Export ${kind} from ${what}`,
    filters: format === 'jsonl' ? { 'JSON Lines': ['jsonl'] } : { Parquet: ['parquet'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return;
  const req: DatasetExportRequest = { run, kind, format, selection, out: target.fsPath, ...(margin !== undefined ? { margin } : {}) };
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting ${kind} from ${what}` },
      () => engine.request(EngineMethods.exportDataset, req),
    );
    void vscode.window.showInformationMessage(
      `Wrote ${r.rows} ${kind} rows (${r.samples} samples, ${r.groups} groups) to ${path.basename(r.path)}.`,
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Export failed: ${errorMessage(e)}`);
  }
}
