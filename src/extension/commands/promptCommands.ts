// "Prompts by Trainable Steps…": a run's prompts ranked by how many steps they carried gradient;
// picking one opens its timeline.
import * as vscode from 'vscode';
import { PromptMethods } from '../../shared/protocol/engineTokens';
import type { EngineClient } from '../engineClient';
import { RunNode } from '../explorer/nodes';
import type { WebviewsApi } from '../webviews/registerWebviews';
import { pickRunName } from './viewCommands';

export async function promptsByTrainable(engine: EngineClient, webviews: WebviewsApi, node: RunNode | string | undefined): Promise<void> {
  const run =
    typeof node === 'string' ? node : node instanceof RunNode ? node.run.run : await pickRunName(engine, 'List the prompts of which run?');
  if (!run) return;
  const rows = await engine.request(PromptMethods.promptLives, { run, limit: 5000 });
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(`Run ${run} has no train steps.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(
    rows.map((r) => ({
      label: `${r.trainable} of ${r.appearances} steps trainable`,
      description: r.preview,
      detail: `steps ${r.first_step}–${r.last_step}${r.last_trainable_step === null ? ', never gave gradient' : `, last gradient at step ${r.last_trainable_step}`}`,
      promptId: r.prompt_id,
    })),
    { title: `Prompts of ${run} by how long they carried gradient`, matchOnDescription: true },
  );
  if (pick) webviews.openTimeline({ run, prompt_id: pick.promptId, split: 'train' });
}
