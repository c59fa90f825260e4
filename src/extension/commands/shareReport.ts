// "Share as HTML…" from the group view and the clusters view: a save dialog, then the engine writes
// the self-contained report (src/core/report/) of a group, with a failure cluster above it if given.
import * as vscode from 'vscode';
import type { ClusterPick } from '../../shared/clusters';
import { errorMessage } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';

/** A file name made of the words given, safe on every file system. */
export const safeFileName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

export async function shareReport(
  deps: { engine: EngineClient; log: vscode.LogOutputChannel },
  what: { ref: GroupRef; title: string; fileName: string; cluster?: ClusterPick },
): Promise<void> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: what.title,
    filters: { 'HTML report': ['html'] },
    ...(base ? { defaultUri: vscode.Uri.joinPath(base, `${safeFileName(what.fileName)}.html`) } : {}),
  });
  if (!target) return;
  const config = readConfig();
  try {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Writing the report…' }, () =>
      deps.engine.request(EngineMethods.writeReport, {
        ...what.ref,
        path: target.fsPath,
        estimator: config.advantageEstimator,
        epsilon: config.clipEpsilon,
        ...(what.cluster ? { cluster: what.cluster } : {}),
      }),
    );
    const left = r.images_left_out ? ` (${r.images_left_out} images left out for size)` : '';
    void vscode.window.showInformationMessage(`Wrote ${target.fsPath} (${(r.bytes / 1e6).toFixed(1)} MB, ${r.samples} samples)${left}.`);
  } catch (e) {
    deps.log.error(`[report] ${what.title} failed: ${errorMessage(e)}`);
    void vscode.window.showErrorMessage(`Could not write the report: ${errorMessage(e)}`);
  }
}
