// The group's samples beside the tree: reward, its components as a stacked bar, the advantage under
// the chosen estimator, length and finish reason; sortable, filterable, keyboard-navigable. Rows of
// samples that pass through the selected tree node are marked; the selected sample opens below.
import { ESTIMATOR_LABELS, sampleAdvantages, type AdvantageEstimator } from '../../src/shared/protocol/webviews/advantages';
import type { GroupSampleView, GroupSnapshot, SampleColumn } from '../../src/shared/protocol/webviews/group';
import { clear, el } from '../shared/dom';
import { denoise, fmt, signed } from '../shared/format';
import { makeRoving, resetTabStop } from '../shared/keyboard';
import { seriesColor } from '../shared/theme';
import type { GroupUi } from './state';
import { RunLookup, passesThrough } from './tokenSpans';
import { TOKEN_HEADERS, isTokenColumn, showTokenColumns, tokenCells, tokenSortKey } from './tokenColumns';
import { BOX_HEADERS, boxCells, boxSortKey, isBoxColumn, showBoxColumns } from './boxColumns';
import { TIMELINE_HEADERS, isTimelineColumn, showTimelineColumns, timelineCells, timelineSortKey } from './timelineColumns';

export interface SampleListCallbacks {
  select(index: number): void;
  sort(column: SampleColumn): void;
  /** The pointer entered (index) or left (null) a sample's row: its boxes on the image light up. */
  hover(index: number | null): void;
}

const HEADERS: ReadonlyArray<{ column: SampleColumn | null; label: string; num: boolean; title: string }> = [
  { column: 'index', label: '#', num: true, title: 'Index within the group' },
  { column: 'reward', label: 'Reward', num: true, title: 'Reward as logged' },
  { column: null, label: 'Components', num: false, title: 'Reward components, stacked (negative ones to the left)' },
  { column: 'advantage', label: 'Advantage', num: true, title: 'Sequence advantage under the chosen estimator' },
  { column: 'length', label: 'Length', num: true, title: 'Response length' },
  { column: 'finish', label: 'Finish', num: false, title: 'Finish reason (length = truncated)' },
  { column: null, label: '✓', num: false, title: 'Correct as logged' },
  ...TOKEN_HEADERS,
  ...BOX_HEADERS,
  ...TIMELINE_HEADERS,
];

const BAR_PX = 90;

export class SampleList {
  readonly root: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly counter: HTMLElement;
  private snap: GroupSnapshot | null = null;
  private advantages = new Map<number, number | undefined>();
  private rows: HTMLTableRowElement[] = [];
  /** Only these samples are listed (a vote chosen in the game section); null: all. Not kept across snapshots. */
  private only: ReadonlySet<number> | null = null;

  constructor(private readonly cb: SampleListCallbacks) {
    this.legend = el('div', { cls: 'legend' });
    this.counter = el('span', { cls: 'muted', attrs: { 'aria-live': 'polite' } });
    const head = el(
      'tr',
      {},
      HEADERS.map((h) => this.header(h)),
    );
    this.body = el('tbody');
    this.table = el('table', { cls: 'rows samples', attrs: { role: 'grid', 'aria-label': 'Samples of the group' } }, [
      el('thead', {}, [head]),
      this.body,
    ]);
    this.root = el('section', { cls: 'sample-list' }, [
      el('div', { cls: 'list-head' }, [this.counter, this.legend]),
      el('div', { cls: 'table-scroll' }, [this.table]),
    ]);
    makeRoving(this.body, { rows: () => this.rows, onActivate: (row) => this.cb.select(Number(row.dataset['index'])) });
  }

  setSnapshot(snap: GroupSnapshot, ui: GroupUi): void {
    this.snap = snap;
    this.only = null;
    const names = componentNames(snap.samples);
    clear(this.legend);
    names.forEach((n, i) => {
      const sw = el('span', { cls: 'swatch' });
      sw.style.setProperty('--swatch', seriesColor(i));
      this.legend.append(el('span', {}, [sw, n]));
    });
    this.render(ui);
  }

  update(ui: GroupUi, changed: ReadonlySet<keyof GroupUi>): void {
    if (
      changed.has('estimator') ||
      changed.has('sort') ||
      changed.has('filter') ||
      (changed.has('selectedNode') && ui.filter.throughSelected)
    )
      this.render(ui);
    else if (changed.has('selectedNode') || changed.has('selectedSample')) this.restyle(ui);
  }

  showOnly(indices: ReadonlySet<number> | null, ui: GroupUi): void {
    this.only = indices;
    this.render(ui);
  }

  private header(h: (typeof HEADERS)[number]): HTMLElement {
    const th = el('th', {
      cls: [
        h.num ? 'num' : '',
        isTokenColumn(h.column ?? '') ? 'token-col' : '',
        isBoxColumn(h.column ?? '') ? 'box-col' : '',
        isTimelineColumn(h.column ?? '') ? 'timeline-col' : '',
      ],
      text: h.label,
      title: h.title,
      attrs: { role: 'columnheader' },
    });
    if (h.column) {
      const column = h.column;
      th.tabIndex = 0;
      th.dataset['column'] = column;
      th.addEventListener('click', () => this.cb.sort(column));
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.cb.sort(column);
        }
      });
    }
    return th;
  }

  private computeAdvantages(estimator: AdvantageEstimator): void {
    this.advantages = viewAdvantages(this.snap as GroupSnapshot, estimator);
  }

  private visibleSamples(ui: GroupUi): GroupSampleView[] {
    const snap = this.snap as GroupSnapshot;
    const f = ui.filter;
    const text = f.text.trim().toLowerCase();
    const node = ui.selectedNode !== null ? snap.tree?.nodes.find((n) => n.id === ui.selectedNode) : undefined;
    const rows = snap.samples.filter((s) => {
      if (this.only && !this.only.has(s.index)) return false;
      if (text && !s.preview.toLowerCase().includes(text)) return false;
      if (f.finish === 'length' && s.finish_reason !== 'length') return false;
      if (f.finish === 'stop' && s.finish_reason === 'length') return false;
      if (f.correct === 'correct' && !s.success) return false;
      if (f.correct === 'wrong' && s.success) return false;
      if (f.throughSelected && node && !passesThrough(node, s.index)) return false;
      return true;
    });
    const key = (s: GroupSampleView): number | string => {
      switch (ui.sort.column) {
        case 'reward':
          return s.reward;
        case 'advantage':
          return this.advantages.get(s.index) ?? -Infinity;
        case 'length':
          return s.length;
        case 'finish':
          return s.finish_reason ?? '';
        case 'index':
          return s.index;
        default:
          if (isTokenColumn(ui.sort.column)) return tokenSortKey(snap, s.index, ui.sort.column);
          if (isBoxColumn(ui.sort.column)) return boxSortKey(snap, s.index, ui.sort.column);
          if (isTimelineColumn(ui.sort.column)) return timelineSortKey(snap, s.index, ui.sort.column);
          return s.index;
      }
    };
    const dir = ui.sort.descending ? -1 : 1;
    return rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a.index - b.index) * dir;
    });
  }

  private render(ui: GroupUi): void {
    const snap = this.snap;
    if (!snap) return;
    this.computeAdvantages(ui.estimator);
    const names = componentNames(snap.samples);
    const scale = componentScale(snap.samples);
    const shown = this.visibleSamples(ui);
    clear(this.body);
    this.table.classList.toggle('no-token-stats', !showTokenColumns(snap));
    this.table.classList.toggle('no-box-stats', !showBoxColumns(snap));
    this.table.classList.toggle('no-timeline-stats', !showTimelineColumns(snap));
    this.rows = shown.map((s) => this.row(s, names, scale, ui.estimator));
    this.body.append(...this.rows);
    this.counter.textContent = `${shown.length} of ${snap.samples.length} samples · advantage: ${ESTIMATOR_LABELS[ui.estimator]}`;
    for (const th of this.table.querySelectorAll<HTMLElement>('th[data-column]')) {
      const on = th.dataset['column'] === ui.sort.column;
      th.setAttribute('aria-sort', on ? (ui.sort.descending ? 'descending' : 'ascending') : 'none');
      th.classList.toggle('sorted', on);
    }
    this.restyle(ui);
  }

  private row(s: GroupSampleView, names: string[], scale: number, estimator: AdvantageEstimator): HTMLTableRowElement {
    const a = this.advantages.get(s.index);
    const flagged = (this.snap as GroupSnapshot).flagged?.includes(s.index) === true;
    const tr = el(
      'tr',
      { cls: flagged ? ['row', 'flagged'] : 'row', attrs: { role: 'row', 'data-index': s.index, tabindex: -1 }, title: s.preview },
      [
        el('td', indexCell(s, flagged)),
        el('td', { cls: 'num', text: fmt(s.reward) }),
        el('td', {}, [this.bar(s, names, scale)]),
        el('td', {
          cls: ['num', a !== undefined && a > 0 ? 'pos' : a !== undefined && a < 0 ? 'neg' : ''],
          text: signed(a),
          title: `${ESTIMATOR_LABELS[estimator]} advantage`,
        }),
        el('td', { cls: 'num', text: `${s.length}`, title: s.length_unit }),
        el('td', { cls: s.finish_reason === 'length' ? 'truncated' : '', text: s.finish_reason ?? '–' }),
        el('td', {
          text: s.success ? '✓' : '✗',
          title: `${s.success ? 'solved' : 'not solved'}: ${(this.snap as GroupSnapshot).success_rule}`,
        }),
        ...tokenCells(this.snap as GroupSnapshot, s.index),
        ...boxCells(this.snap as GroupSnapshot, s.index),
        ...timelineCells(this.snap as GroupSnapshot, s.index),
      ],
    );
    tr.addEventListener('click', () => this.cb.select(s.index));
    tr.addEventListener('mouseenter', () => this.cb.hover(s.index));
    tr.addEventListener('mouseleave', () => this.cb.hover(null));
    return tr;
  }

  private bar(s: GroupSampleView, names: string[], scale: number): HTMLElement {
    const bar = el('div', {
      cls: 'stack',
      title: names.map((n) => `${n}: ${fmt(s.components?.[n])}`).join('\n') || 'no components logged',
    });
    bar.style.setProperty('width', `${BAR_PX}px`);
    const neg = el('div', { cls: 'stack-neg' });
    const pos = el('div', { cls: 'stack-pos' });
    names.forEach((n, i) => {
      const v = s.components?.[n];
      if (v === undefined || v === 0 || !Number.isFinite(v)) return;
      const seg = el('div', { cls: 'seg' });
      seg.style.setProperty('width', `${(Math.abs(v) / scale) * (BAR_PX / 2)}px`);
      seg.style.setProperty('--swatch', seriesColor(i));
      (v < 0 ? neg : pos).append(seg);
    });
    bar.append(neg, pos);
    return bar;
  }

  private restyle(ui: GroupUi): void {
    const node = ui.selectedNode !== null ? this.snap?.tree?.nodes.find((n) => n.id === ui.selectedNode) : undefined;
    let selectedRow: HTMLTableRowElement | undefined;
    for (const tr of this.rows) {
      const index = Number(tr.dataset['index']);
      tr.classList.toggle('through', node !== undefined && passesThrough(node, index));
      const on = index === ui.selectedSample;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
      if (on) selectedRow = tr;
    }
    resetTabStop(this.rows, selectedRow);
  }

  /** Marks the row of the sample whose box or segment the pointer is on (null: none); `reveal` scrolls it into the list's view. */
  highlight(index: number | null, reveal = false): void {
    for (const tr of this.rows) {
      const on = Number(tr.dataset['index']) === index;
      tr.classList.toggle('hovered', on);
      if (on && reveal) tr.scrollIntoView({ block: 'nearest' });
    }
  }

  focusSelected(): void {
    (this.rows.find((r) => r.classList.contains('selected')) ?? this.rows[0])?.focus();
  }
}

export function componentNames(samples: readonly GroupSampleView[]): string[] {
  const names = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.components ?? {})) names.add(k);
  return [...names].sort();
}

/** Half the bar's width stands for the largest positive or negative component sum in the group. */
function componentScale(samples: readonly GroupSampleView[]): number {
  let max = 0;
  for (const s of samples) {
    let p = 0;
    let n = 0;
    for (const v of Object.values(s.components ?? {})) {
      if (!Number.isFinite(v)) continue;
      if (v > 0) p += v;
      else n -= v;
    }
    max = Math.max(max, p, n);
  }
  return max > 0 ? max : 1;
}

/**
 * Each sample's advantage under the view's estimator, by sample index: TEMPO's per-token values
 * summarised per response as their mean (GRPO's value wherever δ = 0); undefined where there is none
 * (no exact tree, or nothing logged).
 */
export function viewAdvantages(snap: GroupSnapshot, estimator: AdvantageEstimator): Map<number, number | undefined> {
  const scale = groupScale(snap);
  const clean = (a: number | undefined): number | undefined => (a === undefined ? a : denoise(a, scale));
  if (estimator === 'tempo')
    return new Map((snap.tree?.samples ?? []).map((s) => [s.index, clean(new RunLookup(s.token_advantage_runs).mean)]));
  const values = sampleAdvantages(snap.samples, estimator, snap.judging);
  return new Map(snap.samples.map((s, i) => [s.index, clean(values[i])]));
}

/** The group's largest |reward|: the scale below whose millionth a value is rounding noise (docs/algorithms.md#noise). */
export function groupScale(snap: GroupSnapshot): number {
  return snap.samples.reduce((m, s) => Math.max(m, Math.abs(s.reward)), 0);
}

/** The index cell: ⚑ when an alert flagged the sample, ⊘ when the trainer filtered it out (with why). */
function indexCell(s: GroupSampleView, flagged: boolean): { cls: string; text: string; title?: string } {
  const marks = `${flagged ? '⚑ ' : ''}${s.filtered !== undefined ? '⊘ ' : ''}`;
  const titles = [
    ...(flagged ? ['Flagged by the alert this view was opened from'] : []),
    ...(s.filtered !== undefined ? [`Filtered out by the trainer: ${s.filtered}`] : []),
  ];
  return { cls: 'num', text: `${marks}${s.index}`, ...(titles.length ? { title: titles.join('\n') } : {}) };
}
