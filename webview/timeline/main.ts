// The prompt timeline: one prompt's groups over the steps of a run (solve rate, mean reward,
// spread, mean length, degenerate), the step it stopped carrying gradient, and optionally the same
// prompt in another run beside it with a diff of the best sample of each at a chosen step.
import '../shared/base.css';
import './timeline.css';
import type { PromptTimeline } from '../../src/shared/promptTimeline';
import { ErrorNotification, CHECKPOINT_VERSION } from '../../src/shared/protocol/webviews/ipc';
import {
  TimelineMessages,
  commonSteps,
  timelineCheckpointSchema,
  type TimelineCheckpoint,
  type TimelineSnapshot,
} from '../../src/shared/protocol/webviews/timeline';
import { readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import { Chart } from '../shared/chart';
import { ChunkedText } from '../shared/chunkedText';
import { clear, el, message, onWidthChange } from '../shared/dom';
import { fmt, percent } from '../shared/format';
import { HostConnection } from '../shared/host';
import { button, dropdown, registerControls } from '../shared/ui';
import { seriesColor } from '../shared/theme';
import { promptOpening, timelineTitle } from '../../src/shared/text';

registerControls();
const host = new HostConnection();
const restored = readCheckpoint(timelineCheckpointSchema, host.savedState());
let snap: TimelineSnapshot | null = null;
let selectedStep: number | null = restored?.selectedStep ?? null;
let painted = false;
const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));

function save(): void {
  if (!snap) return;
  const t = snap.timelines[0]!;
  const c: TimelineCheckpoint = {
    v: CHECKPOINT_VERSION,
    key: { run: t.run, prompt_id: snap.prompt_id, split: snap.split },
    compare: snap.timelines[1]?.run ?? null,
    selectedStep,
  };
  host.saveState(c);
}

function stoppedLine(t: PromptTimeline): string {
  if (!t.stopped) return t.points.length ? 'Still carried gradient at its last step.' : 'Never asked in this split.';
  const what =
    t.stopped.kind === 'all-correct' ? 'every sample correct' : t.stopped.kind === 'all-wrong' ? 'every sample wrong' : 'all rewards equal';
  return `No gradient from step ${t.stopped.step} on (${what}).`;
}

/** Each run's chart width: the view's width shared by the runs side by side. */
function chartWidth(s: TimelineSnapshot): number {
  return Math.max(280, Math.floor((app.clientWidth || 900) / s.timelines.length) - 24);
}

function chart(t: PromptTimeline, width: number): HTMLElement {
  const pts = t.points.filter((p) => p.split === snap!.split);
  const c = new Chart(
    {
      key: `timeline-${t.run}`,
      title: 'Solve rate and mean reward',
      x: pts.map((p) => p.step),
      xKind: 'step',
      series: [
        { name: 'solve rate', color: seriesColor(0), y: pts.map((p) => p.solve_rate) },
        { name: 'mean reward', color: seriesColor(1), y: pts.map((p) => p.reward_mean), dashed: true },
      ],
      empty: 'No appearances in this split.',
      dots: true,
    },
    { onPick: (x) => select(x) },
  );
  c.render(width, { selected: selectedStep, range: null });
  return c.root;
}

function table(t: PromptTimeline): HTMLElement {
  const head = ['Step', 'Group', 'G', 'Mean reward', 'Solve rate', 'Spread', 'Mean length', 'Gradient', ''];
  const rows = t.points.map((p) => {
    const stopped = t.stopped !== null && p.split === t.stopped.split && p.step >= t.stopped.step;
    const tr = el(
      'tr',
      {
        cls: ['row', p.degenerate ? 'degenerate' : 'trainable', stopped ? 'stopped' : '', p.step === selectedStep ? 'selected' : ''],
        attrs: { 'data-step': p.step, tabindex: 0 },
      },
      [
        el('td', { cls: 'num', text: `${p.step}${p.split === 'val' ? ' (val)' : ''}` }),
        el('td', { text: p.group }),
        el('td', { cls: 'num', text: String(p.samples) }),
        el('td', { cls: 'num', text: fmt(p.reward_mean) }),
        el('td', { cls: 'num', text: percent(p.solve_rate) }),
        el('td', { cls: 'num', text: fmt(p.spread) }),
        el('td', { cls: 'num', text: fmt(p.mean_length, 1), title: p.length_unit }),
        el('td', { text: p.degenerate ? 'none (degenerate)' : 'yes' }),
        el('td', {}, [
          button(
            'Open group',
            () => host.notify(TimelineMessages.openGroup, { run: t.run, split: p.split, step: p.step, group: p.group }),
            { secondary: true },
          ),
        ]),
      ],
    );
    tr.addEventListener('click', () => select(p.step));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') select(p.step);
    });
    return tr;
  });
  return el('div', { cls: 'table-scroll' }, [
    el('table', { cls: 'rows timeline', attrs: { 'aria-label': `Appearances in ${t.run}` } }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          head.map((h) => el('th', { text: h })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  ]);
}

function select(step: number): void {
  selectedStep = step;
  save();
  render();
}

function render(): void {
  const s = snap;
  if (!s) return;
  clear(app);
  const main = s.timelines[0]!;
  const prompt = new ChunkedText(s.prompt, [], { math: true, chunkChars: 3000 });
  // Run names start with a letter or digit, so '_none' is never one.
  const compareChoices = [
    { value: '_none', label: 'Compare with another run…' },
    ...s.other_runs.map((r) => ({ value: r, label: `Compare with ${r}` })),
  ];
  const common = commonSteps(s.timelines);
  const diffStep = selectedStep !== null && common.includes(selectedStep) ? selectedStep : (common[common.length - 1] ?? null);
  app.append(
    el('header', { cls: 'timeline-header' }, [
      el('h1', {
        text: `“${promptOpening(s.prompt, 80)}” over time${s.split === 'val' ? ' (val)' : ''}`,
        title: `Prompt ${s.prompt_id.slice(0, 12)} (rollout-lens prompt --prompt-id ${s.prompt_id.slice(0, 12)})`,
      }),
      el('details', { cls: 'prompt' }, [el('summary', { text: 'Prompt' }), prompt.root]),
      el('div', { cls: 'toolbar' }, [
        s.other_runs.length
          ? dropdown(
              compareChoices,
              s.timelines[1]?.run ?? '_none',
              (run) => host.notify(TimelineMessages.compare, { run: run === '_none' ? null : run }),
              { label: 'Compare with run', id: 'compare-run' },
            )
          : el('span', { cls: 'muted', text: 'No other run asked this prompt.' }),
        s.timelines.length > 1
          ? diffStep !== null
            ? button(`Diff best samples at step ${diffStep}`, () => host.notify(TimelineMessages.diffBest, { step: diffStep }), {
                id: 'diff-best',
                title: 'VS Code’s diff editor on the best-rewarded sample of each run at this step',
              })
            : el('span', { cls: 'muted', text: 'The runs share no step with this prompt: nothing to diff.' })
          : null,
      ]),
      s.compare_error ? message(s.compare_error, 'error') : null,
    ]),
  );
  const width = chartWidth(s);
  app.append(
    el(
      'div',
      { cls: ['runs', s.timelines.length > 1 ? 'side-by-side' : ''] },
      s.timelines.map((t) =>
        el('section', { cls: 'run-timeline', attrs: { 'data-run': t.run, 'aria-label': `Timeline in ${t.run}` } }, [
          el('h2', { text: t.run }),
          el('div', { cls: 'stopped-line', text: stoppedLine(t) }),
          el('div', { cls: 'muted success-rule', text: `Solved = ${t.success_rule}` }),
          el('div', {
            cls: 'muted',
            text: `${t.points.length} appearances · ${t.points.filter((p) => !p.degenerate).length} carried gradient`,
          }),
          el('div', { cls: 'chart-slot' }, [chart(t, width)]),
          table(t),
        ]),
      ),
    ),
  );
  document.title = timelineTitle(s.prompt, main.run);
}

host.on(TimelineMessages.snapshot, (s) => {
  snap = s;
  save();
  render();
  app.setAttribute('aria-busy', 'false');
  if (!painted) {
    painted = true;
    requestAnimationFrame(() => {
      document.body.dataset['painted'] = 'true';
    });
  }
});

// A new width (the side bar hidden, the panel resized) redraws only the charts, keeping the rest
// (an open prompt, the focus) as it is.
onWidthChange(app, () => {
  const s = snap;
  if (!s) return;
  const slots = app.querySelectorAll('.chart-slot');
  s.timelines.forEach((t, i) => slots[i]?.replaceChildren(chart(t, chartWidth(s))));
});

host.on(ErrorNotification, (p) => {
  clear(app);
  app.append(message(p.message, 'error'));
  app.setAttribute('aria-busy', 'false');
});

host.ready(restored ? host.savedState() : undefined);
