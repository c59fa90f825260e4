// The labels of a group and its samples (docs/webviews.md#labels): tags as pills, the note, who and
// when in each pill's tooltip, and the "Label…" buttons that ask the host. Tags and notes are text.
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { LabelEntry } from '../../src/shared/labels';
import { el } from '../shared/dom';
import { badge, button } from '../shared/ui';

function pill(l: LabelEntry): HTMLElement {
  const p = badge(l.tag, `${l.note ? `${l.note}\n` : ''}by ${l.created_by}, ${l.created_at}`);
  p.classList.add('label-tag');
  return p;
}

/** The header's line: the group's own tags, then each labelled sample's ("#1 reward-hack"), and Label…. */
export function groupLabelsLine(s: GroupSnapshot, label: () => void): HTMLElement {
  const parts: HTMLElement[] = [el('span', { cls: 'muted', text: 'Labels:' })];
  if (s.labels.group.length === 0 && s.labels.samples.length === 0) parts.push(el('span', { cls: 'muted', text: 'none' }));
  parts.push(...s.labels.group.map(pill));
  for (const sample of s.labels.samples) {
    parts.push(el('span', { cls: 'label-sample', text: `#${sample.index}` }, sample.labels.map(pill)));
  }
  // A shared report (rollout-lens report) shows the labels but cannot add any: no database behind it.
  if (!s.shared_report)
    parts.push(
      button('Label…', label, { secondary: true, id: 'label-group', title: 'Put a tag (and a note) on this group, or take one off' }),
    );
  return el('div', { cls: 'toolbar labels', attrs: { id: 'labels' } }, parts);
}

/** A sample's tags, for the selected sample's heading. */
export function sampleLabelPills(s: GroupSnapshot, index: number): HTMLElement[] {
  return (s.labels.samples.find((x) => x.index === index)?.labels ?? []).map(pill);
}
