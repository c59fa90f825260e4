// Every command the extension registers (scripts/check-manifest.mjs checks this list against
// package.json's contributes.commands, both ways).
import * as vscode from 'vscode';
import { GROUP_SORT_LABELS, GROUP_SORTS } from '../../shared/explorer';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { GroupNode, RunNode, SampleNode, StepNode, type ExplorerNode, type MoreNode } from '../explorer/nodes';
import type { RunExplorer } from '../explorer/runExplorer';
import { followFolder, ingestFolder } from './ingestFolder';
import { rescoreCommand } from './rescoreCommands';
import { launchRun, openSampleRun, restartRun, showRunLog, stopRun } from '../runs/runCommands';
import type { RunLogs } from '../runs/runLogs';
import type { RescoreSummary } from '../../shared/rescore';
import type { RunStatus } from '../../shared/runs';
import type { GroupRef } from '../../shared/explorer';
import type { WebviewsApi } from '../webviews/registerWebviews';
import { compareRescore, openGroupView, openRunDashboard } from './viewCommands';
import { rebuildNativeModules, setTokenizer } from './setupCommands';
import { setSuccessThreshold } from './successCommands';
import { rankGroupsAcrossRun } from './rankCommands';
import { promptsByTrainable } from './promptCommands';
import { exportDatasetFromFilter } from './exportDatasetCommand';
import { failureClustersCommand } from './clusterCommands';
import { filterByLabel, findLabels, labelCommand, type LabelArg } from './labelCommands';
import { compareSamples, compareWithPreviousStep, exportRun, openGroupDocument, openSample, searchRollouts } from './sampleCommands';

export interface CommandDeps {
  engine: EngineClient;
  explorer: RunExplorer;
  /** The Runs view: palette commands act on its selected row. */
  treeView: vscode.TreeView<ExplorerNode>;
  log: vscode.LogOutputChannel;
  runLogs: RunLogs;
  onLaunched: (s: RunStatus) => void;
  onRescored: (r: RescoreSummary) => void;
  webviews: WebviewsApi;
}

async function sortGroups(explorer: RunExplorer): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    GROUP_SORTS.flatMap((s) => [
      { label: `${GROUP_SORT_LABELS[s]} ↑`, sort: s, descending: false },
      { label: `${GROUP_SORT_LABELS[s]} ↓`, sort: s, descending: true },
    ]),
    { title: 'Sort groups by' },
  );
  if (pick) explorer.setState({ groupSort: pick.sort, groupDescending: pick.descending });
}

async function filterGroups(explorer: RunExplorer): Promise<void> {
  const f = explorer.state.filter;
  const t = readConfig().alertThresholds;
  const items = [
    {
      label: 'Degenerate groups only',
      description: 'all rewards equal: no policy gradient',
      key: 'degenerate',
      picked: f.degenerate === true,
    },
    { label: 'Mixed groups only', description: 'rewards differ: these carry the gradient', key: 'mixed', picked: f.degenerate === false },
    { label: 'With truncated responses', description: 'finish_reason = length', key: 'truncated', picked: f.truncated === true },
    { label: 'With reflection keywords', key: 'reflects', picked: f.reflects === true },
    { label: 'With tool use', description: 'a tool or environment answered in some turn', key: 'tools', picked: f.tools === true },
    {
      label: 'Hard-to-ground groups only',
      description: `every reward < ${t.hardToGroundReward} and spread < ${t.hardToGroundSpread} (rolloutLens.alerts.hardToGround*)`,
      key: 'hardToGround',
      picked: f.hardToGround !== undefined,
    },
    {
      label: 'Filtered out by the trainer',
      description: 'rollouts it did not train on (prime-rl: in all/, not in effective/)',
      key: 'filtered',
      picked: f.filtered === true,
    },
  ];
  const picks = await vscode.window.showQuickPick(items, { title: 'Show groups…', canPickMany: true });
  if (!picks) return;
  const keys = new Set(picks.map((p) => p.key));
  const degenerate = keys.has('degenerate') && !keys.has('mixed') ? true : keys.has('mixed') && !keys.has('degenerate') ? false : undefined;
  explorer.setState({
    filter: {
      ...(degenerate !== undefined ? { degenerate } : {}),
      ...(keys.has('truncated') ? { truncated: true } : {}),
      ...(keys.has('reflects') ? { reflects: true } : {}),
      ...(keys.has('tools') ? { tools: true } : {}),
      ...(keys.has('hardToGround') ? { hardToGround: { reward: t.hardToGroundReward, spread: t.hardToGroundSpread } } : {}),
      ...(keys.has('filtered') ? { filtered: true } : {}),
      ...(f.text ? { text: f.text } : {}),
      ...(f.label ? { label: f.label } : {}),
    },
  });
}

async function filterByText(explorer: RunExplorer): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Show groups whose responses match…',
    prompt: 'SQLite FTS5 query: words, "a phrase", prefix*, AND / OR / NOT; empty clears',
    value: explorer.state.filter.text ?? '',
  });
  if (text === undefined) return;
  const { text: _old, ...rest } = explorer.state.filter;
  explorer.setState({ filter: text ? { ...rest, text } : rest });
}

export function registerCommands(context: vscode.ExtensionContext, d: CommandDeps): void {
  const { engine, explorer, treeView, log, runLogs } = d;
  const reg = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  };
  reg('rolloutLens.ingestFolder', (uri?: unknown) => ingestFolder(engine, log, uri, context.extensionPath));
  reg('rolloutLens.followFolder', (uri?: unknown) => followFolder(engine, log, uri));
  reg('rolloutLens.showLog', () => log.show());
  reg('rolloutLens.refreshExplorer', () => explorer.refresh());
  reg('rolloutLens.loadMore', (node: MoreNode) => explorer.loadMore(node));
  reg('rolloutLens.sortGroups', () => sortGroups(explorer));
  reg('rolloutLens.rankGroups', (node?: RunNode) => {
    const sel = node ?? selectedRun();
    const run = sel instanceof StepNode ? sel.parent.run.run : sel?.run.run;
    return rankGroupsAcrossRun(engine, explorer.state.filter, run, (ref) => openGroupView(d.webviews, ref));
  });
  reg('rolloutLens.filterGroups', () => filterGroups(explorer));
  reg('rolloutLens.filterByText', () => filterByText(explorer));
  reg('rolloutLens.clearFilter', () => explorer.clearFilter());
  // From the palette these get no argument: they act on the row selected in the Runs view.
  const selectedSample = (): SampleNode | undefined => {
    const n = treeView.selection[0];
    return n instanceof SampleNode ? n : undefined;
  };
  const selectedGroup = (): GroupNode | SampleNode | undefined => {
    const n = treeView.selection[0];
    return n instanceof GroupNode || n instanceof SampleNode ? n : undefined;
  };
  const selectedRun = (): RunNode | StepNode | undefined => {
    let n = treeView.selection[0];
    while (n && !(n instanceof RunNode) && !(n instanceof StepNode)) n = n.parent;
    return n instanceof RunNode || n instanceof StepNode ? n : undefined;
  };
  reg('rolloutLens.openSample', (node?: SampleNode) => openSample(node ?? selectedSample()));
  reg('rolloutLens.openGroup', (node?: GroupNode | SampleNode) => openGroupDocument(node ?? selectedGroup()));
  reg('rolloutLens.compareSamples', (node?: GroupNode | SampleNode) => compareSamples(engine, node ?? selectedGroup()));
  reg('rolloutLens.compareWithPreviousStep', (node?: GroupNode | SampleNode) => compareWithPreviousStep(engine, node));
  reg('rolloutLens.searchRollouts', (node?: unknown) => searchRollouts(engine, node instanceof RunNode ? node.run.run : undefined));
  reg('rolloutLens.exportRun', (node?: RunNode) => exportRun(engine, node));
  reg('rolloutLens.exportDataset', (node?: RunNode | StepNode) => {
    const sel = node ?? selectedRun();
    const scope = sel instanceof StepNode ? sel.ref : sel ? { run: sel.run.run } : undefined;
    return exportDatasetFromFilter(engine, explorer.state, scope);
  });
  reg('rolloutLens.setSuccessThreshold', (node?: RunNode) => setSuccessThreshold(engine, node, () => explorer.refresh()));
  reg('rolloutLens.setTokenizer', () => setTokenizer());
  reg('rolloutLens.rebuildNativeModules', () => rebuildNativeModules(context, log));
  reg('rolloutLens.restartEngine', () => engine.restart());
  reg('rolloutLens.launchRun', () => launchRun(engine, d.onLaunched));
  reg('rolloutLens.openSampleRun', () => openSampleRun(engine, d.onLaunched));
  reg('rolloutLens.stopRun', (node?: RunNode) => stopRun(engine, node));
  reg('rolloutLens.restartRun', (node?: RunNode) => restartRun(engine, node));
  reg('rolloutLens.showRunLog', (node?: RunNode) => showRunLog(engine, runLogs, node));
  reg('rolloutLens.rescore', (node?: ExplorerNode | GroupRef) => rescoreCommand(engine, node, d.onRescored));
  reg('rolloutLens.rescoreGroup', (ref?: GroupRef) => rescoreCommand(engine, ref, d.onRescored));
  reg('rolloutLens.openGroupView', (node?: GroupNode | SampleNode | GroupRef) => openGroupView(d.webviews, node ?? selectedGroup()));
  reg('rolloutLens.openRunDashboard', (arg?: ExplorerNode | string) => openRunDashboard(engine, d.webviews, arg ?? selectedRun()));
  reg('rolloutLens.compareRescore', (arg?: number | RunNode) => compareRescore(engine, d.webviews, arg));
  reg('rolloutLens.label', (arg?: LabelArg) => labelCommand(engine, arg, selectedGroup));
  reg('rolloutLens.filterByLabel', () => filterByLabel(engine, explorer));
  reg('rolloutLens.findLabels', () => findLabels(engine, d.webviews.openGroup));
  reg('rolloutLens.promptsByTrainable', (arg?: RunNode | string) => promptsByTrainable(engine, d.webviews, arg));
  reg('rolloutLens.failureClusters', (arg?: RunNode | string) => failureClustersCommand(engine, d.webviews, arg));
}
