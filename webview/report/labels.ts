// The group's labels above the view: each tag as a badge, with its note, its sample and who made it
// when. Tags and notes are people's text: set as text, never as markup.
import type { ReportLabel } from '../../src/shared/report';
import { el } from '../shared/dom';

export function labelsSection(labels: ReportLabel[] | null): HTMLElement {
  const root = el('section', { cls: 'rl-report-labels', attrs: { 'aria-label': 'Labels' } });
  if (labels === null) return root;
  root.append(el('h2', { text: labels.length ? `Labels (${labels.length})` : 'Labels: none on this group' }));
  const list = el('ul');
  for (const l of labels) {
    list.append(
      el('li', { cls: 'rl-label', attrs: { 'data-index': l.index ?? 'group' } }, [
        el('span', { cls: 'badge rl-label-tag', text: l.tag }),
        el('span', { text: l.index === null ? ' the group' : ` sample #${l.index}` }),
        l.note ? el('span', { cls: 'rl-label-note', text: ` — ${l.note}` }) : null,
        el('span', { cls: 'muted', text: ` (${l.created_by}, ${l.created_at.slice(0, 10)})` }),
      ]),
    );
  }
  if (labels.length) root.append(list);
  return root;
}
