// Badges on the explorer's step and group items, keyed by their rollout-lens-tree: resource URIs.
import * as vscode from 'vscode';
import { ALERT_KINDS, ALERT_TITLES } from '../../shared/alerts';
import { TREE_SCHEME, parseBadgeQuery } from '../../shared/uri';

export class GroupBadges implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== TREE_SCHEME) return undefined;
    const f = parseBadgeQuery(uri.query);
    if (f.alerts.length > 0) {
      const names = ALERT_KINDS.filter((k) => f.alerts.includes(k)).map((k) => ALERT_TITLES[k]);
      return new vscode.FileDecoration('!', `reward-hacking alert: ${names.join(', ')}`, new vscode.ThemeColor('editorWarning.foreground'));
    }
    // A label is what a person found here: it outranks what the numbers say.
    if (f.labels.length > 0) {
      return new vscode.FileDecoration('L', `labelled: ${f.labels.join(', ')}`, new vscode.ThemeColor('charts.purple'));
    }
    // BRPO zeroes every advantage of a group whose verdicts are too one-sided: it trains on nothing.
    if (f.dropped) {
      return new vscode.FileDecoration(
        'B',
        'dropped by BRPO: the verdicts against the reference are too one-sided (|ΣA|/G > 0.6), every advantage is 0',
        new vscode.ThemeColor('disabledForeground'),
      );
    }
    // A tool-use group is never greyed out: equal rewards there still say how the tool calls went.
    if (f.tools) {
      return new vscode.FileDecoration(
        '⚒',
        `tool use: a tool or environment answered${f.degenerate ? '; degenerate: all rewards equal, no policy gradient' : ''}`,
      );
    }
    if (f.degenerate) {
      return new vscode.FileDecoration(
        'D',
        'degenerate: all rewards equal, no policy gradient',
        new vscode.ThemeColor('disabledForeground'),
      );
    }
    if (f.truncated)
      return new vscode.FileDecoration(
        'T',
        'has truncated responses (finish_reason = length)',
        new vscode.ThemeColor('editorWarning.foreground'),
      );
    return undefined;
  }
}
