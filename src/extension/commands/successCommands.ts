// *Set Success Threshold…*: for runs that log neither a verdict nor a correctness component (a reward
// model's score), the user says from which reward a sample counts as solved (docs/algorithms.md#success).
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { describeSuccessRule } from '../../shared/success';
import type { EngineClient } from '../engineClient';
import type { RunNode } from '../explorer/nodes';

/** Empty input clears the threshold; anything else must be a finite number. */
export function parseThresholdInput(text: string): number | null | string {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : `"${t}" is not a number`;
}

export async function setSuccessThreshold(engine: EngineClient, node: RunNode | undefined, onChanged: () => void): Promise<void> {
  let run = node?.run;
  if (!run) {
    const runs = await engine.request(EngineMethods.listRuns, {});
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.run, description: `solved = ${describeSuccessRule(r.success_rule, r.success_threshold)}`, run: r })),
      { title: 'Set the success threshold of which run?' },
    );
    run = pick?.run;
  }
  if (!run) return;
  const input = await vscode.window.showInputBox({
    title: `Success threshold of ${run.run}`,
    prompt:
      `Now: solved = ${describeSuccessRule(run.success_rule, run.success_threshold)}. A sample with no logged verdict and ` +
      'no correctness component counts as solved when its reward ≥ this number. Empty: no threshold (reward > 0).',
    value: run.success_threshold === null ? '' : String(run.success_threshold),
    validateInput: (text) => {
      const v = parseThresholdInput(text);
      return typeof v === 'string' ? v : undefined;
    },
  });
  if (input === undefined) return;
  const threshold = parseThresholdInput(input);
  if (typeof threshold === 'string') return;
  try {
    const after = await engine.request(EngineMethods.setSuccessThreshold, { run: run.run, threshold });
    onChanged();
    void vscode.window.showInformationMessage(`${run.run}: solved = ${describeSuccessRule(after.success_rule, after.success_threshold)}.`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not set the success threshold: ${errorMessage(e)}`);
  }
}
