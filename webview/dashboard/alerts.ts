// The dashboard's alert list: one summary row (how many alerts of each kind) that expands on click
// to one row per reward-hacking alert of the shown split (kind, step, score, message), each with
// buttons that open the samples behind it. Collapsed at first, so a long list does not push the
// charts off the page. Messages are engine text and go in through textContent like everything else.
import { ALERT_TITLES, type AlertDto, type AlertSampleRef } from '../../src/shared/alerts';
import type { Split } from '../../src/shared/rollout';
import { clear, el } from '../shared/dom';
import { fmt } from '../shared/format';
import { badge, button } from '../shared/ui';

/** Sample buttons per alert; the rest are one click away in the group view. */
const SAMPLE_BUTTONS = 5;

/** Whether the user opened the list: a live run's next snapshot redraws it as they left it. */
let expanded = false;

/** "3 degenerate output, 1 saturation": the kinds, most alerts first. */
function kindCounts(alerts: readonly AlertDto[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(ALERT_TITLES[a.kind], (counts.get(ALERT_TITLES[a.kind]) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([title, n]) => `${n} ${title.toLowerCase()}`)
    .join(', ');
}

export interface AlertHandlers {
  /** `flagged`: the alert's samples in the ref's group (marked in the group view). */
  open(ref: AlertSampleRef, as: 'sample' | 'group', flagged: number[]): void;
  pickStep(step: number): void;
}

export function renderAlerts(
  pane: HTMLElement,
  alerts: readonly AlertDto[] | undefined,
  disabled: readonly string[] | undefined,
  split: Split,
  h: AlertHandlers,
): void {
  clear(pane);
  const shown = (alerts ?? []).filter((a) => a.split === split);
  if (shown.length === 0 && !disabled?.length) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  const toggle = el('span', { cls: 'alert-toggle', text: expanded ? ' — hide' : ' — show' });
  const details = el('details', { cls: 'alert-details', attrs: { id: 'alert-details' } }, [
    el('summary', { attrs: { id: 'alert-summary' } }, [
      el('h2', { text: `Alerts (${shown.length})` }),
      el('span', { cls: 'alert-kinds', text: shown.length > 0 ? `: ${kindCounts(shown)}` : '' }),
      toggle,
    ]),
  ]);
  details.open = expanded;
  details.addEventListener('toggle', () => {
    expanded = details.open;
    toggle.textContent = expanded ? ' — hide' : ' — show';
  });
  const list = el('ul', { cls: 'alert-list', attrs: { id: 'alert-list' } });
  for (const a of shown) {
    const first = a.refs[0];
    const item = el('li', { cls: 'alert', attrs: { 'data-kind': a.kind, 'data-step': a.step } }, [
      badge(ALERT_TITLES[a.kind], a.kind),
      el('button', {
        cls: 'alert-step',
        text: `step ${a.step}`,
        title: 'Select this step on the charts',
        on: { click: () => h.pickStep(a.step) },
      }),
      // Say what the count counts: the samples behind the alert, which its message may count among more.
      el('span', {
        cls: 'muted',
        text: ` score ${fmt(a.score)} · ${a.samples.length} flagged sample${a.samples.length === 1 ? '' : 's'}`,
        title: 'The samples behind this alert (the ones its buttons open); the message may count them among more',
      }),
      el('div', { cls: 'alert-message', text: a.message }),
    ]);
    const actions = el('div', { cls: 'alert-actions' });
    if (first)
      actions.append(
        button(
          'Open group',
          () =>
            h.open(
              first,
              'group',
              a.refs.filter((r) => r.group === first.group && r.step === first.step && r.split === first.split).map((r) => r.index),
            ),
          { secondary: true, title: `Open group ${first.group} of step ${first.step}, its flagged samples marked` },
        ),
      );
    for (const r of a.refs.slice(0, SAMPLE_BUTTONS)) {
      actions.append(
        button(`#${r.index} of ${r.group.slice(0, 12)}`, () => h.open(r, 'sample', []), { secondary: true, title: `Open sample ${r.id}` }),
      );
    }
    item.append(actions);
    list.append(item);
  }
  details.append(list);
  if (shown.length > 0) pane.append(details);
  for (const d of disabled ?? []) pane.append(el('div', { cls: 'muted', text: `Detector off for this run after an error: ${d}` }));
}
