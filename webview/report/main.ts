// The host of a shared report (src/core/report/reportHtml.ts): the one script the page runs. It
// plays VS Code's part for the group view or the dashboard bundle (whichever tab is open): it paints
// the theme's --vscode-* variables, defines acquireVsCodeApi(), answers the app's requests from the
// data embedded in the page, and starts the app's bundle under the page's nonce. Nothing is fetched.
// Actions that need VS Code and the run's database (compare, re-score, open a document, open a
// group from a chart) are hidden in the group view (snapshot.shared_report) and say so elsewhere.
import './report.css';
import { DashboardMessages } from '../../src/shared/protocol/webviews/dashboard';
import { GroupMessages } from '../../src/shared/protocol/webviews/group';
import { ErrorNotification, type IpcMessage } from '../../src/shared/protocol/webviews/ipc';
import type { ReportCluster } from '../../src/shared/clusters';
import { REPORT_DATA_ID, reportAppId, type ReportApp, type ReportBundle, type ReportData } from '../../src/shared/report';
import { el } from '../shared/dom';
import { THEMES } from '../shared/themes';
import { answerRequest, type Answer } from './answers';

const nonce = document.querySelector('meta[property="csp-nonce"]')?.getAttribute('content') ?? '';

function block<T>(id: string): T {
  const text = document.getElementById(id)?.textContent;
  if (!text) throw new Error(`this report is damaged: its ${id} block is missing`);
  return JSON.parse(text) as T;
}

const data = block<ReportData>(REPORT_DATA_ID);
const app: ReportApp = location.hash === '#dashboard' ? 'dashboard' : 'group';

const theme = THEMES[matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'];
for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
document.body.classList.add(theme.bodyClass, 'rl-report');

/** The failure cluster the report was written for: what was clustered, the cluster, its examples (all text). */
function clusterSection(c: ReportCluster): HTMLElement {
  const range = c.from === null && c.to === null ? 'all steps' : `steps ${c.from ?? '…'}–${c.to ?? '…'}`;
  const pct = c.clustered ? ((100 * c.size) / c.clustered).toFixed(1) : '0';
  return el('section', { cls: 'rl-report-cluster', attrs: { 'aria-label': 'Failure cluster' } }, [
    el('h2', { text: `Failure cluster #${c.id}: ${c.name}` }),
    el('p', {
      text: `${c.size} of the ${c.clustered} samples clustered (${pct}%) from ${c.run}, ${range}: ${c.selection_label}. ${c.in_group} of them are in the group below.`,
    }),
    el('p', { cls: 'muted', text: `Terms: ${c.terms.join(', ') || 'none'}` }),
    el(
      'ol',
      { cls: 'rl-report-examples' },
      c.examples.map((e) => el('li', { text: `step ${e.step} · group ${e.group} · #${e.index}: ${e.preview}` })),
    ),
  ]);
}

/** A one-line notice: what the page cannot do, said where the user asked for it. */
const notice = el('div', { cls: 'rl-report-notice', attrs: { role: 'status', hidden: true } });
function tell(text: string): void {
  notice.textContent = text;
  notice.hidden = false;
}

function tab(which: ReportApp, label: string): HTMLElement {
  const b = el('button', {
    cls: 'rl-report-tab',
    text: label,
    attrs: { type: 'button', 'aria-pressed': which === app ? 'true' : 'false', id: `tab-${which}` },
  });
  b.addEventListener('click', () => {
    if (which === app) return;
    // One app per page load: each bundle owns #app and the page's one acquireVsCodeApi().
    location.hash = which === 'dashboard' ? '#dashboard' : '#group';
    location.reload();
  });
  return b;
}

const { ref } = data.group;
const bar = el('header', { cls: 'rl-report-bar' }, [
  el('strong', { text: 'Rollout Lens report' }),
  el('span', { cls: 'muted', text: `${ref.run} · step ${ref.step} · written ${data.written_at.slice(0, 16).replace('T', ' ')} UTC` }),
  el('nav', { cls: 'rl-report-tabs', attrs: { 'aria-label': 'Views' } }, [tab('group', 'Group'), tab('dashboard', 'Run dashboard')]),
  el('span', {
    cls: 'muted',
    text: 'A static page: compare, re-score, open as document and opening other groups need Rollout Lens in VS Code.',
  }),
]);
document.body.prepend(bar, ...(data.cluster ? [clusterSection(data.cluster)] : []), notice);

/** The app's actions a static page cannot carry out, in the words of the controls that send them. */
const NEEDS_VSCODE: Record<string, string> = {
  [DashboardMessages.openStepGroup.method]: 'Opening a step’s group',
  [DashboardMessages.openAlertSample.method]: 'Opening an alert’s sample',
  [DashboardMessages.pickMetrics.method]: 'Charting other logged metrics',
  [DashboardMessages.filterSteps.method]: 'Filtering the Runs view to these steps',
  [GroupMessages.compare.method]: 'Compare with…',
  [GroupMessages.rescore.method]: 'Re-score this group…',
  [GroupMessages.openSample.method]: 'Open as document',
  [GroupMessages.promptTimeline.method]: 'This prompt over time',
  [GroupMessages.share.method]: 'Share as HTML…',
  [GroupMessages.label.method]: 'Label…',
};

/** The host's answer to the app, delivered the way VS Code delivers one: a message event on window. */
function post(m: IpcMessage): void {
  window.postMessage(m, '*');
}

function onReady(): void {
  if (app === 'group') return post({ kind: 'notify', method: GroupMessages.snapshot.method, params: data.group });
  if (data.dashboard) return post({ kind: 'notify', method: DashboardMessages.snapshot.method, params: data.dashboard });
  post({
    kind: 'notify',
    method: ErrorNotification.method,
    params: { message: `No dashboard in this report: ${data.dashboard_error ?? 'none'}` },
  });
}

function receive(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null || !('kind' in raw) || !('method' in raw) || typeof raw.method !== 'string') return;
  const method = raw.method;
  if (raw.kind === 'notify') {
    if (method === 'ready') onReady();
    else tell(`${NEEDS_VSCODE[method] ?? 'This'} needs Rollout Lens in VS Code with the run’s database; this page is a static report.`);
    return;
  }
  if (raw.kind !== 'request' || !('id' in raw) || typeof raw.id !== 'number') return;
  const id = raw.id;
  let answer: Answer;
  try {
    answer = answerRequest(data, method, 'params' in raw ? raw.params : undefined);
  } catch (e) {
    answer = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  // Asynchronous like a real host: the app awaits its answer after posting.
  setTimeout(() =>
    post(answer.ok ? { kind: 'response', id, ok: true, result: answer.result } : { kind: 'response', id, ok: false, error: answer.error }),
  );
}

let state: unknown;
let acquired = false;
Object.assign(window, {
  acquireVsCodeApi: () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return {
      postMessage: (m: unknown) => receive(m),
      getState: () => state,
      setState: (s: unknown) => {
        state = s;
      },
    };
  },
});

const bundle = block<ReportBundle>(reportAppId(app));
const style = el('style');
style.nonce = nonce;
style.textContent = bundle.css;
document.head.append(style);
const script = el('script');
script.nonce = nonce;
script.textContent = bundle.js;
document.body.append(script);
