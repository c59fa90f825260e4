// Beside the tree: the decision tokens (branch edges ranked by |δ|: where good and bad responses
// parted ways), each a button that selects its node, and the selected node's facts: its full text,
// V, δ, responses, and for a branch point each child's V and δ.
import type { GroupTreeNodeView, GroupTreeView } from '../../src/shared/protocol/webviews/group';
import { ChunkedText } from '../shared/chunkedText';
import { clear, el, truncate, visibleWhitespace } from '../shared/dom';
import { fmt, percent, signed } from '../shared/format';
import { makeRoving } from '../shared/keyboard';
import { counted } from '../../src/shared/text';

export class NodePanel {
  readonly root: HTMLElement;
  private readonly decisions: HTMLElement;
  private readonly info: HTMLElement;
  private text: ChunkedText | null = null;
  private decisionRows: HTMLElement[] = [];
  private readonly empty = el('p', { cls: 'muted' });

  constructor(private readonly select: (id: number) => void) {
    this.decisions = el('ol', { cls: 'decisions', attrs: { 'aria-label': 'Decision tokens' } });
    this.info = el('div', { cls: 'node-info', attrs: { 'aria-live': 'polite' } });
    this.root = el('section', { cls: 'node-panel' }, [
      el('h3', { text: 'Decision tokens', title: 'Branch edges ranked by |δ| = |V(child) − V(parent)|' }),
      this.decisions,
      this.empty,
      this.info,
    ]);
    makeRoving(this.decisions, { rows: () => this.decisionRows, onActivate: (row) => this.select(Number(row.dataset['node'])) });
  }

  setTree(tree: GroupTreeView | null): void {
    clear(this.decisions);
    this.decisionRows = (tree?.decision_tokens ?? []).map((d, i) => {
      const li = el(
        'li',
        {
          cls: 'decision',
          attrs: { tabindex: i === 0 ? 0 : -1, role: 'button', 'data-node': d.node },
          title: `${d.text}\n\nat token ${d.depth}: V ${fmt(d.parent_value)} → ${fmt(d.value)} over ${counted(d.count, 'response')}`,
        },
        [
          el('code', { text: truncate(visibleWhitespace(d.text), 24) || '∅' }),
          el('span', { cls: d.delta > 0 ? 'pos' : 'neg', text: ` δ ${signed(d.delta)}` }),
          el('span', { cls: 'muted', text: ` · V ${fmt(d.value)} · ${d.count} resp.` }),
        ],
      );
      li.addEventListener('click', () => this.select(d.node));
      return li;
    });
    this.decisions.append(...this.decisionRows);
    this.decisions.hidden = this.decisionRows.length === 0;
    this.empty.textContent = this.decisionRows.length > 0 ? '' : tree ? 'None: no branch changes V (δ = 0 everywhere).' : '–';
  }

  /** `fullText` is the node's whole text once fetched; until then its preview is shown. */
  showNode(tree: GroupTreeView | null, id: number | null, fullText?: string): void {
    this.text?.dispose();
    this.text = null;
    clear(this.info);
    const node = id === null ? undefined : tree?.nodes.find((n) => n.id === id);
    for (const row of this.decisionRows) row.classList.toggle('selected', Number(row.dataset['node']) === id);
    if (!tree || !node) {
      if (tree)
        this.info.append(
          el('p', {
            cls: 'muted',
            text: `Tokens where TEMPO differs from GRPO (δ ≠ 0): ${percent(tree.delta_token_fraction)}. Select a node to see its text.`,
          }),
        );
      return;
    }
    const kids = tree.nodes.filter((n) => n.parent === node.id);
    this.info.append(
      el('h3', { text: node.parent === null ? 'Prompt (root)' : `Node at token ${node.depth}` }),
      el('p', {
        cls: 'muted',
        text: `V(s) ${fmt(node.value)} · δ ${signed(node.delta)} · ${node.count} of ${counted(tree.samples.length, 'response')} · ${node.tokens} tokens`,
      }),
    );
    if (node.text_length > 0) {
      this.text = new ChunkedText(fullText ?? node.text, [], { math: false, chunkChars: 4000 });
      this.text.root.classList.add('node-text');
      this.info.append(this.text.root);
      if (fullText === undefined && node.text_length > node.text.length)
        this.info.append(el('p', { cls: 'muted', text: `Loading all ${node.text_length} characters…` }));
    }
    for (const c of node.context ?? []) {
      // Tool / environment / user text is context, never a decision: shown as text, apart.
      this.info.append(
        el('div', { cls: 'tree-context', attrs: { 'data-role': c.role } }, [
          el('div', {
            cls: 'muted',
            text: `${c.role} turn after token ${c.at} (not a policy decision) · ${c.samples.length} response${c.samples.length === 1 ? '' : 's'}`,
          }),
          el('div', { cls: 'turn-text', text: c.text }),
        ]),
      );
    }
    if (kids.length >= 2) {
      this.info.append(
        el('p', { text: `Branches ${kids.length} ways:` }),
        el(
          'table',
          { cls: 'children' },
          kids.map((c: GroupTreeNodeView) => {
            const tr = el('tr', { cls: 'child', attrs: { tabindex: 0, role: 'button', 'data-node': c.id }, title: c.text }, [
              el('td', {}, [el('code', { text: truncate(visibleWhitespace(c.text), 24) })]),
              el('td', { cls: 'num', text: `V ${fmt(c.value)}` }),
              el('td', { cls: ['num', c.delta > 0 ? 'pos' : c.delta < 0 ? 'neg' : ''], text: `δ ${signed(c.delta)}` }),
              el('td', { cls: 'num muted', text: `${c.count} resp.` }),
            ]);
            tr.addEventListener('click', () => this.select(c.id));
            tr.addEventListener('keydown', (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                this.select(c.id);
              }
            });
            return tr;
          }),
        ),
      );
    }
  }
}
