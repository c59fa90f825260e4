// Commands that open the webviews: the group view, the run dashboard, the re-score comparison.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { GroupNode, RunNode, SampleNode, StepNode, type ExplorerNode } from '../explorer/nodes';
import type { WebviewsApi } from '../webviews/registerWebviews';
import { loadComparison } from '../webviews/rescorePanel';

export async function openGroupView(webviews: WebviewsApi, node: GroupNode | SampleNode | GroupRef | undefined): Promise<void> {
  const ref = node instanceof GroupNode ? node.ref : node instanceof SampleNode ? node.parent.ref : node;
  if (!ref) {
    void vscode.window.showInformationMessage('Pick a group (or a sample) in the Rollout Lens Runs view to open its view.');
    return;
  }
  await webviews.openGroup(ref);
}

export async function pickRunName(engine: EngineClient, title: string): Promise<string | undefined> {
  const runs = await engine.request(EngineMethods.listRuns, {});
  if (runs.length === 1) return runs[0]!.run;
  return vscode.window.showQuickPick(
    runs.map((r) => r.run),
    { title },
  );
}

export async function openRunDashboard(engine: EngineClient, webviews: WebviewsApi, arg: ExplorerNode | string | undefined): Promise<void> {
  let run: string | undefined;
  if (typeof arg === 'string') run = arg;
  else if (arg instanceof RunNode) run = arg.run.run;
  else if (arg instanceof StepNode) run = arg.parent.run.run;
  else run = await pickRunName(engine, 'Open the dashboard of which run?');
  if (run) await webviews.openDashboard(run);
}

export async function compareRescore(engine: EngineClient, webviews: WebviewsApi, arg: number | RunNode | undefined): Promise<void> {
  let setId = typeof arg === 'number' ? arg : undefined;
  if (setId === undefined) {
    const run = arg instanceof RunNode ? arg.run.run : await pickRunName(engine, 'Compare a re-score of which run?');
    if (!run) return;
    const sets = await engine.request(EngineMethods.rescoreSets, { run });
    if (sets.length === 0) {
      // Offer the step that makes a comparison possible instead of a dead end.
      const a = await vscode.window.showInformationMessage(
        `${run} has not been re-scored yet: re-score it first, then compare.`,
        'Re-score…',
      );
      if (a) await vscode.commands.executeCommand('rolloutLens.rescore', arg instanceof RunNode ? arg : undefined);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      sets.map((s) => ({ label: `#${s.id} ${s.label}`, description: `${s.status} · ${s.scored}/${s.total} scored`, id: s.id })),
      { title: `Re-score sets of ${run}` },
    );
    setId = pick?.id;
  }
  if (setId === undefined) return;
  try {
    await webviews.openRescore(String(setId), await loadComparison(engine, setId));
  } catch (e) {
    void vscode.window.showErrorMessage(`Comparing re-score set ${setId} failed: ${errorMessage(e)}`);
  }
}
