// "Re-score…": apply a reward spec to a run, step, group or sample in the engine (progress, cancel,
// resume), then offer the comparison with the logged rewards.
import * as vscode from 'vscode';
import { ErrorCode, errorMessage, isLensError } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { verifierSpec, type RescoreSummary } from '../../shared/rescore';
import type { GroupRef } from '../../shared/explorer';
import type { EngineClient } from '../engineClient';
import { GroupNode, RunNode, SampleNode, StepNode, type ExplorerNode } from '../explorer/nodes';
import { readConfig } from '../config';
import { abortSignalFor } from '../log';
import { scoreThenOffer } from './rescoreFlow';

const COMMON_SPECS = [
  {
    label: 'math',
    detail:
      'SimpleRL/Qwen answer extraction + strip_string + math_equal, symbolic stage when strings disagree (approximate vs math_verify)',
  },
  { label: 'simplerl:independent', detail: 'SimpleRL-Zoo correctness × \\boxed format table (mode independent)' },
  { label: 'dapo', detail: 'DAPO: last "Answer:" line, Minerva normalisation, ±1' },
  { label: 'math + overlong', detail: 'correctness plus the DAPO overlong penalty (verl form)' },
  { label: 'format:think-answer', detail: '<think>…</think><answer>…</answer> structure' },
];

interface Target {
  run: string;
  selection: { split?: 'train' | 'val'; step?: number; group?: string; index?: number };
  what: string;
}

function targetOf(node: ExplorerNode | GroupRef | undefined): Target | undefined {
  if (node && !('kind' in node)) {
    return {
      run: node.run,
      selection: { split: node.split, step: node.step, group: node.group },
      what: `group ${node.group} of step ${node.step}`,
    };
  }
  if (node instanceof RunNode) return { run: node.run.run, selection: {}, what: node.run.run };
  if (node instanceof StepNode)
    return { run: node.ref.run, selection: { split: node.ref.split, step: node.ref.step }, what: `step ${node.ref.step}` };
  if (node instanceof GroupNode) {
    const r = node.ref;
    return { run: r.run, selection: { split: r.split, step: r.step, group: r.group }, what: `group ${r.group} of step ${r.step}` };
  }
  if (node instanceof SampleNode) {
    const r = node.ref;
    return {
      run: r.run,
      selection: { split: r.split, step: r.step, group: r.group, index: r.index },
      what: `sample #${r.index} of step ${r.step}`,
    };
  }
  return undefined;
}

export async function pickSpec(): Promise<string | undefined> {
  const custom = {
    label: 'Custom spec…',
    detail: 'e.g. 0.9*math + 0.1*format:boxed, external(command="python3 my_reward.py"), a path to a spec .json',
  };
  const cfg = readConfig();
  const verifier = verifierSpec(cfg.verifierUrl, cfg.verifierModel);
  const configured = verifier
    ? [
        {
          label: verifier,
          detail: 'The LLM verifier of the settings (rolloutLens.verifier.url / .model), General-Reasoner prompt and score',
        },
      ]
    : [];
  const pick = await vscode.window.showQuickPick([...configured, ...COMMON_SPECS, custom], {
    title: 'Re-score with which reward?',
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  if (pick !== custom) return pick.label;
  return vscode.window.showInputBox({
    title: 'Reward spec',
    prompt: 'See docs/rewards.md for the grammar',
    placeHolder: 'math + 0.5*format:boxed',
  });
}

export async function rescoreCommand(
  engine: EngineClient,
  node: ExplorerNode | GroupRef | undefined,
  onDone: (r: RescoreSummary) => void,
): Promise<void> {
  let target = targetOf(node);
  if (!target) {
    const runs = await engine.request(EngineMethods.listRuns, {});
    const run = await vscode.window.showQuickPick(
      runs.map((r) => r.run),
      { title: 'Re-score which run?' },
    );
    if (!run) return;
    target = { run, selection: {}, what: run };
  }
  const spec = await pickSpec();
  if (!spec) return;
  const t = target;
  await scoreThenOffer(
    {
      withProgress: async (task) =>
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Re-scoring ${t.what} with ${spec}`, cancellable: true },
          async (progress, token) => {
            const abort = abortSignalFor(token);
            try {
              return await task((message) => progress.report({ message }), abort.signal);
            } finally {
              abort.dispose();
            }
          },
        ),
      offerComparison: async (message, complete) =>
        (await (complete
          ? vscode.window.showInformationMessage(message, 'Compare')
          : vscode.window.showWarningMessage(message, 'Compare'))) === 'Compare',
      failed: (e) => {
        const untrusted = isLensError(e) && e.code === ErrorCode.Untrusted;
        void vscode.window
          .showErrorMessage(
            untrusted
              ? `${errorMessage(e)} Trust this workspace to use external reward commands and ONNX models.`
              : `Re-score failed: ${errorMessage(e)}`,
            ...(untrusted ? ['Manage Workspace Trust'] : []),
          )
          .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      },
    },
    (report, signal) =>
      engine.request(
        EngineMethods.rescore,
        {
          run: t.run,
          spec,
          selection: t.selection,
          ...(vscode.workspace.workspaceFolders?.[0] ? { baseDir: vscode.workspace.workspaceFolders[0].uri.fsPath } : {}),
        },
        { signal, onProgress: (p) => report(p.message) },
      ),
    onDone,
  );
}
