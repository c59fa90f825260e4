// "Failure Clusters…": a run's wrong (or flipped, alerted, matching) responses grouped by text
// (docs/algorithms.md#failure-clusters), listed with counts and terms; a cluster shows its three
// examples, and picking one opens the sample. Naming by the verifier's endpoint only when
// rolloutLens.clusters.nameByEndpoint is on, saying what was sent.
import * as vscode from 'vscode';
import { ALERT_KINDS, ALERT_TITLES } from '../../shared/alerts';
import { parseStepRange, type ClusterReport, type ClusterSelection } from '../../shared/clusters';
import { errorMessage } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { readConfig } from '../config';
import { RunNode } from '../explorer/nodes';
import { clusterItems, clustersTitle, exampleItems, namingFromSettings, namingNotice } from './clusterView';
import { openSample } from './sampleCommands';
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
  const query = await vscode.window.showInputBox({
    title: 'Cluster the responses matching…',
    prompt: 'Words, "a phrase", prefix*, AND / OR / NOT',
  });
  return query ? { kind: 'text', query } : undefined;
}

/** The clusters; a cluster's examples; an example opens its sample, then the clusters come back until dismissed. */
async function browse(r: ClusterReport): Promise<void> {
  for (;;) {
    const c = await vscode.window.showQuickPick(clusterItems(r), {
      title: clustersTitle(r),
      matchOnDetail: true,
      placeHolder: 'Pick a cluster to see its three examples',
    });
    if (!c) return;
    const e = await vscode.window.showQuickPick(exampleItems(c.cluster), {
      title: `#${c.cluster.id} ${c.cluster.name}: ${c.cluster.size} samples (the three nearest its centre)`,
    });
    if (e) await openSample({ run: e.ref.run, split: e.ref.split, step: e.ref.step, group: e.ref.group, index: e.ref.index });
  }
}

export async function failureClustersCommand(engine: EngineClient, node: RunNode | string | undefined): Promise<void> {
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
  const { naming, warning } = namingFromSettings(readConfig());
  if (warning) void vscode.window.showWarningMessage(warning);
  try {
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Clustering ${run}…` }, () =>
      engine.request(EngineMethods.failureClusters, { run, selection, ...range, ...(naming ? { naming } : {}) }),
    );
    if (report.clusters.length === 0) {
      void vscode.window.showInformationMessage(`No samples of ${run} are ${report.selection_label} in these steps.`);
      return;
    }
    // What went to the endpoint, or why its names were not used: one message.
    const notice = namingNotice(report);
    if (notice)
      void (notice.level === 'info' ? vscode.window.showInformationMessage(notice.text) : vscode.window.showWarningMessage(notice.text));
    await browse(report);
  } catch (e) {
    void vscode.window.showErrorMessage(`Failure clusters: ${errorMessage(e)}`);
  }
}
