// Run explorer nodes: run → step → group → sample, each with its parent (for reveal and refresh).
import * as vscode from 'vscode';
import type { GroupRef, GroupRow, SampleRef, SampleRow, StepRow } from '../../shared/explorer';
import type { RunSummary, Split } from '../../shared/rollout';
import { describeSuccessRule } from '../../shared/success';
import type { RunStatus } from '../../shared/runs';
import { ALERT_KINDS, ALERT_TITLES } from '../../shared/alerts';
import { TREE_SCHEME, groupBadgePath, sampleBadgePath, stepBadgePath } from '../../shared/uri';
import { fmt, signed } from '../../shared/format';
import { counted } from '../../shared/text';
import type { SampleImageResult } from '../../shared/protocol/engine';
import { escapeMarkdown, sampleImageMarkdown } from '../documents/sampleImageMarkdown';

export type ExplorerNode = RunNode | StepNode | GroupNode | SampleNode | MoreNode | MessageNode;

const STATE_ICON: Record<RunStatus['state'], string> = {
  pending: 'clock',
  running: 'sync~spin',
  stopping: 'debug-stop',
  succeeded: 'pass',
  failed: 'error',
  stopped: 'circle-slash',
  lost: 'question',
};

export class RunNode {
  readonly kind = 'run';
  constructor(
    readonly run: RunSummary,
    /** Present for runs launched from a profile (local, Slurm, Ray). */
    readonly status?: RunStatus,
  ) {}
  get parent(): undefined {
    return undefined;
  }
  toTreeItem(): vscode.TreeItem {
    const r = this.run;
    const item = new vscode.TreeItem(r.run, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `run:${r.run}`;
    const st = this.status;
    const live = st
      ? `${st.state}${st.lastStep !== null ? ` · step ${st.lastStep}${st.totalSteps ? `/${st.totalSteps}` : ''}` : ''}` +
        `${st.gpu?.available && st.gpu.utilization !== null ? ` · GPU ${Math.round(st.gpu.utilization)}%` : ''} · `
      : '';
    item.description = `${live}${counted(r.steps, 'step')} · ${counted(r.samples, 'sample')}${r.format ? ` · ${r.format}` : ''}`;
    const launch = st
      ? `\n\n${st.backend} run, ${st.state}${st.pid ? `, pid ${st.pid}` : ''}${st.jobId ? `, job ${escapeMarkdown(st.jobId)}` : ''}` +
        `${st.exitCode !== null ? `, exit ${st.exitCode}` : ''}${st.message ? `\n\n${escapeMarkdown(st.message)}` : ''}` +
        `${st.gpu ? `\n\nGPU: ${st.gpu.available ? `${st.gpu.gpus} GPU(s), ${Math.round(st.gpu.utilization ?? 0)}% busy, run uses ${st.gpu.runMemoryMiB ?? 0} MiB` : escapeMarkdown(st.gpu.reason ?? 'none')}` : ''}`
      : '';
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(r.run)}**\n\nformat: ${r.format ?? 'unknown'}\n\ngroups found by: ${r.grouping ?? 'not recorded'}\n\nsolved = ${escapeMarkdown(describeSuccessRule(r.success_rule, r.success_threshold))}\n\nsteps ${r.first_step ?? '-'}–${r.last_step ?? '-'} (${r.steps}), ${r.groups} groups, ${r.samples} samples${launch}`,
    );
    item.iconPath = new vscode.ThemeIcon(st ? STATE_ICON[st.state] : 'graph-line');
    item.contextValue =
      st && (st.state === 'running' || st.state === 'pending')
        ? 'rolloutLens.run.live'
        : st
          ? 'rolloutLens.run.launched'
          : 'rolloutLens.run';
    return item;
  }
}

export class StepNode {
  readonly kind = 'step';
  constructor(
    readonly parent: RunNode,
    readonly row: StepRow,
  ) {}
  get ref(): { run: string; split: Split; step: number } {
    return { run: this.parent.run.run, split: this.row.split, step: this.row.step };
  }
  toTreeItem(): vscode.TreeItem {
    const s = this.row;
    const item = new vscode.TreeItem(`step ${s.step}${s.split === 'val' ? ' (val)' : ''}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `step:${this.parent.run.run}:${s.split}:${s.step}`;
    // Words a reader knows at a glance, the same as in the tooltip and the group rows.
    const parts = [`R̄ ${fmt(s.reward_mean)}`, `effective gradient ${fmt(s.effective_gradient_ratio)}`];
    if (s.reflection_share !== null) parts.push(`reflecting ${fmt(s.reflection_share)}`);
    item.description = parts.join(' · ');
    item.tooltip =
      `${s.samples} samples in ${s.groups} groups · reward ${fmt(s.reward_mean)} ± ${fmt(s.reward_std)} · mean length ${fmt(s.mean_length)} ${s.length_unit}` +
      ` · effective-gradient ratio ${fmt(s.effective_gradient_ratio)} · truncated ${fmt(s.clip_ratio)} · reflecting ${fmt(s.reflection_share)}` +
      (s.alerts.length
        ? `\n\nAlerts: ${ALERT_KINDS.filter((k) => s.alerts.includes(k))
            .map((k) => ALERT_TITLES[k])
            .join(', ')} (list in the run dashboard)`
        : '');
    // A screen reader reads this instead of the tooltip, which alone leaves out which step it is.
    item.accessibilityInformation = { label: `step ${s.step}${s.split === 'val' ? ' (val)' : ''}: ${item.tooltip}` };
    if (s.alerts.length) {
      const badge = stepBadgePath(this.ref, s.alerts);
      item.resourceUri = vscode.Uri.from({ scheme: TREE_SCHEME, path: badge.path, query: badge.query });
    }
    item.iconPath = new vscode.ThemeIcon(s.alerts.length ? 'warning' : 'debug-step-over');
    item.contextValue = 'rolloutLens.step';
    return item;
  }
}

export class GroupNode {
  readonly kind = 'group';
  constructor(
    readonly parent: StepNode,
    readonly row: GroupRow,
  ) {}
  get ref(): GroupRef {
    return { ...this.parent.ref, group: this.row.group };
  }
  toTreeItem(): vscode.TreeItem {
    const g = this.row;
    // The numbers first: a long prompt in the label pushed them out of view even at a 550 px side bar.
    // The prompt follows as the description (greyed, cut by VS Code first) and in full in the tooltip.
    const numbers = `solve ${fmt(g.solve_rate)} · spread ${fmt(g.reward_max !== null && g.reward_min !== null ? g.reward_max - g.reward_min : null)} · G=${g.size}`;
    const item = new vscode.TreeItem(numbers, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `group:${this.parent.parent.run.run}:${this.parent.row.split}:${this.parent.row.step}:${g.group}`;
    item.description = `${labelsText(g.labels)}${g.prompt_preview || g.group}`;
    item.tooltip =
      `group ${g.group}: ${g.size} samples, reward ${fmt(g.reward_mean)} ± ${fmt(g.reward_std)}, ` +
      `${g.brpo ? 'judged pairwise (BRPO: the verdicts are the advantages)' : g.degenerate ? 'degenerate (all rewards equal: no policy gradient)' : 'mixed rewards'}, ${g.truncated} truncated, ${g.reflecting} reflecting${g.tool_use ? `, ${g.tool_use} using tools` : ''}${g.filtered_out ? `, ${g.filtered_out} filtered out by the trainer` : ''}${brpoNote(g)}${g.labels ? `\nlabels: ${g.labels.join(', ')} (on the group or its samples)` : ''}\n\n${g.prompt_preview}`;
    const badge = groupBadgePath(this.ref, {
      degenerate: g.degenerate,
      truncated: g.truncated > 0,
      tools: g.tool_use > 0,
      dropped: g.brpo?.dropped === true,
      ...(g.labels ? { labels: g.labels } : {}),
    });
    item.resourceUri = vscode.Uri.from({ scheme: TREE_SCHEME, path: badge.path, query: badge.query });
    item.iconPath = new vscode.ThemeIcon(g.tool_use > 0 ? 'tools' : g.degenerate ? 'circle-slash' : 'type-hierarchy');
    item.contextValue = 'rolloutLens.group';
    return item;
  }
}

export class SampleNode {
  readonly kind = 'sample';
  constructor(
    readonly parent: GroupNode,
    readonly row: SampleRow,
  ) {}
  get ref(): SampleRef {
    return { ...this.parent.ref, index: this.row.index };
  }
  toTreeItem(): vscode.TreeItem {
    const s = this.row;
    const item = new vscode.TreeItem(`#${s.index}  R=${fmt(s.reward)}  A=${signed(s.advantage)}`, vscode.TreeItemCollapsibleState.None);
    item.id = `sample:${this.parent.parent.parent.run.run}:${this.parent.parent.row.split}:${this.parent.parent.row.step}:${this.parent.row.group}:${s.index}`;
    const parts = [`${s.length} ${s.length_unit === 'tokens' ? 'tok' : 'ch'}`];
    if (s.finish_reason) parts.push(s.finish_reason);
    if (s.reflection_count) parts.push(`${s.reflection_count} refl`);
    if (s.correct !== null) parts.push(s.correct ? '✓' : '✗');
    if (s.filtered !== undefined) parts.push('filtered out');
    item.description = `${labelsText(s.labels)}${parts.join(' · ')}`;
    if (s.labels) {
      const badge = sampleBadgePath(this.ref, s.labels);
      item.resourceUri = vscode.Uri.from({ scheme: TREE_SCHEME, path: badge.path, query: badge.query });
    }
    // No tooltip here: RunExplorer.resolveTreeItem asks for it on hover (with the sample's image, if any).
    item.iconPath = new vscode.ThemeIcon(s.finish_reason === 'length' ? 'warning' : s.correct === false ? 'close' : 'comment');
    item.contextValue = 'rolloutLens.sample';
    item.command = { command: 'rolloutLens.openSample', title: 'Open Sample', arguments: [this] };
    return item;
  }

  private get advantageLine(): string {
    const s = this.row;
    const line = `advantage ${signed(s.advantage)} (${s.advantage_source === 'logged' ? 'as logged' : 'GRPO within the group'})`;
    return s.filtered === undefined ? line : `${line}\n\nfiltered out by the trainer: ${s.filtered}`;
  }

  /**
   * The response's preview and the advantage; with an image, the image with this sample's boxes under
   * them. The preview is model output: escaped, and the markdown is neither trusted nor HTML.
   */
  tooltip(image: SampleImageResult | undefined): string | vscode.MarkdownString {
    const labels = this.row.labels ? `\n\nlabels: ${this.row.labels.join(', ')}` : '';
    const text = `${this.row.preview}\n\n${this.advantageLine}${labels}`;
    if (!image?.ok) return image?.label ? `${text}\n\nImage not shown: ${image.message}` : text;
    const md = new vscode.MarkdownString(
      `${escapeMarkdown(this.row.preview)}\n\n${escapeMarkdown(this.advantageLine)}${escapeMarkdown(labels)}\n\n${sampleImageMarkdown(image, this.row.index)}`,
    );
    md.isTrusted = false;
    md.supportHtml = false;
    return md;
  }
}

/** "Load more…": the next page of a long list. */
export class MoreNode {
  readonly kind = 'more';
  constructor(
    readonly parent: RunNode | StepNode,
    readonly nextOffset: number,
    readonly remaining: number,
  ) {}
  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Load ${this.remaining} more…`, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.command = { command: 'rolloutLens.loadMore', title: 'Load More', arguments: [this] };
    return item;
  }
}

/** A message in place of children (an error, or nothing matched the filter). */
export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly text: string,
    readonly icon = 'info',
  ) {}
  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    return item;
  }
}

/** A pairwise-judged group's BRPO skew, and whether BRPO drops it, for the tooltip. */
function brpoNote(g: GroupRow): string {
  if (!g.brpo) return '';
  return `, pairwise-judged: skew |ΣA|/G ${fmt(g.brpo.skew)}${g.brpo.dropped ? ', dropped by BRPO (every advantage 0)' : ', kept by BRPO'}`;
}

/** A row's tags before its description ("🏷 reward-hack, bad-gt · "), empty when it has none. */
function labelsText(labels: readonly string[] | undefined): string {
  return labels?.length ? `🏷 ${labels.join(', ')} · ` : '';
}
