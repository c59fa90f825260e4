/// <reference lib="dom" />
// The group view bundle in headless Chromium against the fake host, with a 64 × 4k-token group
// whose texts carry script tags, onerror images, javascript: links and \href math.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, answerGroup, groupFixture, type GroupFixture } from './fixtures';
import type { ThemeName } from './themes';

let server: PageServer;
let context: BrowserContext;
let fx: GroupFixture;
const LONG = 5;

before(async () => {
  fx = groupFixture({ g: 64, tokens: 4096, longIndex: LONG });
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
});

function open(opts: { theme?: ThemeName; state?: unknown; fixture?: GroupFixture } = {}): Promise<FakeHostPage> {
  const f = opts.fixture ?? fx;
  return FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    ...(opts.theme ? { theme: opts.theme } : {}),
    ...(opts.state !== undefined ? { state: opts.state } : {}),
    onReady: () => ({ method: GroupMessages.snapshot.method, json: f.json }),
    onRequest: answerGroup(f),
  });
}

describe('group view', () => {
  it('sends ready first and paints the tree and the 64 samples', async () => {
    const host = await open();
    await host.waitForPaint();
    assert.equal((host.received[0] as { method: string }).method, 'ready');
    const nodes = await host.page.locator('svg.prefix-tree g.node').count();
    assert.equal(nodes, fx.snapshot.tree?.nodes.length);
    assert.equal(await host.page.locator('table.samples tbody tr.row').count(), 64);
    assert.deepEqual(host.invalid, []);
    assert.deepEqual(host.errors, []);
    await host.close();
  });

  it('marks the samples of the alert it was opened from, and only those', async () => {
    const snapshot = { ...fx.snapshot, flagged: [3, 17] };
    const host = await open({ fixture: { ...fx, snapshot, json: JSON.stringify(snapshot) } });
    await host.waitForPaint();
    assert.deepEqual(
      await host.page.$$eval('table.samples tbody tr.row.flagged', (rs) =>
        rs.map((r) => [r.getAttribute('data-index'), r.querySelector('td')?.textContent]),
      ),
      [
        ['3', '⚑ 3'],
        ['17', '⚑ 17'],
      ],
    );
    await host.close();
  });

  it('marks and filters solved samples by the run’s success rule, with no logged verdict', async () => {
    // As in a run that logs a correctness component and a format bonus: every reward is > 0, no
    // sample has a verdict, and only samples 2 and 5 are solved.
    const samples = fx.snapshot.samples.map((x) => ({ ...x, correct: null, success: x.index === 2 || x.index === 5 }));
    const snapshot = { ...fx.snapshot, samples, success_rule: 'correctness component > 0' };
    const host = await open({ fixture: { ...fx, snapshot, json: JSON.stringify(snapshot) } });
    await host.waitForPaint();
    assert.match(await host.page.locator('.group-info .muted').first().innerText(), /^G = 64 · solved 2 of 64 · /);
    const marks = await host.page.$$eval('table.samples tbody tr.row', (rs) =>
      rs.map((r) => r.querySelectorAll('td')[6]?.textContent ?? '').join(''),
    );
    assert.equal(marks.replace(/✗/g, ''), '✓✓');
    assert.equal(
      await host.page.locator('table.samples tr.row[data-index="2"] td').nth(6).getAttribute('title'),
      'solved: correctness component > 0',
    );
    await host.page.locator('#filter-correct').click();
    await host.page.locator('#filter-correct vscode-option[value="correct"]').click();
    await host.page.waitForFunction(() => document.querySelectorAll('table.samples tbody tr.row').length === 2);
    assert.deepEqual(await host.page.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => r.getAttribute('data-index'))), ['2', '5']);
    await host.close();
  });

  it('shows rounding noise as 0, neither green nor red (docs/algorithms.md#noise)', async () => {
    // A degenerate group as a trainer logs it: every reward 1.1, advantages of ±2.22e-10 from float
    // rounding, and one real advantage of 0.5 to show that real values keep their sign.
    const samples = fx.snapshot.samples.map((x) => ({
      ...x,
      reward: 1.1,
      advantage: x.index === 0 ? 0.5 : x.index % 2 ? 2.22e-10 : -2.22e-10,
      advantage_source: 'logged' as const,
    }));
    const snapshot = { ...fx.snapshot, samples, estimator: 'logged' as const };
    const host = await open({ fixture: { ...fx, snapshot, json: JSON.stringify(snapshot) } });
    await host.waitForPaint();
    const cells = await host.page.$$eval('table.samples tbody tr.row', (rs) =>
      rs.slice(0, 3).map((r) => {
        const td = r.querySelectorAll('td')[3]!;
        return [td.textContent, td.className];
      }),
    );
    assert.deepEqual(cells, [
      ['+0.5', 'num pos'],
      ['±0', 'num'],
      ['±0', 'num'],
    ]);
    await host.close();
  });

  it('hovering a tree node shows its V(s), δ and count at once, and the tree has a legend', async () => {
    const host = await open();
    await host.waitForPaint();
    const node = fx.snapshot.tree!.nodes.find((n) => n.parent !== null && n.count >= 2)!;
    await host.page.locator(`svg.prefix-tree g.node[data-id="${node.id}"] circle`).hover({ force: true });
    const card = host.page.locator('.tree-hover');
    await card.waitFor({ state: 'visible' });
    const text = await card.innerText();
    assert.ok(text.startsWith(`Node at token ${node.depth}\nV(s) `), text);
    assert.match(text, new RegExp(`\\n${node.count} responses · `));
    await host.page.mouse.move(1, 1);
    await card.waitFor({ state: 'hidden' });
    assert.match(await host.page.locator('.tree-legend').innerText(), /below\s+above the group mean: V\(s\)/);
    await host.close();
  });

  it('says how many ways a branch point splits', async () => {
    const host = await open();
    await host.waitForPaint();
    const labels = await host.page.$$eval('svg.prefix-tree text.fan-out', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(labels.length > 0, 'no branch point drawn');
    assert.ok(
      labels.every((l) => /^\d+ ways$/.test(l)),
      labels.join(', '),
    );
    await host.close();
  });

  it('clicking a tree node highlights exactly the samples through it', async () => {
    const host = await open();
    await host.waitForPaint();
    const tree = fx.snapshot.tree!;
    const branch = tree.nodes.find((n) => n.parent !== null && n.count > 1 && n.count < 64)!;
    await host.page.locator(`svg.prefix-tree g.node[data-id="${branch.id}"]`).dispatchEvent('click');
    const through = await host.page.$$eval('table.samples tr.row.through', (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset['index'])).sort((a, b) => a - b),
    );
    assert.deepEqual(through, branch.samples);
    assert.equal(await host.page.locator(`g.node[data-id="${branch.id}"]`).getAttribute('aria-selected'), 'true');
    // A real mouse click gets through d3's zoom behaviour too.
    await host.page.locator('svg.prefix-tree g.node[data-id="1"] circle').click();
    assert.equal(await host.page.locator('g.node[data-id="1"]').getAttribute('aria-selected'), 'true');
    assert.equal(await host.page.locator('table.samples tr.row.through').count(), 64);
    await host.close();
  });

  it("sends node text previews and fetches a selected node's full text on demand", async () => {
    const host = await open();
    await host.waitForPaint();
    const long = fx.snapshot.tree!.nodes.find((n) => n.text_length > 5000)!;
    assert.equal(long.text.length, 240);
    await host.page.locator(`svg.prefix-tree g.node[data-id="${long.id}"]`).dispatchEvent('click');
    // The full text is chunked (built as the reader scrolls): more than one chunk means more than the preview.
    await host.page.waitForFunction(() => Number(document.querySelector('.node-text')?.getAttribute('data-chunks')) > 1);
    assert.ok((await host.page.locator('.node-text .chunk').first().innerText()).startsWith(fx.nodeTexts.get(long.id)!.slice(0, 100)));
    assert.deepEqual(
      host.received.filter((m) => m.kind === 'request').map((m) => (m as { method: string; params: unknown }).params),
      [{ ids: [long.id] }],
    );
    await host.close();
  });

  it('clicking a sample marks its path in the tree and opens its detail', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="3"]').click();
    await host.page.waitForSelector('.sample-detail h2');
    assert.equal(await host.page.locator('.sample-detail h2').innerText(), 'Sample #3');
    const onPath = await host.page.$$eval('g.node.on-path', (ns) => ns.map((n) => Number(n.getAttribute('data-id'))));
    const expected = fx.snapshot.tree!.nodes.filter((n) => n.samples.includes(3)).map((n) => n.id);
    assert.deepEqual(
      onPath.sort((a, b) => a - b),
      expected.sort((a, b) => a - b),
    );
    await host.close();
  });

  it('shows hostile rollout text literally and runs none of it', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('.sample-detail .chunked-text.response');
    await host.page.locator('.group-header details.prompt summary').click();
    const text = await host.page.locator('#app').innerText();
    for (const s of [HOSTILE.script, HOSTILE.img, HOSTILE.style, HOSTILE.mathHref, '<a href="javascript:'])
      assert.ok(text.includes(s), `shown literally: ${s}`);
    // The node text (edge label tooltip) carries the same strings.
    const title = await host.page.locator('svg.prefix-tree g.node title').nth(1).textContent();
    assert.ok(title?.includes('<script>'), 'the tree node tooltip shows the raw token text');
    const report = await host.securityReport();
    assert.deepEqual(report, { pwned: null, dialogs: [], violations: [], injected: 0, javascriptLinks: 0 });
    await host.close();
  });

  it('renders math with KaTeX and leaves \\href as inert text', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('.sample-detail .katex');
    // The fixture's sample 0 holds one inline and one display formula (the hostile \href one is not math).
    assert.deepEqual(
      [
        await host.page.locator('.sample-detail .response .katex').count(),
        await host.page.locator('.sample-detail .response .katex-display').count(),
      ],
      [2, 1],
    );
    assert.equal(await host.page.locator('.sample-detail a').count(), 0, 'no link element anywhere in the sample');
    await host.close();
  });

  it('highlights reflection keywords from the engine spans', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="0"]').click();
    await host.page.waitForSelector('.sample-detail .reflection');
    const words = await host.page.$$eval('.sample-detail .response .reflection', (ns) => [...new Set(ns.map((n) => n.textContent))].sort());
    assert.deepEqual(words, ['recheck', 'wait']);
    await host.close();
  });

  it('renders a 100k-character response in chunks without blocking', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator(`table.samples tr.row[data-index="${LONG}"]`).click();
    await host.page.waitForSelector('.sample-detail .chunked-text.response .chunk');
    const { rendered, total } = await host.page.$eval('.sample-detail .chunked-text.response', (n) => ({
      rendered: n.querySelectorAll('.chunk').length,
      total: Number(n.getAttribute('data-chunks')),
    }));
    // How fast it shows is bench/webview.bench.ts's business; here: only the first chunks are built.
    assert.deepEqual({ rendered, total }, { rendered: 1, total: 19 });
    await host.close();
  });

  it('underlines tokens by TEMPO advantage on an exact tree', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="2"]').click();
    await host.page.waitForSelector('#token-heat');
    await host.page.locator('#token-heat').click();
    await host.page.waitForSelector('.sample-detail .response.tokens .tok');
    const heat = await host.page.$eval('.sample-detail .response.tokens .tok', (n) => (n as HTMLElement).style.getPropertyValue('--heat'));
    assert.match(heat, /^color-mix\(in srgb, var\(--vscode-charts-(green|red)\)/);
    // One control: the rest of the view shows TEMPO too, and another estimator ends the underline.
    assert.equal(await host.page.$eval('#estimator', (d) => (d as HTMLElement & { value: string }).value), 'tempo');
    assert.match(await host.page.locator('.list-head span.muted').first().innerText(), /advantage: TEMPO$/);
    await host.page.$eval('#estimator', (d) => {
      (d as HTMLElement & { value: string }).value = 'grpo';
      d.dispatchEvent(new Event('change'));
    });
    await host.page.waitForFunction(() => document.querySelector('.sample-detail .response.tokens .tok') === null);
    assert.equal(await host.page.locator('#token-heat[checked]').count(), 0);
    await host.close();
  });

  it('marks an approximate tree with a badge and its warning, and disables token heat', async () => {
    const approx = groupFixture({ g: 8, tokens: 64, exact: false });
    approx.snapshot.tree!.warnings = ['group "uid-0001": approximate P2T (no token ids or tokenizer)'];
    approx.json = JSON.stringify(approx.snapshot);
    const host = await open({ fixture: approx });
    await host.waitForPaint();
    assert.equal(await host.page.locator('#approximate-badge').count(), 1);
    assert.match(await host.page.locator('.group-header .warning').innerText(), /approximate P2T/);
    await host.page.locator('table.samples tr.row[data-index="1"]').click();
    await host.page.waitForSelector('#token-heat');
    assert.equal(await host.page.locator('#token-heat').getAttribute('disabled'), '');
    await host.close();
  });

  it('switches the advantage estimator (RLOO = G/(G−1)·(R − μ))', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('#estimator').click();
    await host.page.locator('#estimator vscode-option[value="rloo"]').click();
    await host.page.waitForFunction(() => document.querySelector('.sample-list .list-head span')?.textContent?.includes('RLOO'));
    const rewards = fx.snapshot.samples.map((s) => s.reward);
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const expected = (64 / 63) * ((rewards[0] as number) - mean);
    const shown = await host.page.locator('table.samples tr.row[data-index="0"] td').nth(3).innerText();
    assert.ok(Math.abs(Number(shown.replace('−', '-').replace('+', '')) - expected) < 1e-3, `${shown} ≈ ${expected}`);
    await host.close();
  });

  it('the open estimator list lies above the samples table, so a mouse click lands on an option', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('#estimator').click();
    // Probe once the list is open and laid out (two frames), not while it is still being placed.
    await host.page.waitForFunction(() => document.querySelector('#estimator')?.hasAttribute('open'));
    await host.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // The judged estimators are hidden in a group without judges (groupJudging.test.ts): only shown options are probed.
    const hits = await host.page.$$eval('#estimator vscode-option:not([hidden])', (opts) =>
      opts.map((o) => {
        const r = o.getBoundingClientRect();
        const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return at?.closest('#estimator') ? 'option' : (at?.tagName ?? 'nothing');
      }),
    );
    assert.deepEqual(
      hits,
      hits.map(() => 'option'),
    );
    assert.ok(hits.length >= 4, `${hits.length} options`);
    await host.close();
  });

  it('an edge label selects its node when clicked, and the root label is inside the pane', async () => {
    const host = await open();
    await host.waitForPaint();
    const tree = fx.snapshot.tree!;
    const target = tree.nodes.find((n) => n.parent !== null && n.count > 1 && n.count < 64)!;
    const labelBox = await host.page.locator(`svg.prefix-tree g.node[data-id="${target.id}"] text.edge-label`).boundingBox();
    assert.ok(labelBox, 'the edge label is drawn');
    await host.page.mouse.click(labelBox.x + labelBox.width / 2, labelBox.y + labelBox.height / 2);
    assert.equal(await host.page.locator(`svg.prefix-tree g.node[data-id="${target.id}"]`).getAttribute('aria-selected'), 'true');
    const root = await host.page.locator('svg.prefix-tree g.node text.edge-label', { hasText: /^prompt$/ }).boundingBox();
    const pane = await host.page.locator('svg.prefix-tree').boundingBox();
    assert.ok(root && pane && root.x >= pane.x, `root label starts at ${root?.x}, the pane at ${pane?.x}`);
    await host.close();
  });

  it('walks the tree and the sample rows with the keyboard', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('svg.prefix-tree g.node[tabindex="0"]').focus();
    await host.page.keyboard.press('ArrowDown');
    await host.page.keyboard.press('Enter');
    const selected = await host.page.locator('g.node[aria-selected="true"]').getAttribute('data-id');
    assert.equal(selected, String(fx.snapshot.tree!.nodes[1]!.id));
    await host.page.locator('table.samples tr.row').first().focus();
    await host.page.keyboard.press('ArrowDown');
    await host.page.keyboard.press('Enter');
    await host.page.waitForSelector('.sample-detail h2');
    assert.equal(await host.page.locator('.sample-detail h2').innerText(), 'Sample #1');
    await host.close();
  });

  it('posts Compare with… and Re-score this group… to the host', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="4"]').click();
    await host.page.locator('#compare').click();
    assert.deepEqual(await host.waitForNotification(GroupMessages.compare.method), { index: 4 });
    await host.page.locator('#rescore').click();
    assert.deepEqual(await host.waitForNotification(GroupMessages.rescore.method), {});
    await host.close();
  });

  it('saves a versioned checkpoint and restores the selection from it', async () => {
    const host = await open();
    await host.waitForPaint();
    await host.page.locator('table.samples tr.row[data-index="6"]').click();
    const saved = await host.page.evaluate(() => (window as unknown as { __rlSavedState: unknown }).__rlSavedState);
    assert.equal((saved as { v: number }).v, 1);
    assert.equal((saved as { selectedSample: number }).selectedSample, 6);
    await host.close();
    const restored = await open({ state: saved });
    await restored.waitForPaint();
    assert.deepEqual((restored.received[0] as { params: unknown }).params, { checkpoint: saved });
    await restored.page.waitForSelector('.sample-detail h2');
    assert.equal(await restored.page.locator('.sample-detail h2').innerText(), 'Sample #6');
    await restored.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`is legible in the ${theme} theme (screenshot)`, async () => {
      const host = await open({ theme });
      await host.waitForPaint();
      const branch = fx.snapshot.tree!.branches[0]!;
      await host.page.locator(`g.node[data-id="${branch.node}"]`).dispatchEvent('click');
      await host.page.locator('table.samples tr.row[data-index="0"]').click();
      await host.page.waitForSelector('.sample-detail .katex');
      const colors = await host.page.evaluate(() => ({
        fg: getComputedStyle(document.body).color,
        bg: getComputedStyle(document.body).backgroundColor,
      }));
      assert.notEqual(colors.fg, colors.bg);
      await host.screenshot(`group-${theme}`);
      await host.close();
    });
  }
});
