/// <reference lib="dom" />
// The run dashboard's alert list in headless Chromium against the fake host: one summary row that
// expands to the rows of the shown split only, engine text as text (hostile), and clicks that ask
// the host to open a group or sample.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { AlertDto } from '../../src/shared/alerts';
import { DASHBOARD_INBOUND, DashboardMessages, type DashboardSnapshot } from '../../src/shared/protocol/webviews/dashboard';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE_TEXT, dashboardFixture } from './fixtures';

let server: PageServer;
let context: BrowserContext;

before(async () => {
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
});

const ref = (id: number, step: number, group: string, index: number, split: 'train' | 'val' = 'train') => ({
  id,
  split,
  step,
  group,
  index,
});
const ALERTS: AlertDto[] = [
  {
    kind: 'degenerate_output',
    split: 'train',
    step: 12,
    score: 0.1875,
    samples: [193, 198],
    message: `3 of 16 responses ${HOSTILE_TEXT}`,
    refs: [ref(193, 12, 's12-p0', 0), ref(198, 12, 's12-p1', 1)],
  },
  { kind: 'saturation', split: 'train', step: 30, score: 0.458333, samples: [], message: 'all-correct group share +0.46', refs: [] },
  { kind: 'format_gaming', split: 'val', step: 4, score: 0.7, samples: [9], message: 'val only', refs: [ref(9, 4, 'v', 0, 'val')] },
];

function open(snapshot: DashboardSnapshot): Promise<FakeHostPage> {
  return FakeHostPage.open(context, server, 'dashboard', {
    inbound: DASHBOARD_INBOUND,
    onReady: () => ({ method: DashboardMessages.snapshot.method, json: JSON.stringify(snapshot) }),
  });
}

describe('run dashboard: alerts', () => {
  it('lists the shown split’s alerts as text and opens the group or a sample behind one', async () => {
    const host = await open(dashboardFixture(50, { alerts: ALERTS, alertsDisabled: ['box_growth: boom'] }));
    await host.waitForPaint();
    await host.page.locator('#alert-summary').click();
    const rows = await host.page.$$eval('#alert-list li.alert', (ls) =>
      ls.map((l) => [l.getAttribute('data-kind'), l.getAttribute('data-step')]),
    );
    assert.deepEqual(rows, [
      ['degenerate_output', '12'],
      ['saturation', '30'],
    ]);
    assert.equal(await host.page.locator('#alerts h2').innerText(), 'Alerts (2)');
    assert.equal(await host.page.locator('#alert-list li.alert .alert-message').first().textContent(), `3 of 16 responses ${HOSTILE_TEXT}`);
    assert.equal(await host.page.locator('#alert-list li.alert span.muted').first().textContent(), ' score 0.188 · 2 flagged samples');
    assert.match(await host.page.locator('#alerts').innerText(), /Detector off for this run after an error: box_growth: boom/);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });

    await host.page.locator('#alert-list li.alert').first().locator('vscode-button', { hasText: 'Open group' }).click();
    assert.deepEqual(await host.waitForNotification(DashboardMessages.openAlertSample.method), {
      split: 'train',
      step: 12,
      group: 's12-p0',
      index: 0,
      open: 'group',
      // The alert's samples in that group, for the group view to mark.
      flagged: [0],
    });
    await host.page.locator('#alert-list li.alert').first().locator('vscode-button', { hasText: '#1 of s12-p1' }).click();
    assert.deepEqual(await host.waitForNotification(DashboardMessages.openAlertSample.method), {
      split: 'train',
      step: 12,
      group: 's12-p1',
      index: 1,
      open: 'sample',
    });
    // The step link selects the step, as a click on a chart does.
    await host.page.locator('#alert-list li.alert .alert-step').nth(1).click();
    await host.page.waitForFunction(() => document.querySelector('.step-panel strong')?.textContent === 'Step 30');
    assert.deepEqual(host.invalid, []);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('collapses the list to one summary row of counts by kind, which opens on click and stays open across snapshots', async () => {
    const many: AlertDto[] = [
      ...[3, 9, 15].map((step) => ({ ...ALERTS[0]!, step })),
      ...[20, 30, 40, 50].map((step) => ({ ...ALERTS[0]!, kind: 'length_exploitation' as const, step })),
    ];
    const snap = dashboardFixture(60, { alerts: many });
    const host = await open(snap);
    await host.waitForPaint();
    assert.equal(await host.page.locator('#alert-summary').innerText(), 'Alerts (7): 4 length exploitation, 3 degenerate output — show');
    assert.equal(await host.page.locator('#alert-list').isVisible(), false);
    assert.equal(await host.page.locator('#alert-list li.alert').count(), 7, 'the rows are there, folded away');
    await host.page.locator('#alert-summary').click();
    assert.equal(await host.page.locator('#alert-list').isVisible(), true);
    // The toggle event comes after the click: wait for the words to change, then check them.
    await host.page.waitForFunction(() => document.querySelector('#alert-summary .alert-toggle')?.textContent !== ' — show');
    assert.equal(await host.page.locator('#alert-summary .alert-toggle').textContent(), ' — hide');
    // A live run's next snapshot redraws the list as the user left it.
    await host.postJson(DashboardMessages.snapshot.method, JSON.stringify({ ...snap, alerts: many.slice(1) }));
    await host.page.waitForFunction(() => document.querySelector('#alerts h2')?.textContent === 'Alerts (6)');
    assert.equal(await host.page.locator('#alert-list').isVisible(), true);
    await host.page.locator('#alert-summary').click();
    assert.equal(await host.page.locator('#alert-list').isVisible(), false);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('shows no alert panel for a run without alerts', async () => {
    const host = await open(dashboardFixture(50));
    await host.waitForPaint();
    assert.equal(await host.page.locator('#alerts').isHidden(), true);
    await host.close();
  });
});
