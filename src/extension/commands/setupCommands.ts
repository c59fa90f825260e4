// Setup commands: pick a tokenizer.json, rebuild the native SQLite module for this VS Code.
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function setTokenizer(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'tokenizer.json of the policy model (used for prefix trees when a run logged no token ids)',
    canSelectMany: false,
    filters: { 'Tokenizer (tokenizer.json)': ['json'] },
  });
  const file = picked?.[0];
  if (!file) return;
  await vscode.workspace
    .getConfiguration('rolloutLens')
    .update(
      'tokenizerPath',
      file.fsPath,
      vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
  void vscode.window.showInformationMessage(
    `Rollout Lens will tokenise with ${path.basename(path.dirname(file.fsPath))}/${path.basename(file.fsPath)}.`,
  );
}

/**
 * better-sqlite3 is not N-API: its binary must match the runtime that loads it. This rebuilds it
 * for the runtime the engine runs on (this extension host's) in a terminal, so the user sees the
 * compiler's output; the result goes to prebuilds/<platform>-<arch>/<runtime>-<abi>/.
 */
export function rebuildNativeModules(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const electron = process.versions['electron'];
  const runtime = electron ? 'electron' : 'node';
  const target = electron ?? process.versions.node;
  const script = context.asAbsolutePath(path.join('scripts', 'rebuild-native.mjs'));
  const args = [`--runtime=${runtime}`, `--target=${target}`, `--abi=${process.versions.modules}`];
  log.info(`[native] rebuilding better-sqlite3 for ${runtime} ${target} (ABI ${process.versions.modules})`);
  const terminal = vscode.window.createTerminal({ name: 'Rollout Lens: rebuild native modules', cwd: context.extensionPath });
  terminal.show();
  terminal.sendText(`node "${script}" ${args.join(' ')}`);
}
