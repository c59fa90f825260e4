// The re-score comparison: how a new reward function agrees with the logged one (agreement,
// confusion matrix, flips), what it does to each step (Δ mean reward, Δ effective-gradient ratio),
// and the changed samples, each row opening VS Code's diff of logged vs new score and rationale.
import '../shared/base.css';
import './rescore.css';
import { CHECKPOINT_VERSION, ErrorNotification, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import {
  RescoreMessages,
  rescoreCheckpointSchema,
  type RescoreCheckpoint,
  type RescoreComparison,
  type RescoreSampleRow,
  type RescoreSnapshot,
} from '../../src/shared/protocol/webviews/rescore';
import { Chart } from '../shared/chart';
import { ChunkedText } from '../shared/chunkedText';
import { clear, el, message, onWidthChange, truncate } from '../shared/dom';
import { fmt, percent, signed } from '../shared/format';
import { HostConnection } from '../shared/host';
import { ViewPaint } from '../shared/paint';
import { makeRoving, resetTabStop } from '../shared/keyboard';
import { badge, checkbox, dropdown, registerControls } from '../shared/ui';

registerControls();
const host = new HostConnection();
const restored = readCheckpoint(rescoreCheckpointSchema, host.savedState());
let ui: Omit<RescoreCheckpoint, 'v' | 'setId'> = restored ?? { sort: 'delta', flippedOnly: false, selected: null };
let setId = restored?.setId ?? '';
let snap: RescoreSnapshot | null = null;
/** Rows are built in pages as the reader scrolls: a set can change thousands of samples. */
const PAGE = 200;
let shownRows: RescoreSampleRow[] = [];
let built = 0;
let rowEls: HTMLTableRowElement[] = [];

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
const paint = new ViewPaint(app);
const header = el('header', { cls: 'rescore-header' });
const summary = el('section', { cls: 'summary' });
const perStep = el('section', { cls: 'per-step' });
const controls = el('div', { cls: 'toolbar' });
const tbody = el('tbody');
const more = el('div', { cls: 'more muted' });
const table = el('table', { cls: 'rows changed', attrs: { role: 'grid', 'aria-label': 'Changed samples' } }, [
  el('thead', {}, [
    el('tr', {}, [
      el('th', { cls: 'num', text: 'Step' }),
      el('th', { text: 'Group' }),
      el('th', { cls: 'num', text: '#' }),
      el('th', { cls: 'num', text: 'Logged' }),
      el('th', { cls: 'num', text: 'New' }),
      el('th', { cls: 'num', text: 'Δ' }),
      el('th', { text: 'Flip' }),
      el('th', { text: 'Rationale' }),
    ]),
  ]),
  tbody,
]);
const detail = el('section', { cls: 'row-detail', attrs: { 'aria-live': 'polite' } });
clear(app);
app.append(
  header,
  summary,
  perStep,
  el('h2', { text: 'Changed samples' }),
  controls,
  el('div', { cls: 'table-scroll' }, [table, more]),
  detail,
);

function save(): void {
  if (setId) host.saveState({ v: CHECKPOINT_VERSION, setId, ...ui } satisfies RescoreCheckpoint);
}

function update(patch: Partial<typeof ui>): void {
  ui = { ...ui, ...patch };
  save();
  if (snap?.comparison) renderRows(snap.comparison);
}

function renderSummary(c: RescoreComparison): void {
  clear(summary);
  const { tp, fp, fn, tn } = c.confusion;
  const cell = (n: number, label: string): HTMLElement => el('td', { cls: 'num', text: String(n), title: label });
  summary.append(
    el('div', { cls: 'card' }, [
      el('div', { cls: 'big', text: percent(c.agreement) }),
      el('div', { cls: 'muted', text: 'agreement on correctness' }),
    ]),
    el('div', { cls: 'card' }, [
      el('table', { cls: 'confusion', attrs: { 'aria-label': 'Confusion matrix: logged verdict by new verdict' } }, [
        el('tr', {}, [el('th'), el('th', { text: 'new ✓' }), el('th', { text: 'new ✗' })]),
        el('tr', {}, [el('th', { text: 'logged ✓' }), cell(tp, 'both correct'), cell(fn, 'logged correct, new wrong')]),
        el('tr', {}, [el('th', { text: 'logged ✗' }), cell(fp, 'logged wrong, new correct'), cell(tn, 'both wrong')]),
      ]),
    ]),
    el('div', { cls: 'card' }, [
      el('div', { cls: 'big', text: String(c.flips.correctness) }),
      el('div', { cls: 'muted', text: 'correctness flips' }),
    ]),
    el('div', { cls: 'card' }, [
      el('div', { cls: 'big', text: String(c.flips.advantage_sign) }),
      el('div', { cls: 'muted', text: 'advantage sign flips' }),
    ]),
  );
}

function renderPerStep(c: RescoreComparison): void {
  clear(perStep);
  if (c.per_step.length === 0) return;
  const x = c.per_step.map((p) => p.step);
  const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
  const width = Math.max(260, (perStep.clientWidth || 800) / (perStep.clientWidth > 1000 ? 2 : 1) - 16);
  const reward = new Chart({
    key: 'delta-reward',
    title: 'Δ mean reward per step (new − logged)',
    x,
    xKind: 'step',
    series: [{ name: 'Δ mean reward', color: 'var(--vscode-charts-blue)', y: c.per_step.map((p) => diff(p.mean_before, p.mean_after)) }],
  });
  const egr = new Chart({
    key: 'delta-egr',
    title: 'Δ effective-gradient ratio per step',
    x,
    xKind: 'step',
    format: 'percent',
    series: [
      {
        name: 'Δ effective-gradient ratio',
        color: 'var(--vscode-charts-purple)',
        y: c.per_step.map((p) => diff(p.egr_before, p.egr_after)),
      },
    ],
  });
  perStep.append(reward.root, egr.root);
  reward.render(width, { selected: null, range: null });
  egr.render(width, { selected: null, range: null });
}

function sortedRows(c: RescoreComparison): RescoreSampleRow[] {
  const rows = ui.flippedOnly ? c.samples.filter((r) => r.flipped) : [...c.samples];
  const key: Record<RescoreCheckpoint['sort'], (r: RescoreSampleRow) => number> = {
    delta: (r) => -Math.abs(r.delta),
    step: (r) => r.ref.step,
    before: (r) => r.before,
    after: (r) => r.after,
  };
  const k = key[ui.sort];
  return rows.sort((a, b) => k(a) - k(b) || a.ref.step - b.ref.step || a.ref.index - b.ref.index);
}

function renderControls(): void {
  clear(controls);
  controls.append(
    dropdown(
      [
        { value: 'delta', label: 'Largest |Δ| first' },
        { value: 'step', label: 'By step' },
        { value: 'before', label: 'By logged score' },
        { value: 'after', label: 'By new score' },
      ] as const,
      ui.sort,
      (sort) => update({ sort, selected: null }),
      { label: 'Sort changed samples' },
    ),
    checkbox('Flipped only', ui.flippedOnly, (flippedOnly) => update({ flippedOnly, selected: null }), { id: 'flipped-only' }),
  );
}

function buildRow(r: RescoreSampleRow, i: number): HTMLTableRowElement {
  const tr = el(
    'tr',
    { cls: 'row', attrs: { role: 'row', tabindex: -1, 'data-row': i }, title: 'Enter or click: open the diff of logged vs new' },
    [
      el('td', { cls: 'num', text: String(r.ref.step) }),
      el('td', { text: truncate(r.ref.group, 16), title: r.ref.group }),
      el('td', { cls: 'num', text: String(r.ref.index) }),
      el('td', { cls: 'num', text: fmt(r.before) }),
      el('td', { cls: 'num', text: fmt(r.after) }),
      el('td', { cls: ['num', r.delta > 0 ? 'pos' : r.delta < 0 ? 'neg' : ''], text: signed(r.delta) }),
      el('td', { text: r.flipped ? 'flipped' : '' }),
      el('td', {
        cls: 'rationale-cell',
        text: truncate((r.rationale ?? '').replace(/\s+/g, ' '), 80),
        title: (r.rationale ?? '').slice(0, 2000),
      }),
    ],
  );
  tr.addEventListener('click', () => activate(i));
  return tr;
}

function buildMore(): void {
  const end = Math.min(shownRows.length, built + PAGE);
  const fresh: HTMLTableRowElement[] = [];
  for (let i = built; i < end; i++) fresh.push(buildRow(shownRows[i] as RescoreSampleRow, i));
  tbody.append(...fresh);
  rowEls.push(...fresh);
  built = end;
  more.textContent = built < shownRows.length ? `${built} of ${shownRows.length} shown; scroll for more` : `${shownRows.length} samples`;
}

function renderRows(c: RescoreComparison): void {
  shownRows = sortedRows(c);
  built = 0;
  rowEls = [];
  clear(tbody);
  buildMore();
  if (shownRows.length === 0) more.textContent = ui.flippedOnly ? 'No flipped samples.' : 'No sample changed.';
  while (ui.selected !== null && ui.selected >= built && built < shownRows.length) buildMore();
  resetTabStop(rowEls, ui.selected !== null ? rowEls[ui.selected] : undefined);
  renderDetail();
}

function renderDetail(): void {
  clear(detail);
  const r = ui.selected !== null ? shownRows[ui.selected] : undefined;
  rowEls.forEach((tr, i) => tr.classList.toggle('selected', i === ui.selected));
  if (!r) return;
  detail.append(
    el('h3', { text: `Step ${r.ref.step} · group ${r.ref.group} · sample #${r.ref.index}: ${fmt(r.before)} → ${fmt(r.after)}` }),
  );
  if (r.rationale) {
    const t = new ChunkedText(r.rationale, [], { math: true });
    detail.append(el('div', { cls: 'muted', text: 'New rationale' }), t.root);
  }
}

function activate(i: number): void {
  const r = shownRows[i];
  if (!r) return;
  ui = { ...ui, selected: i };
  save();
  resetTabStop(rowEls, rowEls[i]);
  renderDetail();
  host.notify(RescoreMessages.openDiff, { ref: r.ref });
}

makeRoving(tbody, { rows: () => rowEls, onActivate: (row) => activate(Number(row.dataset['row'])) });
new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting) && built < shownRows.length) buildMore();
}).observe(more);

host.on(RescoreMessages.snapshot, (s) => {
  if (setId && setId !== s.set_id) ui = { sort: 'delta', flippedOnly: false, selected: null };
  setId = s.set_id;
  snap = s;
  save();
  clear(header);
  const c = s.comparison;
  document.title = `Re-score ${s.set_id}`;
  header.append(el('h1', { text: `Re-score set ${s.set_id}` }, c ? [' ', badge(c.set.status)] : []));
  if (c) header.append(el('code', { cls: 'spec', text: c.set.spec }));
  // Say what "Logged" and Δ mean: a correctness-only spec is compared with the logged correctness
  // component, not with a total reward that also holds format or length terms.
  if (c)
    header.append(
      el('p', {
        cls: 'baseline muted',
        text: `Compared with the ${(c.baseline ?? 'logged reward').replace(/^logged component (.+)$/, 'logged $1 component')}: Δ = new − logged.`,
      }),
    );
  if (!c) {
    header.append(message(s.error ?? 'No comparison for this set.', s.error ? 'error' : 'info'));
    clear(summary);
    clear(perStep);
    clear(tbody);
  } else {
    renderSummary(c);
    renderPerStep(c);
    renderControls();
    renderRows(c);
  }
  paint.rendered();
});

// A new width redraws the per-step charts to fit, as the dashboard does.
onWidthChange(perStep, () => {
  const c = snap?.comparison;
  if (c) renderPerStep(c);
});

// The error replaces the header and ends the busy state, as in the other views.
host.on(ErrorNotification, (p) => paint.error(header, p.message));

host.ready(restored ?? undefined);
