// The prefix tree's hover card and legend. The SVG <title> tooltip alone showed nothing for a user
// who hovered a node (it waits, and is easy to miss on a small circle); the card shows V(s), δ and
// the count at once, beside the node. The legend says what size, colour and "N ways" mean.
import type { GroupTreeNodeView } from '../../src/shared/protocol/webviews/group';
import { counted } from '../../src/shared/text';
import { el } from '../shared/dom';
import { fmt, signed } from '../shared/format';
import { diverging } from '../shared/theme';

export class TreeHoverCard {
  readonly root = el('div', { cls: 'tree-hover', attrs: { role: 'tooltip', hidden: true } });

  /** Shows the card for `n` beside `target` (a node's circle), inside `pane` (the tree's positioned container). */
  show(n: GroupTreeNodeView, fanOut: number, target: Element, pane: HTMLElement): void {
    this.root.textContent = '';
    this.root.append(
      el('div', { cls: 'tree-hover-title', text: n.parent === null ? 'Prompt (root)' : `Node at token ${n.depth}` }),
      el('div', { text: `V(s) ${fmt(n.value)} · δ ${signed(n.delta)}` }),
      el('div', {
        text: `${counted(n.count, 'response')} · ${counted(n.tokens, 'token')}${fanOut >= 2 ? ` · branches ${fanOut} ways` : ''}`,
      }),
      el('div', { cls: 'muted', text: 'Click for its text and branches' }),
    );
    const box = target.getBoundingClientRect();
    const frame = pane.getBoundingClientRect();
    this.root.hidden = false;
    // Right of the node, flipped left near the pane's right edge; kept inside the pane vertically.
    const width = this.root.offsetWidth;
    const left = box.right - frame.left + 8;
    this.root.style.left = `${left + width > frame.width ? Math.max(0, box.left - frame.left - width - 8) : left}px`;
    this.root.style.top = `${Math.max(0, Math.min(box.top - frame.top - 4, frame.height - this.root.offsetHeight))}px`;
  }

  hide(): void {
    this.root.hidden = true;
  }
}

/** What the tree's marks mean, in one line under it. */
export function treeLegend(): HTMLElement {
  const dot = (x: number): HTMLElement => {
    const d = el('span', { cls: 'legend-dot' });
    d.style.background = diverging(x);
    return d;
  };
  return el('div', { cls: 'tree-legend muted', attrs: { 'aria-label': 'Tree legend' } }, [
    el('span', {}, [dot(-1), ' below ', dot(1), ' above the group mean: V(s), the mean reward of the responses through a node']),
    el('span', { text: ' · size: how many responses pass · δ: V(s) minus its parent’s · "3 ways": a branch point' }),
  ]);
}
