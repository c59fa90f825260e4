// Before an ingest: slime's .pt dumps cannot be read directly, so offer to run the companion
// converter on them. Only in a trusted workspace (it starts Python), and it says what is missing
// when no Python with torch is at hand. Declining (or failing) still ingests the rest.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { convertSlime, findTorchPython, pythonCandidates, unconvertedDumps } from './slimeConvert';

export async function offerSlimeConversion(target: string, log: vscode.LogOutputChannel, extensionPath: string): Promise<void> {
  const dumps = unconvertedDumps(target);
  if (dumps.length === 0) return;
  const what = `${dumps.length} slime .pt dump${dumps.length === 1 ? '' : 's'} (e.g. ${path.basename(dumps[0]!)})`;
  if (!vscode.workspace.isTrusted) {
    void vscode.window
      .showWarningMessage(
        `${what} found. Converting them runs Python with torch, which is disabled in an untrusted workspace; the other files are ingested.`,
        'Manage Workspace Trust',
      )
      .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return;
  }
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const configured = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath');
  const found = findTorchPython(pythonCandidates(workspace, configured && configured !== 'python' ? configured : undefined));
  if ('missing' in found) {
    log.warn(`[slime] no Python with torch: ${found.missing.join('; ')}`);
    void vscode.window.showWarningMessage(
      `${what} found, but converting needs a Python with torch and none was found (${found.missing.join('; ')}). ` +
        'Install torch, or run `python -m rollout_lens_logger.convert slime PATH` yourself; the other files are ingested.',
    );
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `${what} found. Convert them to JSON lines with ${found.python} (torch, weights-only loading) and ingest them?`,
    'Convert',
    'Skip',
  );
  if (choice !== 'Convert') return;
  const r = await convertSlime(found.python, target, path.join(extensionPath, 'python'));
  for (const line of r.output.trimEnd().split('\n')) if (line) log.info(`[slime] ${line}`);
  if (r.code !== 0) {
    void vscode.window
      .showWarningMessage(
        `Converting the slime dumps ended with exit ${r.code}: some were refused or unreadable — see the log.`,
        'Show Log',
      )
      .then((a) => a && log.show());
  }
}
