/// <reference lib="dom" />
// The group view's token overlay, aggregate columns and turns in headless Chromium, on a group
// ingested from native JSONL into SQLite: token counts, colour classes by value, aggregate numbers,
// the hover readout, missing values, modes absent with their reasons.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { Store } from '../../src/core/store/store';
import { stepMismatch } from '../../src/core/store/tokenStore';
import { DASHBOARD_INBOUND, DashboardMessages } from '../../src/shared/protocol/webviews/dashboard';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { dashboardFixture } from './fixtures';
import { answerTokenGroup, tokenGroupFixture, tokenStore, type TokenGroupFixture } from './tokenFixtures';

let server: PageServer;
let context: BrowserContext;
let store: Store;
let fx: TokenGroupFixture;
let plain: TokenGroupFixture;

before(async () => {
  store = await tokenStore();
  fx = tokenGroupFixture(store, { run: 'tok', split: 'train', step: 3, group: 'g' });
  plain = tokenGroupFixture(store, { run: 'tok', split: 'train', step: 4, group: 'k' });
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  store?.close();
});

async function open(f: TokenGroupFixture = fx): Promise<FakeHostPage> {
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    onReady: () => ({ method: GroupMessages.snapshot.method, json: f.json }),
    onRequest: answerTokenGroup(f),
  });
  await host.waitForPaint();
  return host;
}

async function chooseMode(host: FakeHostPage, mode: string): Promise<void> {
  await host.page.locator('#token-mode').click();
  await host.page.locator(`#token-mode vscode-option[value="${mode}"]`).click();
  await host.page.waitForSelector(`.token-text.mode-${mode}`);
}

/** Turns a mode on (the picker offers every mode before the sample's tokens are fetched). */
async function chooseModeIfOffered(host: FakeHostPage): Promise<void> {
  await host.page.locator('#token-mode').click();
  await host.page.locator('#token-mode vscode-option[value="logprob"]').click();
  await host.page.waitForSelector('.mode-absent[data-mode="entropy"]');
}

const classes = (host: FakeHostPage): Promise<string[]> =>
  host.page.$$eval('.token-text .tok-o', (spans) => spans.map((s) => s.className.replace(/^tok-o /, '')));

describe('token overlay', () => {
  it('shows the aggregate columns and sorts by them', async () => {
    const host = await open();
    const cells = await host.page.$$eval('table.samples tbody tr.row', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td.token-col'), (c) => c.textContent)),
    );
    assert.deepEqual(cells, [
      ['0.2188', '1.6487', '50.0%', '−2.3875'],
      ['–', '–', '–', '−0.15'],
      ['–', '–', '–', '–'],
    ]);
    await host.page.locator('th[data-column="mean_logprob"]').click();
    const order = await host.page.$$eval('table.samples tbody tr.row', (rows) => rows.map((r) => (r as HTMLElement).dataset['index']));
    assert.deepEqual(order, ['1', '0', '2']);
    assert.deepEqual(host.invalid, []);
    await host.close();
  });

  it('colours tokens by logprob class, missing values apart, and fetches tokens only once a mode is on', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('#token-mode');
    assert.equal(host.received.filter((m) => m.kind === 'request' && (m as { method: string }).method === 'group/tokens').length, 0);
    await chooseMode(host, 'logprob');
    assert.equal(await host.page.getAttribute('.token-text', 'data-tokens'), '5');
    assert.deepEqual(await classes(host), ['lp-4', 'lp-3', 'tok-missing', 'lp-1', 'lp-0']);
    assert.deepEqual(await host.page.$$eval('.token-text .tok-o', (s) => s.map((x) => x.textContent)), [
      'The',
      ' answer',
      ' is',
      ' 4',
      '.',
    ]);
    assert.equal(
      await host.page.innerText('.token-summary'),
      '5 tokens · 1 missing · mean |Δ| 0.2188 · max ratio 1.6487 · outside clip 50.0% · mean logprob −2.3875',
    );
    await host.close();
  });

  it('marks the mismatch |Δ| and the ratio against the clip range [0.8, 1.2]', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('#token-mode');
    await chooseMode(host, 'delta');
    // Δ = 0, +0.25, missing, +0.5, −0.125
    assert.deepEqual(await classes(host), ['d-0', 'd-3 clip-out', 'tok-missing', 'd-3 clip-out', 'd-2']);
    await chooseMode(host, 'ratio');
    assert.deepEqual(await classes(host), ['r-in', 'r-high', 'tok-missing', 'r-high', 'r-in']);
    assert.match(await host.page.innerText('.token-legend'), /in \[0\.8, 1\.2\]/);
    await host.close();
  });

  it('shows a token’s string, id and values on hover; a missing value reads “missing”, never 0', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('#token-mode');
    await chooseMode(host, 'entropy');
    assert.deepEqual(await classes(host), ['e-0', 'e-1', 'tok-missing', 'e-2', 'e-2']);
    await host.page.locator('.token-text .tok-o[data-t="1"]').hover();
    assert.equal(
      await host.page.innerText('.token-readout'),
      '#1 · token " answer" · id 11 · logprob −0.5 · train −0.25 · Δ +0.25 · ratio 1.284 (outside clip range) · ref not logged · entropy 0.5 · advantage +1.1547',
    );
    await host.page.locator('.token-text .tok-o[data-t="2"]').hover();
    assert.match(
      await host.page.innerText('.token-readout'),
      /^#2 · token " is" · id 12 · logprob missing · train −1 · Δ missing · ratio missing · ref not logged · entropy missing/,
    );
    await host.close();
  });

  it('keeps the read-out on screen while a token at the bottom edge of the window is hovered', async () => {
    const host = await open();
    await host.page.setViewportSize({ width: 900, height: 400 });
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('#token-mode');
    await chooseMode(host, 'entropy');
    // The first token at the very bottom of the window: the tokens below it are off screen.
    await host.page.$eval('.token-text .tok-o[data-t="0"]', (t) => t.scrollIntoView({ block: 'end' }));
    await host.page.locator('.token-text .tok-o[data-t="0"]').hover();
    const box = await host.page.locator('.token-readout').boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 400, `read-out at ${JSON.stringify(box)} in a 400 px window`);
    assert.match(await host.page.innerText('.token-readout'), /^#0 · token /);
    await host.close();
  });

  it('token advantages under the chosen estimator: GRPO’s A on every token', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('#token-mode');
    await chooseMode(host, 'advantage');
    assert.deepEqual(await classes(host), ['a-pos', 'a-pos', 'a-pos', 'a-pos', 'a-pos']);
    await host.close();
  });

  it('lists the absent modes with their reasons for a sample with only sampler logprobs', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="1"]').click();
    await host.page.waitForSelector('#token-mode');
    await chooseMode(host, 'logprob');
    // exp(−0.1) = 0.905, exp(−0.2) = 0.819
    assert.deepEqual(await classes(host), ['lp-4', 'lp-3']);
    const absent = await host.page.$$eval('.mode-absent', (n) => n.map((x) => (x as HTMLElement).dataset['mode']));
    assert.deepEqual(absent, ['delta', 'ratio', 'entropy']);
    assert.equal(await host.page.locator('#token-mode vscode-option[value="delta"]').count(), 0);
    await host.close();
  });

  it('says why there is no overlay and hides the columns when a group has no logprobs', async () => {
    const host = await open(plain);
    assert.equal(await host.page.locator('table.samples.no-token-stats').count(), 1);
    assert.equal(await host.page.locator('table.samples th.token-col').first().isVisible(), false);
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('.mode-absent');
    assert.equal(
      await host.page.innerText('.mode-absent'),
      'Logprob and mismatch overlays: No per-token logprobs were logged for these samples (the trainer wrote none, or its format carries none).',
    );
    await host.close();
  });
});

describe('multi-turn view', () => {
  it('shows roles, trained vs masked turns, tool calls and per-turn token counts, as text only', async () => {
    const host = await open();
    await host.page.locator('table.samples tr.row[data-index="2"]').click();
    await host.page.waitForSelector('.turns');
    assert.equal(await host.page.innerText('.turns-summary'), '4 turns · 2 trained · 1 tool call · 1 tool outputs');
    const rows = await host.page.$$eval('.turn', (ts) =>
      ts.map((t) => [t.className, t.querySelector('.turn-tokens')?.textContent, t.querySelector('.turn-calls')?.textContent ?? null]),
    );
    assert.deepEqual(rows, [
      ['turn masked role-user', '13 tokens (approximate)', null],
      ['turn trained role-assistant', '32 tokens (approximate)', '1 tool call'],
      ['turn masked role-tool', '14 tokens (approximate)', null],
      ['turn trained role-assistant', '8 tokens (approximate)', null],
    ]);
    assert.equal(await host.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    assert.equal(await host.page.locator('.turn script').count(), 0);
    // No per-token arrays at all: every overlay mode is absent, with the reason.
    await chooseModeIfOffered(host);
    assert.deepEqual(await host.page.$$eval('.mode-absent', (n) => n.map((x) => x.textContent)), [
      'Logprob (heat): No per-token data (token ids, strings or logprobs) was logged for this sample.',
      'Mismatch |Δ logprob|: No per-token data (token ids, strings or logprobs) was logged for this sample.',
      'Ratio exp(Δ) vs clip range [0.8, 1.2]: No per-token data (token ids, strings or logprobs) was logged for this sample.',
      'Token advantage: No per-token data (token ids, strings or logprobs) was logged for this sample.',
      'Entropy: No per-token data (token ids, strings or logprobs) was logged for this sample.',
    ]);
    // In the tree: the tool output sits on sample 2's edge as context, never as a decision.
    const node = fx.snapshot.tree!.nodes.find((n) => n.context?.some((c) => c.role === 'tool'))!;
    await host.page.locator(`svg.prefix-tree g.node[data-id="${node.id}"]`).dispatchEvent('click');
    await host.page.waitForSelector('.tree-context[data-role="tool"]');
    assert.equal(
      await host.page.innerText('.tree-context[data-role="tool"] .muted'),
      'tool turn after token 32 (not a policy decision) · 1 response',
    );
    assert.equal(await host.page.textContent('.tree-context[data-role="tool"] .turn-text'), '<script>window.__pwned=1</script>4\n');
    assert.equal(
      fx.snapshot.tree!.decision_tokens.some((d) => d.text.includes('script')),
      false,
    );
    // On the edge itself: a marked tool segment (role label, then the text as text), and the
    // leading user turn under the root's "prompt" label.
    const edgeContext = (): Promise<string[][]> =>
      host.page.$$eval('svg.prefix-tree text.edge-context', (ts) =>
        ts.map((t) => [
          t.closest('g.node')?.getAttribute('data-id') ?? '',
          t.getAttribute('data-role') ?? '',
          t.querySelector('.context-role')?.textContent ?? '',
          t.querySelector('.context-text')?.textContent ?? '',
        ]),
      );
    const root = fx.snapshot.tree!.nodes.find((n) => n.parent === null)!;
    assert.deepEqual(await edgeContext(), [
      [String(root.id), 'user', 'user ▸ ', 'Compute 2+2 with th…'],
      // Markup tags read as a space in the one-line preview; the tooltip has the text exactly.
      [String(node.id), 'tool', 'tool ▸ ', 'window.__pwned=1 4'],
    ]);
    assert.equal(await host.page.locator('svg.prefix-tree text.edge-context script, svg.prefix-tree script').count(), 0);
    assert.equal(
      await host.page.textContent(`svg.prefix-tree g.node[data-id="${node.id}"] text.edge-context > title`),
      'tool turn after token 32 (not a policy decision) · 1 response\n<script>window.__pwned=1</script>4\n',
    );
    // Context is never a decision or a branch point: the decision list names no turn text.
    assert.deepEqual(await host.page.$$eval('li.decision', (ls) => ls.filter((l) => /script|Compute/.test(l.textContent ?? '')).length), 0);
    await host.close();
  });
});

describe('dashboard mismatch chart', () => {
  it('charts mean and p99 |Δ| and the share outside the clip range per step, only when logged', async () => {
    const mismatch = stepMismatch(store, 'tok');
    // Step 3: |Δ| = 0, 0.25, 0.5, 0.125 over sample 0 (sample 1 has no trainer logprobs).
    assert.deepEqual(mismatch, [{ step: 3, tokens: 4, mean_abs_delta: 0.21875, p99_abs_delta: 0.5, outside_clip: 0.5 }]);
    const open = async (extras: object): Promise<FakeHostPage> => {
      const snap = { ...dashboardFixture(20), ...extras };
      const host = await FakeHostPage.open(context, server, 'dashboard', {
        inbound: DASHBOARD_INBOUND,
        onReady: () => ({ method: DashboardMessages.snapshot.method, json: JSON.stringify(snap) }),
      });
      await host.waitForPaint();
      return host;
    };
    const host = await open({ mismatch, clip_epsilon: 0.2 });
    assert.equal(
      await host.page.innerText('figure[data-chart="mismatch"] .chart-title'),
      'Train vs inference logprob mismatch (|Δ|; share outside [0.8, 1.2])',
    );
    assert.deepEqual(
      await host.page.$$eval('figure[data-chart="mismatch"] figcaption .legend > *', (n) => n.map((x) => x.textContent?.trim())),
      ['mean |Δ|', 'p99 |Δ|', 'outside clip'],
    );
    await host.close();
    const without = await open({});
    assert.equal(await without.page.locator('figure[data-chart="mismatch"]').count(), 0);
    await without.close();
  });

  it('labels a share axis of a few percent with the decimals its ticks need', async () => {
    // Shares of 0.2–1.4%: whole-percent ticks read "0%, 0%, 1%, 1%".
    const mismatch = [1, 2, 3, 4, 5].map((step) => ({
      step,
      tokens: 1000,
      mean_abs_delta: 0.01 * step,
      p99_abs_delta: 0.05 * step,
      outside_clip: 0.003 * step - 0.001,
    }));
    const snap = { ...dashboardFixture(5), mismatch, clip_epsilon: 0.2 };
    const host = await FakeHostPage.open(context, server, 'dashboard', {
      inbound: DASHBOARD_INBOUND,
      onReady: () => ({ method: DashboardMessages.snapshot.method, json: JSON.stringify(snap) }),
    });
    await host.waitForPaint();
    const axes = await host.page.$$eval('figure[data-chart="mismatch"] svg g.axis', (gs) =>
      gs.map((g) => Array.from(g.querySelectorAll('.tick text'), (t) => t.textContent ?? '')),
    );
    const right = axes[axes.length - 1]!;
    assert.equal(new Set(right).size, right.length, `repeated tick labels: ${right.join(', ')}`);
    assert.ok(
      right.every((t) => /^\d+\.\d%$/.test(t)),
      right.join(', '),
    );
    assert.equal(
      await host.page.innerText('figure[data-chart="clip"] .chart-title'),
      'Truncated share (responses cut at the length limit)',
    );
    await host.close();
  });
});
