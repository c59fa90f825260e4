/// <reference lib="dom" />
// The re-score comparison bundle in headless Chromium against the fake host: the summary, the
// changed samples (paged), a row opening the diff, and a hostile rationale shown literally.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { RESCORE_INBOUND, RescoreMessages, type RescoreSnapshot } from '../../src/shared/protocol/webviews/rescore';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, rescoreFixture } from './fixtures';
import type { ThemeName } from './themes';

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

function open(snapshot: RescoreSnapshot, theme?: ThemeName): Promise<FakeHostPage> {
  return FakeHostPage.open(context, server, 'rescore', {
    inbound: RESCORE_INBOUND,
    ...(theme ? { theme } : {}),
    onReady: () => ({ method: RescoreMessages.snapshot.method, json: JSON.stringify(snapshot) }),
  });
}

const comparison = rescoreFixture(500);
const snapshot: RescoreSnapshot = { set_id: 'set-3', comparison, error: null };

describe('re-score comparison', () => {
  it('summarises agreement, the confusion matrix and flips', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    const text = await host.page.locator('.summary').innerText();
    assert.match(text, /93\.0%/);
    assert.deepEqual(await host.page.$$eval('table.confusion td', (tds) => tds.map((t) => t.textContent)), ['400', '25', '12', '563']);
    assert.match(text, /37\s+correctness flips/);
    assert.equal(await host.page.locator('.per-step figure.chart').count(), 2);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('redraws the per-step charts to fit when the panel narrows (the side bar hidden or shown)', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    for (const width of [1300, 700, 1100]) {
      await host.page.setViewportSize({ width, height: 900 });
      await host.page.waitForTimeout(200);
      const over = await host.page.$$eval('.per-step figure.chart', (fs) =>
        fs
          .map((f) => Math.round((f.querySelector('svg')?.getBoundingClientRect().width ?? 0) - f.getBoundingClientRect().width))
          .filter((d) => d > 0),
      );
      assert.deepEqual(over, [], `at ${width} px a chart is wider than its cell`);
    }
    await host.close();
  });

  it('lists the changed samples, largest |Δ| first, in pages', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    const rows = await host.page.locator('table.changed tbody tr.row').count();
    assert.equal(rows, 200, 'the first page of 500');
    assert.match(await host.page.locator('.more').innerText(), /200 of 500 shown/);
    await host.page.locator('.more').scrollIntoViewIfNeeded();
    await host.page.waitForFunction(() => document.querySelectorAll('table.changed tbody tr.row').length > 200);
    await host.close();
  });

  it('puts each number under its own column name (numeric headers right-aligned like their cells)', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    const cols = await host.page.$$eval('table.changed thead th.num', (ths) =>
      ths.map((th) => {
        const i = (th as HTMLTableCellElement).cellIndex;
        const td = document.querySelector(`table.changed tbody tr.row td:nth-child(${i + 1})`)!;
        const label = document.createRange();
        label.selectNodeContents(th);
        const value = document.createRange();
        value.selectNodeContents(td);
        return [
          th.textContent,
          getComputedStyle(th).textAlign,
          Math.round(label.getBoundingClientRect().right - value.getBoundingClientRect().right),
        ];
      }),
    );
    assert.deepEqual(cols, [
      ['Step', 'right', 0],
      ['#', 'right', 0],
      ['Logged', 'right', 0],
      ['New', 'right', 0],
      ['Δ', 'right', 0],
    ]);
    await host.close();
  });

  it('says what the logged column holds', async () => {
    const host = await open({ ...snapshot, comparison: { ...comparison, baseline: 'logged component correctness' } });
    await host.waitForPaint();
    assert.equal(
      await host.page.locator('.rescore-header .baseline').innerText(),
      'Compared with the logged correctness component: Δ = new − logged.',
    );
    await host.close();
  });

  it('filters to flipped samples', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    await host.page.locator('#flipped-only').click();
    await host.page.waitForFunction(() => /of 400 shown|400 samples/.test(document.querySelector('.more')?.textContent ?? ''));
    const flips = await host.page.$$eval('table.changed tbody tr.row td:nth-child(7)', (tds) => [
      ...new Set(tds.map((t) => t.textContent)),
    ]);
    assert.deepEqual(flips, ['flipped']);
    await host.close();
  });

  it('opens the diff for a row by click and by keyboard', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    const first = comparison.samples[0]!;
    await host.page.locator('table.changed tbody tr.row').first().click();
    assert.deepEqual(await host.waitForNotification(RescoreMessages.openDiff.method), { ref: first.ref });
    await host.page.keyboard.press('ArrowDown');
    await host.page.keyboard.press('Enter');
    await host.page.waitForFunction(() => document.querySelectorAll('table.changed tr.row.selected[data-row="1"]').length === 1);
    assert.equal(host.notifications(RescoreMessages.openDiff.method).length, 2);
    assert.deepEqual(host.invalid, []);
    await host.close();
  });

  it('shows a hostile rationale literally and runs none of it', async () => {
    const host = await open(snapshot);
    await host.waitForPaint();
    await host.page.locator('table.changed tbody tr.row').first().click();
    await host.page.waitForSelector('.row-detail .chunked-text');
    const text = await host.page.locator('.row-detail').innerText();
    for (const s of [HOSTILE.script, HOSTILE.img, HOSTILE.mathHref]) assert.ok(text.includes(s), `literal: ${s}`);
    assert.deepEqual(await host.securityReport(), { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });

  it('says why when there is no comparison', async () => {
    const host = await open({
      set_id: 'set-9',
      comparison: null,
      error: 'Re-score set set-9: not a re-score comparison (agreement: invalid_type)',
    });
    await host.waitForPaint();
    assert.match(await host.page.locator('.rescore-header .message.error').innerText(), /not a re-score comparison/);
    await host.close();
  });

  it('shows a host error in the header and stops being busy', async () => {
    const host = await FakeHostPage.open(context, server, 'rescore', { inbound: RESCORE_INBOUND, onReady: () => undefined });
    await host.waitForNotification('ready');
    assert.equal(await host.page.getAttribute('#app', 'aria-busy'), 'true');
    await host.postJson('error', JSON.stringify({ message: 'Could not load re-score set 4: no such set' }));
    await host.page.waitForSelector('.rescore-header .message.error');
    assert.equal(await host.page.locator('.rescore-header .message.error').innerText(), 'Could not load re-score set 4: no such set');
    assert.equal(await host.page.getAttribute('#app', 'aria-busy'), 'false');
    await host.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`is legible in the ${theme} theme (screenshot)`, async () => {
      const host = await open(snapshot, theme);
      await host.waitForPaint();
      await host.page.locator('table.changed tbody tr.row').nth(1).click();
      await host.screenshot(`rescore-${theme}`);
      await host.close();
    });
  }
});
