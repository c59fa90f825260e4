// The run explorer's data: pages from the engine, sort and filter state, live refresh, and the
// tree view's description, which always says which filter and sort are on.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import type { GroupFilter, GroupSort, SampleSort } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { RunMethods } from '../../shared/protocol/runs';
import { readConfig } from '../config';
import { imageForHover } from '../documents/sampleImageMarkdown';
import type { EngineClient } from '../engineClient';
import { GroupNode, MessageNode, MoreNode, RunNode, SampleNode, StepNode, type ExplorerNode } from './nodes';

export const PAGE_SIZE = 200;

export interface ExplorerState {
  groupSort: GroupSort;
  groupDescending: boolean;
  sampleSort: SampleSort;
  sampleDescending: boolean;
  filter: GroupFilter;
  /** From the dashboard's brush: only these steps of this run. */
  stepRange?: { run: string; from: number; to: number };
}

const DEFAULT_STATE: ExplorerState = {
  groupSort: 'group',
  groupDescending: false,
  sampleSort: 'index',
  sampleDescending: false,
  filter: {},
};

export class RunExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** How many children are shown per parent id (grows with "Load more"). */
  private readonly shown = new Map<string, number>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private view: vscode.TreeView<ExplorerNode> | undefined;
  private current: ExplorerState = { ...DEFAULT_STATE };

  constructor(private readonly engine: EngineClient) {}

  dispose(): void {
    this.changed.dispose();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  /** Coalesces refresh requests (a live ingest reports many passes a second). */
  refresh(node?: ExplorerNode, delayMs = 0): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(node), delayMs);
  }

  get state(): ExplorerState {
    return this.current;
  }

  /** The tree view showing this explorer: its description follows every state change. */
  bindView(view: vscode.TreeView<ExplorerNode>): void {
    this.view = view;
    this.showFilter(view);
  }

  setState(patch: Partial<ExplorerState>): void {
    this.current = { ...this.current, ...patch };
    if (this.view) this.showFilter(this.view);
    this.refresh();
  }

  /** The filter in the view's title and, while one is on, a message above the rows saying what is hidden. */
  private showFilter(view: vscode.TreeView<ExplorerNode>): void {
    const d = this.describeFilter();
    view.description = d;
    const filtered = Object.keys(this.state.filter).length > 0;
    view.message = filtered ? `Filtered: ${d}. Steps without a matching group are hidden; Clear Filter is in the title bar.` : undefined;
    // Shows the Clear Filter button in the view's title bar only while a filter is on.
    void vscode.commands.executeCommand('setContext', 'rolloutLens.filtered', filtered);
  }

  /** Back to every group in id order, all steps (the sample sort stays). */
  clearFilter(): void {
    const { stepRange: _range, ...rest } = this.current;
    this.current = rest;
    this.setState({ filter: {}, groupSort: DEFAULT_STATE.groupSort, groupDescending: DEFAULT_STATE.groupDescending });
  }

  describeFilter(): string | undefined {
    const f = this.state.filter;
    const parts: string[] = [];
    if (f.degenerate === true) parts.push('degenerate');
    if (f.degenerate === false) parts.push('mixed');
    if (f.truncated) parts.push('truncated');
    if (f.reflects) parts.push('reflecting');
    if (f.tools) parts.push('tool use');
    if (f.filtered) parts.push('filtered out by the trainer');
    if (f.hardToGround) parts.push(`hard to ground (rewards < ${f.hardToGround.reward}, spread < ${f.hardToGround.spread})`);
    if (f.text) parts.push(`“${f.text}”`);
    if (f.label) parts.push(`labelled ${f.label}`);
    if (this.state.stepRange) parts.push(`${this.state.stepRange.run} steps ${this.state.stepRange.from}–${this.state.stepRange.to}`);
    if (this.state.groupSort !== 'group') parts.push(`by ${this.state.groupSort}${this.state.groupDescending ? ' ↓' : ' ↑'}`);
    return parts.length ? parts.join(' · ') : undefined;
  }

  loadMore(node: MoreNode): void {
    this.shown.set(keyOf(node.parent), node.nextOffset + PAGE_SIZE);
    this.changed.fire(node.parent);
  }

  /** Ids of the rows the user has open (see trackExpansion). */
  private readonly expanded = new Set<string>();

  /**
   * Remembers which rows the user expanded, so a row rebuilt by a refresh (a re-run of a run, steps
   * recomputed while a run is ingested) comes back open instead of collapsed.
   */
  trackExpansion(view: vscode.TreeView<ExplorerNode>): vscode.Disposable {
    return vscode.Disposable.from(
      view.onDidExpandElement((e) => {
        const id = e.element.toTreeItem().id;
        if (id) this.expanded.add(id);
      }),
      view.onDidCollapseElement((e) => {
        const id = e.element.toTreeItem().id;
        if (id) this.expanded.delete(id);
      }),
    );
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = node.toTreeItem();
    if (item.id && this.expanded.has(item.id) && item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed) {
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    }
    return item;
  }

  /**
   * A sample's tooltip, asked for when the mouse rests on its row (VS Code calls this only for items
   * without a tooltip): a page of 200 samples draws no image until one is hovered.
   */
  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind !== 'sample') return item;
    const image = await imageForHover((maxWidth) => this.engine.request(EngineMethods.sampleImage, { ...node.ref, maxWidth })).catch(
      () => undefined,
    );
    if (!token.isCancellationRequested) item.tooltip = node.tooltip(image);
    return item;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      if (!node) {
        const [runs, statuses] = await Promise.all([
          this.engine.request(EngineMethods.listRuns, {}),
          this.engine.request(RunMethods.status, {}).catch(() => []),
        ]);
        const byRun = new Map(statuses.map((s) => [s.run, s]));
        return runs.map((r) => new RunNode(r, byRun.get(r.run)));
      }
      switch (node.kind) {
        case 'run':
          return await this.steps(node);
        case 'step':
          return await this.groups(node);
        case 'group':
          return await this.samples(node);
        default:
          return [];
      }
    } catch (e) {
      return [new MessageNode(node, `Could not load: ${errorMessage(e)}`, 'error')];
    }
  }

  private limitFor(node: RunNode | StepNode): number {
    return this.shown.get(keyOf(node)) ?? PAGE_SIZE;
  }

  private async steps(run: RunNode): Promise<ExplorerNode[]> {
    const limit = this.limitFor(run);
    const range = this.state.stepRange?.run === run.run.run ? { from: this.state.stepRange.from, to: this.state.stepRange.to } : {};
    const filter = this.withTurns(this.state.filter);
    const filtered = Object.keys(filter).length > 0;
    const page = await this.engine.request(EngineMethods.listSteps, {
      run: run.run.run,
      offset: 0,
      limit,
      ...range,
      ...(filtered ? { filter } : {}),
    });
    if (filtered && page.total === 0) return [new MessageNode(run, `No step has a group that matches (${this.describeFilter()})`)];
    const nodes: ExplorerNode[] = page.rows.map((r) => new StepNode(run, r));
    if (page.total > page.rows.length) nodes.push(new MoreNode(run, page.rows.length, page.total - page.rows.length));
    return nodes;
  }

  /** A text filter also matches tool / environment / user turns when rolloutLens.search.includeAllTurns is on. */
  private withTurns<F extends { text?: string }>(f: F): F & { allTurns?: boolean } {
    return f.text && readConfig().searchIncludeAllTurns ? { ...f, allTurns: true } : f;
  }

  private async groups(step: StepNode): Promise<ExplorerNode[]> {
    const limit = this.limitFor(step);
    const s = this.state;
    const page = await this.engine.request(EngineMethods.listGroups, {
      ...step.ref,
      offset: 0,
      limit,
      sort: s.groupSort,
      descending: s.groupDescending,
      filter: this.withTurns(s.filter),
    });
    if (page.total === 0)
      return [new MessageNode(step, this.describeFilter() ? `No group matches (${this.describeFilter()})` : 'No groups')];
    const nodes: ExplorerNode[] = page.rows.map((g) => new GroupNode(step, g));
    if (page.total > page.rows.length) nodes.push(new MoreNode(step, page.rows.length, page.total - page.rows.length));
    return nodes;
  }

  private async samples(group: GroupNode): Promise<ExplorerNode[]> {
    const s = this.state;
    const filter = this.withTurns({
      ...(s.filter.truncated ? { truncated: true } : {}),
      ...(s.filter.reflects ? { reflects: true } : {}),
      ...(s.filter.filtered ? { filtered: true } : {}),
      ...(s.filter.text ? { text: s.filter.text } : {}),
      ...(s.filter.label ? { label: s.filter.label } : {}),
    });
    const rows = await this.engine.request(EngineMethods.listSamples, {
      ...group.ref,
      sort: s.sampleSort,
      descending: s.sampleDescending,
      filter,
    });
    return rows.map((r) => new SampleNode(group, r));
  }
}

function keyOf(node: RunNode | StepNode): string {
  return node.kind === 'run' ? `run:${node.run.run}` : `step:${node.parent.run.run}:${node.row.split}:${node.row.step}`;
}
