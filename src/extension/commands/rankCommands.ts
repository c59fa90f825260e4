// *Rank Groups Across the Run…*: the explorer sorts groups within a step; this ranks every group of
// a run (under the explorer's filter) and opens the one picked, e.g. the lowest solve rate anywhere.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { GROUP_SORT_LABELS, GROUP_SORTS, type GroupFilter, type GroupRef } from '../../shared/explorer';
import { fmt } from '../../shared/format';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { pickRunName } from './viewCommands';

const SHOWN = 200;

export async function rankGroupsAcrossRun(
  engine: EngineClient,
  filter: GroupFilter,
  run: string | undefined,
  open: (ref: GroupRef) => Promise<void>,
): Promise<void> {
  const name = run ?? (await pickRunName(engine, 'Rank the groups of which run?'));
  if (!name) return;
  const order = await vscode.window.showQuickPick(
    GROUP_SORTS.filter((s) => s !== 'group').flatMap((s) => [
      { label: `${GROUP_SORT_LABELS[s]}, lowest first`, sort: s, descending: false },
      { label: `${GROUP_SORT_LABELS[s]}, highest first`, sort: s, descending: true },
    ]),
    { title: `Rank every group of ${name} by` },
  );
  if (!order) return;
  try {
    const page = await engine.request(EngineMethods.rankGroups, {
      run: name,
      sort: order.sort,
      descending: order.descending,
      limit: SHOWN,
      ...(Object.keys(filter).length ? { filter } : {}),
    });
    if (page.rows.length === 0) {
      void vscode.window.showInformationMessage(`No group of ${name} matches the explorer's filter.`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      page.rows.map((g) => ({
        label: `solve ${fmt(g.solve_rate)} · spread ${fmt(g.reward_max !== null && g.reward_min !== null ? g.reward_max - g.reward_min : null)} · R̄ ${fmt(g.reward_mean)} · G=${g.size}`,
        description: `step ${g.step}${g.split === 'val' ? ' (val)' : ''} · group ${g.group}`,
        detail: g.prompt_preview,
        ref: { run: name, split: g.split ?? 'train', step: g.step ?? 0, group: g.group },
      })),
      {
        title: `${order.label}: ${page.rows.length} of ${page.total} groups of ${name}${Object.keys(filter).length ? ' (explorer filter on)' : ''}`,
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
    if (pick) await open(pick.ref);
  } catch (e) {
    void vscode.window.showErrorMessage(`Ranking the groups of ${name} failed: ${errorMessage(e)}`);
  }
}
