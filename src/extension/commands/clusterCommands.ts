// "Failure Clusters…": which samples of a run (wrong, flipped, alerted, matching, labelled) and which
// steps, asked with quick picks; the clusters view (src/extension/webviews/clustersPanel.ts) then
// clusters them by text (docs/algorithms.md#failure-clusters) and shows each cluster's counts, terms
// and examples.
import * as vscode from 'vscode';
import { ALERT_KINDS, ALERT_TITLES } from '../../shared/alerts';
import { parseStepRange, type ClusterSelection } from '../../shared/clusters';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { RunNode } from '../explorer/nodes';
import type { WebviewsApi } from '../webviews/registerWebviews';
import { pickRunName } from './viewCommands';

async function pickSelection(engine: EngineClient, run: string): Promise<ClusterSelection | undefined> {
  const kinds = [
    { label: 'Wrong answers', detail: "Samples not solved under the run's success rule", choice: 'wrong' as const },
    {
      label: 'Flipped by a re-score…',
      detail: 'Samples whose verdict a re-score set turned around (either way)',
      choice: 'flipped' as const,
    },
    { label: 'Behind an alert…', detail: 'Samples behind the run’s alerts of one kind', choice: 'alert' as const },
    { label: 'Matching text…', detail: 'Responses matching a search (FTS5 syntax, or a literal phrase)', choice: 'text' as const },
    { label: 'Labelled…', detail: 'Samples that carry a label tag, on themselves or on their group', choice: 'label' as const },
  ];
  const pick = await vscode.window.showQuickPick(kinds, { title: `Cluster which samples of ${run}?` });
  if (!pick) return undefined;
  if (pick.choice === 'wrong') return { kind: 'wrong' };
  if (pick.choice === 'flipped') {
    const sets = await engine.request(EngineMethods.rescoreSets, { run });
    if (sets.length === 0) {
      void vscode.window.showInformationMessage(`${run} has no re-score sets: re-score it first.`);
      return undefined;
    }
    const s = await vscode.window.showQuickPick(
      sets.map((x) => ({ label: `#${x.id} ${x.label}`, description: `${x.status} · ${x.scored}/${x.total} scored`, id: x.id })),
      { title: `Flipped by which re-score set of ${run}?` },
    );
    return s ? { kind: 'flipped', set: s.id } : undefined;
  }
  if (pick.choice === 'alert') {
    const a = await vscode.window.showQuickPick(
      ALERT_KINDS.map((k) => ({ label: ALERT_TITLES[k], alert: k })),
      { title: 'Behind which kind of alert?' },
    );
    return a ? { kind: 'alert', alert: a.alert } : undefined;
  }
  if (pick.choice === 'label') {
    const tags = await engine.request(EngineMethods.labelTags, { run });
    if (tags.length === 0) {
      void vscode.window.showInformationMessage(`${run} has no labels yet: label a group or sample first (Label…).`);
      return undefined;
    }
    const t = await vscode.window.showQuickPick(
      tags.map((x) => ({ label: x.tag, description: `${x.count} label${x.count === 1 ? '' : 's'}`, tag: x.tag })),
      { title: `Which label of ${run}?` },
    );
    return t ? { kind: 'label', tag: t.tag } : undefined;
  }
  const query = await vscode.window.showInputBox({
    title: 'Cluster the responses matching…',
    prompt: 'Words, "a phrase", prefix*, AND / OR / NOT',
  });
  return query ? { kind: 'text', query } : undefined;
}

export async function failureClustersCommand(
  engine: EngineClient,
  webviews: Pick<WebviewsApi, 'openClusters'>,
  node: RunNode | string | undefined,
): Promise<void> {
  const run =
    typeof node === 'string' ? node : node instanceof RunNode ? node.run.run : await pickRunName(engine, 'Cluster failures of which run?');
  if (!run) return;
  const selection = await pickSelection(engine, run);
  if (!selection) return;
  const steps = await vscode.window.showInputBox({
    title: 'Which steps?',
    prompt: 'A-B, A-, -B or N; empty: all steps',
    validateInput: (s) => {
      const r = s.trim() === '' ? {} : parseStepRange(s);
      return 'error' in r ? r.error : null;
    },
  });
  if (steps === undefined) return;
  const range = steps.trim() === '' ? {} : parseStepRange(steps);
  if ('error' in range) return;
  // The view clusters (and names, when the setting asks) and shows the clusters with their examples.
  webviews.openClusters({ run, spec: { selection, ...range } });
}
