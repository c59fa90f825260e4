// Composition root: builds everything explicitly and logs how long each phase took.
// The engine starts on first need, never during activation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from './engineClient';
import { ingestFolder } from './commands/ingestFolder';
import { createLog, tagged } from './log';

export interface RolloutLensApi {
  /** For tests and other extensions: the engine client (typed JSON-RPC). */
  engine: EngineClient;
  activationMs: number;
}

function databasePath(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace.getConfiguration('rolloutLens').get<string>('databasePath');
  if (configured) return configured;
  const storage = context.storageUri ?? context.globalStorageUri;
  fs.mkdirSync(storage.fsPath, { recursive: true });
  return path.join(storage.fsPath, 'rollouts.db');
}

export function activate(context: vscode.ExtensionContext): RolloutLensApi {
  const t0 = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  const engineNode = vscode.workspace.getConfiguration('rolloutLens').get<string>('engineNodePath') || undefined;
  const engine = new EngineClient({
    enginePath: context.asAbsolutePath(path.join('dist', 'engine.js')),
    get dbPath() {
      return databasePath(context);
    },
    log: tagged(log, 'engine'),
    ...(engineNode ? { nodePath: engineNode } : {}),
    onGaveUp: (reason) => {
      void vscode.window.showErrorMessage(`Rollout Lens: ${reason}`, 'Show Log').then((a) => a && log.show());
    },
  });
  context.subscriptions.push({ dispose: () => engine.dispose() });
  context.subscriptions.push(
    vscode.commands.registerCommand('rolloutLens.ingestFolder', (uri?: vscode.Uri) => ingestFolder(engine, log, uri)),
    vscode.commands.registerCommand('rolloutLens.showLog', () => log.show()),
  );
  const activationMs = performance.now() - t0;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { engine, activationMs };
}

export function deactivate(): void {
  // Disposables registered on the context stop the engine.
}
