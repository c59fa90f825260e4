// Badges on the explorer's group items, keyed by their rollout-lens-tree: resource URIs.
import * as vscode from 'vscode';
import { TREE_SCHEME, parseBadgeQuery } from '../../shared/uri';

export class GroupBadges implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== TREE_SCHEME) return undefined;
    const f = parseBadgeQuery(uri.query);
    if (f.degenerate) {
      return new vscode.FileDecoration('D', 'degenerate: all rewards equal, no policy gradient', new vscode.ThemeColor('disabledForeground'));
    }
    if (f.truncated) return new vscode.FileDecoration('T', 'has truncated responses (finish_reason = length)', new vscode.ThemeColor('editorWarning.foreground'));
    return undefined;
  }
}
