// The run dashboard: step statistics as charts, logged metrics by name, and (when the supervisor
// provides them) run status, log tail and GPU panels. Every host message is a complete snapshot;
// a brushed step range filters the explorer, a picked step opens its worst or best group.
import '../shared/base.css';
import './dashboard.css';
import {
  DashboardMessages,
  MAX_PICKED_METRICS,
  dashboardCheckpointSchema,
  type DashboardCheckpoint,
  type DashboardSnapshot,
  type StepColumns,
} from '../../src/shared/protocol/webviews/dashboard';
import { CHECKPOINT_VERSION, ErrorNotification, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import { ChunkedText } from '../shared/chunkedText';
import { clear, el, onWidthChange } from '../shared/dom';
import { fmt } from '../shared/format';
import { HostConnection } from '../shared/host';
import { ViewPaint } from '../shared/paint';
import { badge, button, dropdown, registerControls } from '../shared/ui';
import { Chart, type ChartSpec } from '../shared/chart';
import { nearestIndex } from '../shared/decimate';
import { gpuCharts, pickedCharts, stepCharts } from './specs';
import { renderAlerts } from './alerts';
import { mismatchCharts } from './mismatch';
import { suggestedMetric } from './suggestedMetric';

registerControls();
const host = new HostConnection();
const restored = readCheckpoint(dashboardCheckpointSchema, host.savedState());
let ui: Omit<DashboardCheckpoint, 'v' | 'run'> = restored ?? { picked: [], split: 'train', range: null, selectedStep: null };
let run = restored?.run ?? '';
let snap: DashboardSnapshot | null = null;
const charts = new Map<string, Chart>();

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
const paint = new ViewPaint(app);
const header = el('header', { cls: 'dash-header' });
const toolbar = el('div', { cls: 'toolbar' });
const stepPanel = el('section', { cls: 'step-panel', attrs: { 'aria-live': 'polite' } });
const alertPane = el('section', { cls: 'alerts', attrs: { id: 'alerts' } });
const grid = el('div', { cls: 'charts' });
const gpuGrid = el('div', { cls: 'charts gpu' });
const logPane = el('section', { cls: 'log-tail' });
clear(app);
app.append(header, toolbar, stepPanel, alertPane, grid, gpuGrid, logPane);

function save(): void {
  if (run) host.saveState({ v: CHECKPOINT_VERSION, run, ...ui } satisfies DashboardCheckpoint);
}

function update(patch: Partial<typeof ui>): void {
  ui = { ...ui, ...patch };
  save();
  render();
}

function columns(s: DashboardSnapshot): StepColumns {
  return ui.split === 'val' && s.val ? s.val : s.train;
}

function renderHeader(s: DashboardSnapshot): void {
  clear(header);
  const title = el('h1', { text: `Run ${s.run}` });
  if (s.live) title.append(' ', badge('live', 'Updates while the run writes'));
  header.append(title);
  const st = s.status;
  if (st) {
    const parts = [
      st.backend ? `backend ${st.backend}` : null,
      st.started_at ? `started ${new Date(st.started_at).toLocaleString()}` : null,
      st.ended_at ? `ended ${new Date(st.ended_at).toLocaleString()}` : null,
      st.exit_code !== undefined && st.exit_code !== null ? `exit code ${st.exit_code}` : null,
    ].filter((p): p is string => p !== null);
    header.append(
      el('div', { cls: 'run-status' }, [
        el('span', { cls: ['state', `state-${st.state.replace(/[^a-z]/gi, '').toLowerCase()}`], text: st.state }),
        el('span', { cls: 'muted', text: parts.join(' · ') }),
      ]),
    );
    if (st.command) header.append(el('code', { cls: 'command', text: st.command }));
    if (st.message) header.append(el('div', { cls: 'muted', text: st.message }));
  }
  const cols = columns(s);
  const last = cols.step.length - 1;
  header.append(
    el('div', {
      cls: 'muted',
      text:
        last >= 0
          ? `${cols.step.length} steps (${cols.step[0]}–${cols.step[last]}) · last mean reward ${fmt(cols.reward_mean[last])} · ${cols.samples[last]} samples in ${cols.groups[last]} groups`
          : 'No steps yet.',
    }),
    el('div', {
      cls: 'muted',
      attrs: { id: 'success-rule' },
      text: `Solved = ${s.success_rule}`,
      title: 'Solve rate, pass@k, all-correct, zero-accuracy and difficulty count samples solved by this rule',
    }),
  );
}

function renderToolbar(s: DashboardSnapshot): void {
  clear(toolbar);
  if (s.val) {
    toolbar.append(
      dropdown(
        [
          { value: 'train', label: 'Training steps' },
          { value: 'val', label: 'Validation steps' },
        ] as const,
        ui.split,
        (split) => update({ split, range: null, selectedStep: null }),
        { label: 'Split' },
      ),
    );
  }
  const free = s.metric_keys.filter((k) => !ui.picked.includes(k));
  let choice = suggestedMetric(free) ?? '';
  if (free.length > 0 && ui.picked.length < MAX_PICKED_METRICS) {
    toolbar.append(
      dropdown(
        free.map((k) => ({ value: k, label: k })),
        choice,
        (k) => (choice = k),
        { label: 'Logged metric', id: 'metric-picker' },
      ),
      button('Add chart', () => pick([...ui.picked, choice]), { secondary: true, id: 'add-metric' }),
    );
  }
  for (const k of ui.picked)
    toolbar.append(button(`${k} ✕`, () => pick(ui.picked.filter((p) => p !== k)), { secondary: true, title: `Remove the chart of ${k}` }));
  if (ui.range) {
    toolbar.append(
      el('span', { cls: 'muted', text: `Explorer filtered to steps ${ui.range[0]}–${ui.range[1]}` }),
      button('Clear range', () => clearRange(), { secondary: true, id: 'clear-range' }),
    );
  }
}

function pick(keys: string[]): void {
  const picked = [...new Set(keys.filter(Boolean))].slice(0, MAX_PICKED_METRICS);
  host.notify(DashboardMessages.pickMetrics, { keys: picked });
  update({ picked });
}

function clearRange(): void {
  const cols = snap ? columns(snap) : null;
  const first = cols?.step[0];
  const last = cols?.step[cols.step.length - 1];
  // The whole run is the explorer's unfiltered view.
  if (first !== undefined && last !== undefined) host.notify(DashboardMessages.filterSteps, { from: first, to: last });
  update({ range: null });
}

function renderStepPanel(s: DashboardSnapshot): void {
  clear(stepPanel);
  const step = ui.selectedStep;
  if (step === null) {
    stepPanel.append(
      el('span', { cls: 'muted', text: 'Click a step on any chart (or focus a chart and use the arrows and Enter) to open its groups.' }),
    );
    return;
  }
  const cols = columns(s);
  const i = nearestIndex(cols.step, step);
  stepPanel.append(
    el('strong', { text: `Step ${step}` }),
    el('span', {
      cls: 'muted',
      text:
        i >= 0 && cols.step[i] === step
          ? ` · mean reward ${fmt(cols.reward_mean[i])} · effective-gradient ratio ${fmt(cols.effective_gradient_ratio[i])} · ${cols.groups[i]} groups `
          : ' ',
    }),
    button('Open worst group', () => host.notify(DashboardMessages.openStepGroup, { step, split: ui.split, which: 'worst' }), {
      id: 'open-worst',
    }),
    button('Open best group', () => host.notify(DashboardMessages.openStepGroup, { step, split: ui.split, which: 'best' }), {
      secondary: true,
      id: 'open-best',
    }),
  );
}

function chartFor(spec: ChartSpec): Chart {
  let c = charts.get(spec.key);
  if (c) c.setSpec(spec);
  else {
    c = new Chart(spec, {
      onPick: (step) => update({ selectedStep: step }),
      onBrush: (range) => {
        if (range) host.notify(DashboardMessages.filterSteps, { from: range[0], to: range[1] });
        update({ range });
      },
    });
    charts.set(spec.key, c);
  }
  return c;
}

function renderCharts(s: DashboardSnapshot): void {
  const cols = columns(s);
  const specs = [...stepCharts(s, cols), ...mismatchCharts(s, cols), ...pickedCharts(s, ui.picked)];
  const gpus = gpuCharts(s.gpu ?? []);
  const live = new Set([...specs, ...gpus].map((sp) => sp.key));
  for (const key of [...charts.keys()]) if (!live.has(key)) charts.delete(key);
  // As many columns as the grid's CSS makes (auto-fill, 520 px minimum, 16 px gap), so a chart is
  // drawn as wide as its cell (a 1056–1100 px grid got two columns of one-column-wide charts).
  const total = grid.clientWidth || 900;
  const perRow = Math.max(1, Math.floor((total + 16) / (520 + 16)));
  const width = Math.max(260, Math.floor((total - 16 * (perRow - 1)) / perRow) - 16);
  const marks = { selected: ui.selectedStep, range: ui.range };
  grid.replaceChildren(...specs.map((sp) => chartFor(sp).root));
  for (const sp of specs) chartFor(sp).render(width, marks);
  gpuGrid.replaceChildren(...(gpus.length ? [el('h2', { text: 'GPUs' })] : []), ...gpus.map((sp) => chartFor(sp).root));
  for (const sp of gpus) chartFor(sp).render(width, { selected: null, range: null });
}

function renderLog(s: DashboardSnapshot): void {
  clear(logPane);
  if (!s.logTail) return;
  logPane.append(el('h2', { text: `Log${s.logTail.truncated ? ' (last lines)' : ''}` }));
  const text = new ChunkedText(s.logTail.lines.join('\n'), [], { math: false, chunkChars: 20_000 });
  text.root.classList.add('log');
  logPane.append(text.root);
  // The tail is at most 64 KiB: build every chunk so the end really is at the bottom, then go there.
  text.renderAll();
  text.root.scrollTop = text.root.scrollHeight;
}

function render(): void {
  const s = snap;
  if (!s) return;
  renderHeader(s);
  renderToolbar(s);
  renderStepPanel(s);
  renderAlerts(alertPane, s.alerts, s.alertsDisabled, ui.split, {
    open: (r, as, flagged) =>
      host.notify(DashboardMessages.openAlertSample, {
        split: r.split,
        step: r.step,
        group: r.group,
        index: r.index,
        open: as,
        ...(flagged.length ? { flagged } : {}),
      }),
    pickStep: (step) => update({ selectedStep: step }),
  });
  renderCharts(s);
  renderLog(s);
}

host.on(DashboardMessages.snapshot, (s) => {
  if (run && run !== s.run) ui = { picked: [], split: 'train', range: null, selectedStep: null };
  run = s.run;
  snap = s;
  if (ui.split === 'val' && !s.val) ui.split = 'train';
  save();
  document.title = `Run ${s.run}`;
  const t0 = performance.now();
  render();
  document.body.dataset['renderMs'] = (performance.now() - t0).toFixed(1);
  paint.rendered();
});

host.on(ErrorNotification, (p) => paint.error(header, p.message));

onWidthChange(grid, () => snap && renderCharts(snap));

host.ready(restored ?? undefined);
