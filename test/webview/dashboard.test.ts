/// <reference lib="dom" />
// The run dashboard bundle in headless Chromium against the fake host: 10k steps of statistics,
// reward components (the samples' and the trainer's), the reward's ± std band, rounded read-outs, a
// length axis from 0, a brushed range, a picked step, metric picks, and the run supervisor's
// optional status, log tail and GPU sections (with hostile log text).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { DASHBOARD_INBOUND, DashboardMessages, type DashboardSnapshot } from '../../src/shared/protocol/webviews/dashboard';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE_TEXT, dashboardFixture } from './fixtures';
import type { ThemeName } from './themes';

let server: PageServer;
let context: BrowserContext;
let big: DashboardSnapshot;

before(async () => {
  big = dashboardFixture(10_000);
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
});

const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const liveExtras: Partial<DashboardSnapshot> = {
  live: true,
  status: { state: 'running', backend: 'local', command: 'python train.py --config grpo.yaml', started_at: t0 },
  logTail: { lines: ['step 9999 reward 0.8', HOSTILE_TEXT, 'saving checkpoint'], truncated: true },
  gpu: [0, 1].map((g) => ({
    index: g,
    name: 'NVIDIA H100',
    memory_total_mib: 81559,
    samples: Array.from({ length: 120 }, (_, i): [number, number, number] => [
      t0 + i * 2000,
      50 + 40 * Math.sin(i / 10 + g),
      60000 + 100 * i,
    ]),
  })),
};

function open(
  snapshot: DashboardSnapshot,
  opts: { theme?: ThemeName; onPick?: (keys: string[]) => DashboardSnapshot } = {},
): Promise<FakeHostPage> {
  return FakeHostPage.open(context, server, 'dashboard', {
    inbound: DASHBOARD_INBOUND,
    ...(opts.theme ? { theme: opts.theme } : {}),
    onReady: () => ({ method: DashboardMessages.snapshot.method, json: JSON.stringify(snapshot) }),
  });
}

describe('run dashboard', () => {
  it('renders every chart for 10k steps', async () => {
    const host = await open(big);
    await host.waitForPaint();
    const charts = await host.page.$$eval('figure.chart', (fs) => fs.map((f) => f.getAttribute('data-chart')));
    assert.deepEqual(charts, ['reward', 'length', 'clip', 'egr', 'difficulty', 'aha', 'passk']);
    // Lines are decimated to the pixel width: far fewer path points than steps.
    const points = await host.page.$eval('figure[data-chart="reward"] path.line', (p) => (p.getAttribute('d') ?? '').split(/[ML]/).length);
    assert.ok(points < 4000, `${points} points for 10k steps`);
    assert.equal(await host.page.locator('figure[data-chart="reward"] path.line').count(), 3, 'mean reward and two logged components');
    assert.equal(await host.page.locator('figure[data-chart="difficulty"] path.area').count(), 5);
    // Render time is a budget for the bench (bench/webview.bench.ts), never a test's assertion.
    assert.deepEqual(host.invalid, []);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('brushing the reward chart posts filterSteps with the range', async () => {
    const host = await open(big);
    await host.waitForPaint();
    const box = (await host.page.locator('figure[data-chart="reward"] .brush .overlay').boundingBox())!;
    await host.page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await host.page.mouse.down();
    await host.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await host.page.mouse.up();
    const p = (await host.waitForNotification(DashboardMessages.filterSteps.method)) as { from: number; to: number };
    assert.ok(p.from >= 2300 && p.from <= 2700, `from ${p.from}`);
    assert.ok(p.to >= 4800 && p.to <= 5200, `to ${p.to}`);
    assert.equal(await host.page.locator('#clear-range').count(), 1);
    await host.close();
  });

  it('clicking a step offers its worst and best groups', async () => {
    const host = await open(big);
    await host.waitForPaint();
    const box = (await host.page.locator('figure[data-chart="clip"] svg').boundingBox())!;
    await host.page.mouse.click(box.x + 46 + (box.width - 58) * 0.5, box.y + 60);
    await host.page.locator('#open-worst').click();
    const p = (await host.waitForNotification(DashboardMessages.openStepGroup.method)) as { step: number; which: string; split: string };
    assert.equal(p.which, 'worst');
    assert.equal(p.split, 'train');
    assert.ok(Math.abs(p.step - 5000) < 300, `step ${p.step}`);
    await host.close();
  });

  it('picks a logged metric by name and draws it from the next snapshot', async () => {
    const host = await open(big);
    await host.waitForPaint();
    await host.page.locator('#metric-picker').click();
    await host.page.locator('#metric-picker vscode-option[value="loss"]').click();
    await host.page.locator('#add-metric').click();
    assert.deepEqual(await host.waitForNotification(DashboardMessages.pickMetrics.method), { keys: ['loss'] });
    const next: DashboardSnapshot = {
      ...big,
      picked: ['loss'],
      series: { ...big.series, loss: big.train.step.map((s) => [s, 1 / (1 + s)]) },
    };
    await host.postJson(DashboardMessages.snapshot.method, JSON.stringify(next));
    await host.page.waitForSelector('figure[data-chart="metric:loss"] path.line');
    await host.close();
  });

  it('draws an all-zero curve on an axis from 0 up, not around zero', async () => {
    const flat = dashboardFixture(30);
    flat.train.reflection_share = flat.train.reflection_share.map(() => 0);
    flat.train.reflection_mean = flat.train.reflection_mean.map(() => 0);
    const host = await open(flat);
    await host.waitForPaint();
    const ticks = await host.page.$$eval('figure[data-chart="aha"] g.axis:nth-of-type(2) .tick text', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual([ticks[0], ticks[ticks.length - 1]], ['0%', '100%']);
    await host.close();
  });

  it('draws the segments chart for a temporal-grounding run: tIoU, unparsable and hard-to-ground shares, length ratio on the right', async () => {
    const snap = dashboardFixture(20);
    const col = (f: (i: number) => number | null) => snap.train.step.map((_, i) => f(i));
    snap.train.segments = {
      tiou: col((i) => 0.3 + 0.01 * i),
      length_ratio: col((i) => 1 + 0.2 * i),
      unparsable: col((i) => (i < 10 ? 0.1 : 0)),
      hard_to_ground: col((i) => (i === 5 ? null : 0.25)),
    };
    const host = await open(snap);
    await host.waitForPaint();
    assert.equal(
      await host.page.locator('figure[data-chart="segments"] .chart-title').innerText(),
      'Segments: predicted ÷ target length (right axis), temporal IoU and unparsable share',
    );
    const lines = await host.page.$$eval('figure[data-chart="segments"] path.line', (ps) => ps.map((p) => p.getAttribute('data-series')));
    assert.deepEqual(lines, ['temporal IoU', 'unparsable', 'hard-to-ground groups', 'length ÷ target']);
    await host.close();
  });

  it('draws BRPO, reward-model agreement, p(reference) and rescued-prompt charts when the run logged them', async () => {
    const snap = dashboardFixture(3);
    snap.train.judging = {
      brpo: { dropped: [0.5, 0.25, 0], preference: [0.4, 0.5, 0.6], skew: [0.7, 0.45, 0.2] },
      agreement: { 'format~length': [0.1, 0.2, null], 'length~writing': [0.9, 0.5, -0.2] },
      p_reference: { mean: [0.2, 0.3, 0.425], zero: [0.5, 0.375, 0.25] },
      rescued: { zero_accuracy: [4, 3, 2], decompose: [1, 1, 0], reflect: [0, 1, 1] },
    };
    const host = await open(snap);
    await host.waitForPaint();
    const series = (key: string): Promise<Array<string | null>> =>
      host.page.$$eval(`figure[data-chart="${key}"] path.line`, (ps) => ps.map((p) => p.getAttribute('data-series')));
    assert.deepEqual(await series('brpo'), ['dropped groups', 'beat the reference', 'mean |skew|']);
    assert.deepEqual(await series('rm-agreement'), ['format ~ length', 'length ~ writing']);
    assert.deepEqual(await series('p-reference'), ['mean p', 'p = 0']);
    assert.deepEqual(await series('rescued'), ['zero accuracy', 'rescued by decompose', 'rescued by reflect']);
    await host.page.focus('figure[data-chart="brpo"] svg');
    await host.page.keyboard.press('End');
    assert.equal(
      await host.page.locator('figure[data-chart="brpo"] .readout').textContent(),
      'step 2: dropped groups 0.0% · beat the reference 60.0% · mean |skew| 0.2',
    );
    await host.close();
  });

  it('draws the share the trainer filtered out where a step’s batch is known, and leaves the chart out otherwise', async () => {
    const snap = dashboardFixture(3);
    // Step 2's batch has not shipped yet (prime-rl: no effective/): its share is not known, not 0.
    snap.train.trainer_filter = { filtered_ratio: [5 / 11, 0, null], known: [11, 2, null] };
    const host = await open(snap);
    await host.waitForPaint();
    assert.deepEqual(
      await host.page.$$eval('figure[data-chart="trainer-filtered"] path.line', (ps) => ps.map((p) => p.getAttribute('data-series'))),
      ['filtered out', 'samples known'],
    );
    await host.page.focus('figure[data-chart="trainer-filtered"] svg');
    await host.page.keyboard.press('Home');
    const readout = host.page.locator('figure[data-chart="trainer-filtered"] .readout');
    assert.equal(await readout.textContent(), 'step 0: filtered out 45.5% · samples known 11');
    await host.page.keyboard.press('End');
    assert.equal(await readout.textContent(), 'step 2: filtered out – · samples known –');
    await host.close();
    const plain = await open(dashboardFixture(3));
    await plain.waitForPaint();
    assert.equal(await plain.page.locator('figure[data-chart="trainer-filtered"]').count(), 0);
    await plain.close();
  });

  it('draws one line per component the samples logged, the trainer’s logged lines only for the others', async () => {
    const snap = dashboardFixture(3);
    // The realistic run: every sample logs correctness and format, the samples' means come with the columns.
    snap.train.components = { correctness: [0.375, 0.5, 0.625], format: [0.075, 0.0875, 0.1] };
    snap.train.reward_mean = [0.45, 0.5875, 0.7251];
    snap.series = { 'rewards/format/mean': [[0, 0.2]], 'rewards/length_penalty/mean': [[0, -0.1]] };
    const host = await open(snap);
    await host.waitForPaint();
    const lines = await host.page.$$eval('figure[data-chart="reward"] path.line', (ps) => ps.map((p) => p.getAttribute('data-series')));
    assert.deepEqual(lines, ['mean reward', 'correctness', 'format', 'length_penalty']);
    await host.page.focus('figure[data-chart="reward"] svg');
    await host.page.keyboard.press('End');
    assert.equal(
      await host.page.locator('figure[data-chart="reward"] .readout').textContent(),
      'step 2: mean reward 0.7251 ± 0.3 (std) · correctness 0.625 · format 0.1 · length_penalty –',
    );
    await host.close();
  });

  it('shades ± one standard deviation around the mean reward, and the axis makes room for it', async () => {
    const snap = dashboardFixture(3);
    snap.train.reward_mean = [0.4, 0.5, 0.6];
    snap.train.reward_std = [0.5, 0.5, 0.5];
    snap.series = {};
    const host = await open(snap);
    await host.waitForPaint();
    assert.deepEqual(
      await host.page.$$eval('figure[data-chart="reward"] path.band', (ps) => ps.map((p) => p.getAttribute('data-series'))),
      ['mean reward'],
    );
    // The band spans −0.1…1.1 and the axis is −0.1…1.1, 120 px high: the band fills the plot, not beyond it
    // (the line alone would give a 0.4…0.6 axis and a band ten times the plot's height).
    const box = await host.page.$eval('figure[data-chart="reward"] path.band', (p) => {
      const b = (p as SVGGraphicsElement).getBBox();
      return [Math.round(b.y), Math.round(b.height)];
    });
    assert.deepEqual(box, [0, 120]);
    await host.close();
  });

  it('reads lengths out rounded and starts the length axis at 0', async () => {
    const snap = dashboardFixture(3);
    // A 6% dip of a 2000-token mean: the axis must not zoom into 1.88k–2k.
    snap.train.mean_length = [2000, 1880.4, 2289.81];
    snap.train.mean_length_correct = [1950.26, 45.52, null];
    snap.train.mean_length_wrong = [2000, 2000, 2000];
    snap.train.mean_length_stopped = [1990, 1990, 1990];
    const host = await open(snap);
    await host.waitForPaint();
    const ticks = await host.page.$$eval('figure[data-chart="length"] g.axis:nth-of-type(2) .tick text', (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.equal(ticks[0], '0');
    await host.page.focus('figure[data-chart="length"] svg');
    await host.page.keyboard.press('End');
    const readout = host.page.locator('figure[data-chart="length"] .readout');
    assert.equal(await readout.textContent(), 'step 2: all 2290 · correct – · wrong 2000 · stopped 1990');
    await host.page.keyboard.press('ArrowLeft');
    assert.equal(await readout.textContent(), 'step 1: all 1880 · correct 45.5 · wrong 2000 · stopped 1990');
    await host.close();
  });

  it('labels a two-step run with whole step numbers, and a flat 100% curve on a 0-based axis', async () => {
    const two = dashboardFixture(2);
    two.train.effective_gradient_ratio = two.train.effective_gradient_ratio.map(() => 1);
    const host = await open(two);
    await host.waitForPaint();
    const xTicks = await host.page.$$eval('figure[data-chart="reward"] g.axis:nth-of-type(1) .tick text', (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.deepEqual(xTicks, two.train.step.map(String));
    assert.deepEqual(xTicks, ['0', '1']);
    const yTicks = await host.page.$$eval('figure[data-chart="egr"] g.axis:nth-of-type(2) .tick text', (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.deepEqual([yTicks[0], yTicks[yTicks.length - 1]], ['0%', '100%']);
    await host.close();
  });

  it('draws each chart within its grid cell at every width', async () => {
    const host = await open(dashboardFixture(40));
    for (const width of [1080, 1300, 700]) {
      await host.page.setViewportSize({ width, height: 900 });
      await host.postJson(DashboardMessages.snapshot.method, JSON.stringify(dashboardFixture(40)));
      await host.page.waitForTimeout(200);
      const over = await host.page.$$eval('.charts figure.chart', (fs) =>
        fs
          .map((f) => Math.round((f.querySelector('svg')?.getBoundingClientRect().width ?? 0) - f.getBoundingClientRect().width))
          .filter((d) => d > 0),
      );
      assert.deepEqual(over, [], `at ${width} px some charts are wider than their cell`);
    }
    await host.close();
  });

  it('opens the log tail scrolled to its last line', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `step ${i} ${'x'.repeat(150)}`);
    const host = await open(dashboardFixture(50, { ...liveExtras, logTail: { lines, truncated: true } }));
    await host.waitForPaint();
    const gap = await host.page.$eval('.log-tail .log', (e) => e.scrollHeight - e.clientHeight - e.scrollTop);
    assert.ok(Math.abs(gap) <= 1, `the log is ${gap} px above its end`);
    await host.close();
  });

  it('shows run status, the log tail literally, and GPU charts when the host sends them', async () => {
    const host = await open(dashboardFixture(200, liveExtras));
    await host.waitForPaint();
    assert.equal(await host.page.locator('.run-status .state').innerText(), 'RUNNING');
    assert.match(await host.page.locator('.log-tail').innerText(), /<script>window.__pwned/);
    assert.equal(await host.page.locator('.charts.gpu figure.chart').count(), 2);
    assert.equal(await host.page.locator('figure[data-chart="gpu-util"] path.line').count(), 2);
    const report = await host.securityReport();
    assert.deepEqual(report, { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });

  it('replaces the whole view on each live snapshot', async () => {
    const host = await open(dashboardFixture(100, liveExtras));
    await host.waitForPaint();
    await host.postJson(
      DashboardMessages.snapshot.method,
      JSON.stringify(dashboardFixture(150, { ...liveExtras, status: { state: 'succeeded', exit_code: 0 } })),
    );
    await host.page.waitForFunction(() => document.querySelector('.run-status .state')?.textContent === 'succeeded');
    assert.match(await host.page.locator('.dash-header').innerText(), /150 steps/);
    await host.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`is legible in the ${theme} theme (screenshot)`, async () => {
      const host = await open(dashboardFixture(2000, liveExtras), { theme });
      await host.waitForPaint();
      await host.screenshot(`dashboard-${theme}`);
      await host.close();
    });
  }
});
