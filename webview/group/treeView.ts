// The group's prefix tree drawn with d3: a left-to-right tidy tree of the radix-compressed nodes.
// Colour = V(s) against the group mean (red below, green above), node size and edge width = how
// many responses pass through, edge label = the node's token text (full text on hover).
// Zoom and pan with the mouse; every node is focusable and the arrow keys walk the tree.
// Tool / environment / user turns (node `context`) are drawn under their edge as marked segments,
// apart from the token text: they are shown, never counted as decisions or branch points.
import * as d3 from 'd3';
import type { GroupTreeNodeView as GroupTreeNode, GroupTreeView } from '../../src/shared/protocol/webviews/group';
import { el, truncate, visibleWhitespace } from '../shared/dom';
import { fmt, signed } from '../shared/format';
import { diverging } from '../shared/theme';
import { TreeHoverCard, treeLegend } from './treeHover';
import type { GroupUi } from './state';
import { passesThrough } from './tokenSpans';
import { counted } from '../../src/shared/text';

export interface TreeCallbacks {
  select(id: number | null): void;
  toggle(id: number): void;
}

type HNode = d3.HierarchyPointNode<GroupTreeNode>;

const ROW = 26;
const COL = 150;
/** Edge length when some edge carries context lines: room for "tool ▸ " and its text under it. */
const CONTEXT_COL = 190;
const LABEL_CHARS = 18;
const CONTEXT_CHARS = 20;
/** Context lines drawn under one edge; more turns on it are summed up as "+N more". */
const CONTEXT_LINES = 2;
const CONTEXT_LINE = 13;

type NodeContext = NonNullable<GroupTreeNode['context']>[number];

/** The context lines an edge shows: its first turns, then "+N more" when there are more. */
function contextLines(n: GroupTreeNode): number {
  const k = n.context?.length ?? 0;
  return Math.min(k, CONTEXT_LINES) + (k > CONTEXT_LINES ? 1 : 0);
}

/**
 * A context turn's one-line preview: markup tags (`<tool_response>`, `<script>`) and whitespace runs
 * read as one space, so the line shows what the tool said ("154"), not its wrapper. Only a preview:
 * the tooltip and the node panel show the turn's text exactly.
 */
function contextPreview(text: string): string {
  const plain = text
    .slice(0, 400)
    .replace(/<\/?[A-Za-z_][\w:-]*\s*\/?>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(plain || text.slice(0, 400).replace(/\s+/g, ' ').trim(), CONTEXT_CHARS);
}

function contextTitle(c: NodeContext): string {
  return `${c.role} turn after token ${c.at} (not a policy decision) · ${counted(c.samples.length, 'response')}\n${c.text}`;
}

/** A one-line label: cut first (node texts can be long), then whitespace made visible. */
function label(text: string, max: number): string {
  return truncate(visibleWhitespace(text.slice(0, max + 1)), max);
}

export class PrefixTreeView {
  readonly root: HTMLElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly canvas: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private tree: GroupTreeView | null = null;
  private byId = new Map<number, GroupTreeNode>();
  private children = new Map<number, number[]>();
  private visible: HNode[] = [];
  private fitted = false;
  /** Row pitch: taller when some edge carries context lines, so they do not run into the next row. */
  private row = ROW;
  private col = COL;
  private readonly hoverCard = new TreeHoverCard();

  constructor(private readonly cb: TreeCallbacks) {
    this.root = el('div', { cls: 'tree-pane' });
    this.svg = d3
      .select(this.root)
      .append('svg')
      .attr('class', 'prefix-tree')
      .attr('role', 'tree')
      .attr('aria-label', 'Prefix tree of the group: arrows move, Enter selects, + and − expand and collapse');
    this.canvas = this.svg.append('g');
    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.1, 4])
      .on('zoom', (e: d3.D3ZoomEvent<SVGSVGElement, unknown>) => this.canvas.attr('transform', e.transform.toString()));
    this.svg.call(this.zoom).on('dblclick.zoom', null);
    this.svg.on('keydown', (e: KeyboardEvent) => this.onKey(e));
    this.root.append(this.hoverCard.root, treeLegend());
  }

  setTree(tree: GroupTreeView | null, ui: GroupUi): void {
    this.tree = tree;
    this.byId = new Map(tree?.nodes.map((n) => [n.id, n]) ?? []);
    this.children = new Map();
    for (const n of tree?.nodes ?? []) {
      if (n.parent === null) continue;
      const list = this.children.get(n.parent) ?? [];
      list.push(n.id);
      this.children.set(n.parent, list);
    }
    this.fitted = false;
    this.render(ui);
  }

  /** Re-lays out (collapse changed) or only restyles (selection changed). */
  update(ui: GroupUi, changed: ReadonlySet<keyof GroupUi>): void {
    if (changed.has('collapsed')) this.render(ui);
    else if (changed.has('selectedNode') || changed.has('selectedSample')) this.restyle(ui);
  }

  /** Makes a node visible (expanding its ancestors is the caller's job) and moves focus to it. */
  reveal(id: number, focus: boolean): void {
    const h = this.visible.find((n) => n.data.id === id);
    if (!h) return;
    const svgNode = this.svg.node() as SVGSVGElement;
    const t = d3.zoomTransform(svgNode);
    const [sx, sy] = t.apply([h.y, h.x]);
    const w = svgNode.clientWidth || 600;
    const hgt = svgNode.clientHeight || 400;
    if (sx < 20 || sx > w - 20 || sy < 20 || sy > hgt - 20) {
      this.svg.call(this.zoom.translateTo, h.y, h.x);
    }
    if (focus) (this.canvas.select<SVGGElement>(`g.node[data-id="${id}"]`).node() as SVGGElement | null)?.focus();
  }

  /** Zooms to show the whole tree; `readable` keeps labels legible (at least 0.6×) and starts at the root. */
  fit(readable = false): void {
    const svgNode = this.svg.node() as SVGSVGElement;
    if (this.visible.length === 0) return;
    const xs = this.visible.map((n) => n.y);
    const ys = this.visible.map((n) => n.x);
    // Room left of the root for its "prompt" label (about 50 px at 11 px type), and for the
    // context lines under it (about 28 characters at 10 px type).
    const rootContext = (this.visible[0]?.data.context?.length ?? 0) > 0;
    const [x0, x1] = [Math.min(...xs) - (rootContext ? 190 : 64), Math.max(...xs) + this.col];
    const [y0, y1] = [Math.min(...ys) - this.row, Math.max(...ys) + this.row];
    const w = svgNode.clientWidth || 600;
    const h = svgNode.clientHeight || 400;
    const whole = Math.min(1.2, Math.min(w / (x1 - x0), h / (y1 - y0)));
    const k = Math.max(readable ? 0.75 : 0.1, whole);
    const root = this.visible[0] as HNode;
    const ty = k === whole ? -y0 * k + Math.max(0, (h - (y1 - y0) * k) / 2) : h / 2 - root.x * k;
    this.svg.call(this.zoom.transform, d3.zoomIdentity.translate(-x0 * k + 10, ty).scale(k));
  }

  private render(ui: GroupUi): void {
    this.canvas.selectAll('*').remove();
    const tree = this.tree;
    const rootNode = tree?.nodes.find((n) => n.parent === null);
    if (!tree || !rootNode) {
      this.visible = [];
      return;
    }
    const g = Math.max(1, tree.samples.length);
    const hier = d3.hierarchy(rootNode, (n) =>
      ui.collapsed.has(n.id) ? null : (this.children.get(n.id) ?? []).map((c) => this.byId.get(c) as GroupTreeNode),
    );
    const lines = Math.max(0, ...tree.nodes.map(contextLines));
    this.row = ROW + CONTEXT_LINE * lines;
    this.col = lines > 0 ? CONTEXT_COL : COL;
    const laid = d3.tree<GroupTreeNode>().nodeSize([this.row, this.col])(hier);
    this.visible = laid.descendants();
    const maxDev = Math.max(1e-9, ...tree.nodes.map((n) => Math.abs(n.value - tree.mean)));
    const width = (count: number): number => 1 + 7 * Math.sqrt(count / g);

    this.canvas
      .append('g')
      .attr('class', 'links')
      .selectAll('path')
      .data(laid.links())
      .join('path')
      .attr('class', 'link')
      .attr('data-id', (l) => l.target.data.id)
      .attr(
        'd',
        d3
          .linkHorizontal<d3.HierarchyPointLink<GroupTreeNode>, HNode>()
          .x((d) => d.y)
          .y((d) => d.x),
      )
      .style('stroke-width', (l) => `${width(l.target.data.count)}px`);

    const nodes = this.canvas
      .append('g')
      .attr('class', 'nodes')
      .selectAll<SVGGElement, HNode>('g')
      .data(this.visible)
      .join('g')
      .attr('class', (d) => `node${ui.collapsed.has(d.data.id) && (this.children.get(d.data.id)?.length ?? 0) > 0 ? ' collapsed' : ''}`)
      .attr('data-id', (d) => d.data.id)
      .attr('transform', (d) => `translate(${d.y},${d.x})`)
      .attr('role', 'treeitem')
      .attr('tabindex', -1)
      .attr('aria-level', (d) => d.depth + 1)
      .attr('aria-expanded', (d) => ((this.children.get(d.data.id)?.length ?? 0) > 0 ? String(!ui.collapsed.has(d.data.id)) : null))
      .attr('aria-label', (d) => this.describe(d.data))
      .on('click', (_e: MouseEvent, d) => this.cb.select(d.data.id))
      .on('mouseenter', (e: MouseEvent, d) =>
        this.hoverCard.show(
          d.data,
          this.children.get(d.data.id)?.length ?? 0,
          (e.currentTarget as SVGGElement).querySelector('circle') ?? (e.currentTarget as SVGGElement),
          this.root,
        ),
      )
      .on('mouseleave', () => this.hoverCard.hide())
      .on('dblclick', (_e: MouseEvent, d) => this.cb.toggle(d.data.id));

    nodes
      .append('circle')
      .attr('r', (d) => 2 + 6 * Math.sqrt(d.data.count / g))
      .style('fill', (d) => diverging((d.data.value - tree.mean) / maxDev));
    nodes.append('title').text((d) => this.tooltip(d.data));
    // The edge label: the text of the node's run, left of the node, on its incoming edge.
    nodes
      .filter((d) => d.parent !== null)
      .append('text')
      .attr('class', 'edge-label')
      .attr('x', -this.col / 2)
      .attr('y', -5)
      .attr('text-anchor', 'middle')
      .text((d) => label(d.data.text, LABEL_CHARS));
    nodes
      .filter((d) => d.parent === null)
      .append('text')
      .attr('class', 'edge-label')
      .attr('x', -8)
      .attr('y', 4)
      .attr('text-anchor', 'end')
      .text('prompt');
    this.drawContext(nodes.filter((d) => (d.data.context?.length ?? 0) > 0));
    nodes
      .filter((d) => (this.children.get(d.data.id)?.length ?? 0) >= 2 || ui.collapsed.has(d.data.id))
      .append('text')
      .attr('class', 'fan-out')
      // Below the node, where no edge runs (outgoing edges leave it horizontally).
      .attr('x', 0)
      .attr('y', 18)
      .attr('text-anchor', 'middle')
      .text((d) => {
        const k = this.children.get(d.data.id)?.length ?? 0;
        // Says what the number is: the responses part here, into k continuations.
        return ui.collapsed.has(d.data.id) && k > 0 ? `+${k} hidden` : `${k} ways`;
      });

    const tabStop = this.visible.find((n) => n.data.id === ui.selectedNode) ?? this.visible[0];
    if (tabStop) this.canvas.select(`g.node[data-id="${tabStop.data.id}"]`).attr('tabindex', 0);
    this.restyle(ui);
    if (!this.fitted) {
      this.fitted = true;
      this.fit(true);
    }
  }

  /**
   * Under the edge (for the root: under its "prompt" label), one marked line per context turn:
   * "tool ▸ its text". d3's .text() sets textContent, so the untrusted turn text stays text.
   */
  private drawContext(nodes: d3.Selection<SVGGElement, HNode, SVGGElement, unknown>): void {
    const mid = -this.col / 2;
    nodes.each(function (d) {
      const ctx = d.data.context ?? [];
      const root = d.parent === null;
      const g = d3.select(this);
      ctx.slice(0, CONTEXT_LINES).forEach((c, i) => {
        const t = g
          .append('text')
          .attr('class', 'edge-context')
          .attr('data-role', c.role)
          .attr('data-at', c.at)
          .attr('x', root ? -14 : mid)
          .attr('y', (root ? 17 : 12) + i * CONTEXT_LINE)
          .attr('text-anchor', root ? 'end' : 'middle');
        t.append('tspan').attr('class', 'context-role').text(`${c.role} ▸ `);
        t.append('tspan').attr('class', 'context-text').text(contextPreview(c.text));
        t.append('title').text(contextTitle(c));
      });
      if (ctx.length > CONTEXT_LINES) {
        g.append('text')
          .attr('class', 'edge-context more')
          .attr('x', root ? -14 : mid)
          .attr('y', (root ? 17 : 12) + CONTEXT_LINES * CONTEXT_LINE)
          .attr('text-anchor', root ? 'end' : 'middle')
          .text(`+${ctx.length - CONTEXT_LINES} more turns (select the node)`);
      }
    });
  }

  private restyle(ui: GroupUi): void {
    const sel = ui.selectedNode;
    const sample = ui.selectedSample;
    const onPath = (n: GroupTreeNode): boolean => sample !== null && passesThrough(n, sample);
    this.canvas
      .selectAll<SVGGElement, HNode>('g.node')
      .classed('selected', (d) => d.data.id === sel)
      .classed('on-path', (d) => onPath(d.data))
      .attr('aria-selected', (d) => String(d.data.id === sel));
    this.canvas
      .selectAll<SVGPathElement, d3.HierarchyPointLink<GroupTreeNode>>('path.link')
      .classed('on-path', (l) => onPath(l.target.data));
  }

  private describe(n: GroupTreeNode): string {
    const k = this.children.get(n.id)?.length ?? 0;
    const ctx = n.context?.length ? `, then ${n.context.map((c) => `a ${c.role} turn`).join(', ')} (not decisions)` : '';
    return `${label(n.text, 40) || 'prompt'}: V ${fmt(n.value)}, δ ${signed(n.delta)}, ${counted(n.count, 'response')}${k >= 2 ? `, branches ${k} ways` : ''}${ctx}`;
  }

  private tooltip(n: GroupTreeNode): string {
    const lines = [
      n.text_length > n.text.length ? `${n.text}… (${n.text_length} characters: select the node to read them all)` : n.text,
      '',
      `V(s) ${fmt(n.value)} · δ ${signed(n.delta)} · ${counted(n.count, 'response')} · ${counted(n.tokens, 'token')} from token ${n.depth}`,
    ];
    for (const c of n.context ?? []) lines.push('', contextTitle(c));
    const kids = this.children.get(n.id) ?? [];
    if (kids.length >= 2) {
      lines.push(`fan-out ${kids.length}:`);
      for (const c of kids) {
        const child = this.byId.get(c) as GroupTreeNode;
        lines.push(`  ${label(child.text, 24)}  V ${fmt(child.value)}  δ ${signed(child.delta)}  (${child.count})`);
      }
    }
    return lines.join('\n');
  }

  private onKey(e: KeyboardEvent): void {
    const target = (e.target as Element).closest('g.node');
    if (!target) return;
    const id = Number(target.getAttribute('data-id'));
    const i = this.visible.findIndex((n) => n.data.id === id);
    const h = this.visible[i];
    if (!h) return;
    const hasKids = (this.children.get(id)?.length ?? 0) > 0;
    const collapsed = target.classList.contains('collapsed');
    let next: HNode | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = this.visible[i + 1];
        break;
      case 'ArrowUp':
        next = this.visible[i - 1];
        break;
      case 'ArrowRight':
        if (hasKids && collapsed) this.cb.toggle(id);
        else next = h.children?.[0];
        break;
      case 'ArrowLeft':
        if (hasKids && !collapsed) this.cb.toggle(id);
        else next = h.parent ?? undefined;
        break;
      case 'Home':
        next = this.visible[0];
        break;
      case 'End':
        next = this.visible[this.visible.length - 1];
        break;
      case 'Enter':
      case ' ':
        this.cb.select(id);
        break;
      case '+':
      case '-':
        if (hasKids && collapsed === (e.key === '+')) this.cb.toggle(id);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next) {
      this.canvas.selectAll('g.node').attr('tabindex', -1);
      this.canvas.select(`g.node[data-id="${next.data.id}"]`).attr('tabindex', 0);
      this.reveal(next.data.id, true);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === '+' || e.key === '-') {
      // A toggle re-rendered the tree: keep the focus on the same node.
      this.reveal(id, true);
    }
  }
}
