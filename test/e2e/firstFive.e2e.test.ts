/// <reference lib="dom" />
// The first five minutes of a new user, in a real VS Code (code-server) and headless Chromium:
// the Runs view's toolbar buttons (Ingest Folder…, … → Follow Folder…), the palette's order and its
// use of the selected row, and the realistic demo run's group view, dashboard and re-score
// comparison. With ROLLOUT_LENS_DOCS_IMAGES=1 the last three screenshots also go to docs/images
// (the README's pictures).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ROOT, runCliJson, tempDir } from '../helpers';
import { collectConsoleErrors, docsShot, openLens, screenshot, type CodeServer } from './codeServer';

const work = tempDir('rl-e2e-first-');
const db = path.join(work, 'first.db');
const RUN = 'realistic-grpo';
const STEPS = 40;
let server: CodeServer;
let browser: Browser;
let page: Page;
/** The group shown in the group view: the last step's group with the most decision tokens. */
let shown: { step: number; group: string; question: string; decisions: number };

function writeRun(out: string, steps: number): void {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'examples/realistic-run/writer.mjs'), `--out=${out}`, `--steps=${steps}`, '--interval-ms=0'],
    { stdio: 'pipe' },
  );
}

const shot = (name: string): Promise<void> => docsShot(page, name);

async function palette(text: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${text}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(300);
  return page.$$eval('.quick-input-list .monaco-list-row .label-name', (ls) => ls.map((l) => (l.textContent ?? '').trim()));
}

/** Picks a folder in VS Code's own (remote) open dialog: type its path, accept. */
async function pickFolder(folder: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  // The dialog fills in its starting folder once it has listed it; type over that, not before it.
  await page.waitForFunction(
    () => ((document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? '').startsWith('/'),
    undefined,
    { timeout: 10_000 },
  );
  // It can still reset the value to its starting folder right after: type until the value stays.
  for (let i = 0; i < 5; i++) {
    await input.fill(folder + '/');
    await page.waitForTimeout(800);
    if ((await input.inputValue()) === folder + '/') break;
  }
  assert.equal(await input.inputValue(), folder + '/');
  // Its button (Ingest / Follow) takes the folder typed; Enter would open the highlighted entry.
  await page
    .locator('.quick-input-widget .monaco-button', { hasText: /^(Ingest|Follow)$/ })
    .first()
    .click({ timeout: 10_000 });
}

async function nameRun(name: string): Promise<void> {
  const box = page.locator('.quick-input-widget', { hasText: 'Run name' }).first();
  try {
    await box.waitFor({ timeout: 10_000 });
  } catch (e) {
    await screenshot(page, 'first-run-name-failed');
    throw e;
  }
  await box.locator('input').first().fill(name);
  await page.keyboard.press('Enter');
}

/** A title-bar action of the Runs view; VS Code shows them while the view is hovered. */
function titleAction(label: string): { click: (opts: { timeout: number }) => Promise<void> } {
  return {
    click: async (opts) => {
      await tree().hover();
      await page.locator(`.sidebar .action-label[aria-label*="${label}"]:visible`).first().click(opts);
    },
  };
}

const toast = (text: string | RegExp) => page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
const tree = () => page.locator('.pane-body .monaco-list').first();
const row = (text: string | RegExp) => tree().locator('.monaco-list-row', { hasText: text }).first();
/** The run picker appears when there are several runs (the toolbar tests added two) and no run row is selected. */
async function pickRun(): Promise<void> {
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: RUN }).first();
  try {
    await item.waitFor({ timeout: 3000 });
  } catch {
    return; // no picker: the command took the run of the selected row
  }
  await item.click();
}

const webview = (): FrameLocator => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');

before(async () => {
  writeRun(path.join(work, 'realistic', 'output'), STEPS);
  runCliJson(['ingest', path.join(work, 'realistic', 'output'), '--db', db, '--run', RUN]);
  runCliJson(['rescore', '--db', db, '--run', RUN, '--reward', 'math']);
  const rows = fs
    .readFileSync(path.join(work, 'realistic', 'output', 'rollouts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; group: string; prompt: string; turns?: unknown });
  const candidates = [...new Map(rows.filter((r) => r.step === STEPS && !r.turns).map((r) => [r.group, r])).values()];
  let best: typeof shown | undefined;
  for (const c of candidates) {
    const t = runCliJson<{ decision_tokens: unknown[] }>(['tree', '--db', db, '--run', RUN, '--step', String(STEPS), '--group', c.group]);
    const question = /user\n([^\n<]+)/.exec(c.prompt)?.[1] ?? '';
    if (!best || t.decision_tokens.length > best.decisions)
      best = { step: STEPS, group: c.group, question, decisions: t.decision_tokens.length };
  }
  shown = best!;
  // Folders a user ingests and follows from the toolbar: the realistic writer's output plus a note.
  const incoming = path.join(work, 'incoming');
  writeRun(path.join(work, 'incoming-run', 'output'), 2);
  fs.mkdirSync(incoming);
  fs.copyFileSync(path.join(work, 'incoming-run', 'output', 'rollouts.jsonl'), path.join(incoming, 'rollouts.jsonl'));
  fs.writeFileSync(path.join(incoming, 'notes.txt'), 'what I changed in this run\n');
  fs.mkdirSync(path.join(work, 'live'));
  ({ server, browser, page } = await openLens(db));
  await row(RUN).waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

describe('a new user in code-server', () => {
  it('ingests a folder with the toolbar button; the notification names the file it did not read', async () => {
    const errors = collectConsoleErrors(page);
    await titleAction('Ingest Folder…').click({ timeout: 10_000 });
    await pickFolder(path.join(work, 'incoming'));
    await nameRun('incoming');
    await toast(/incoming: 64 samples added/).waitFor({ timeout: 30_000 });
    assert.match(
      await toast(/incoming: 64 samples added/).innerText(),
      /64 samples added \(0 already stored\) over 2 steps; not read: notes\.txt/,
    );
    await row('incoming').waitFor({ timeout: 15_000 });
    await screenshot(page, 'first-ingest-toolbar');
    assert.deepEqual(
      errors.filter((e) => /path.*argument/i.test(e)),
      [],
    );
  });

  it('follows a folder from the toolbar menu (… → Follow Folder…)', async () => {
    await titleAction('More Actions').click({ timeout: 10_000 });
    const item = page.locator('.context-view .action-label', { hasText: 'Follow Folder…' }).first();
    await item.waitFor({ timeout: 10_000 });
    await item.hover();
    await page.waitForTimeout(500);
    await item.click();
    await pickFolder(path.join(work, 'live'));
    await nameRun('followed');
    await toast(/Following live → followed/).waitFor({ timeout: 15_000 });
    // The trainer writes after following started: the rows arrive and the run appears.
    fs.copyFileSync(path.join(work, 'incoming-run', 'output', 'rollouts.jsonl'), path.join(work, 'live', 'rollouts.jsonl'));
    await row('followed').waitFor({ timeout: 30_000 });
    await screenshot(page, 'first-follow-toolbar');
    // Cancelling the notification stops following, and says what was stored.
    await toast(/Following live → followed/)
      .locator('.monaco-button', { hasText: 'Cancel' })
      .click();
    await toast(/Stopped following followed: 64 samples added/).waitFor({ timeout: 15_000 });
    await palette('Notifications: Clear All Notifications');
    await page.keyboard.press('Enter');
  });

  it('lists Re-score… before its comparison when "Re-score" is typed', async () => {
    const labels = await palette('Rollout Lens: Re-score');
    assert.equal(labels[0], 'Rollout Lens: Re-score…');
    assert.ok(labels.includes('Rollout Lens: Show Re-score Comparison…'), labels.join(' | '));
    await page.keyboard.press('Escape');
  });

  it('opens the group view of the selected group from the palette: a long branching tree', async () => {
    await row(RUN).click();
    await row('step 1').waitFor({ timeout: 15_000 });
    // The last step is below the fold of a virtual list: go there with the keyboard and expand it.
    await page.keyboard.press('End');
    await row(`step ${shown.step}`).waitFor({ timeout: 15_000 });
    await row(`step ${shown.step}`).click();
    // Walk up from the last group (the list scrolls to the focused row), then click it.
    await page.waitForTimeout(1000);
    await page.keyboard.press('End');
    await tree().locator('.monaco-list-row[aria-level="3"]').first().waitFor({ timeout: 15_000 });
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(200);
      const focused = await tree()
        .locator('.monaco-list-row.focused')
        .innerText()
        .catch(() => '');
      if (focused.includes(shown.question.slice(0, 40))) break;
      await page.keyboard.press('ArrowUp');
    }
    const group = row(shown.question.slice(0, 40));
    await group.waitFor({ timeout: 15_000 });
    await group.click();
    const labels = await palette('Rollout Lens: Open Group View');
    assert.equal(labels[0], 'Rollout Lens: Open Group View');
    await page.keyboard.press('Enter');
    const view = webview();
    await view.locator('svg.prefix-tree g.node').first().waitFor({ timeout: 30_000 });
    assert.match(await view.locator('.group-header h1').innerText(), new RegExp(`^${RUN} · step ${shown.step} · group ${shown.group}`));
    // 8 leaves, 7 branch points and the root: a binary tree over the 8 samples.
    assert.equal(await view.locator('svg.prefix-tree g.node').count(), 16);
    const decisions = await view.locator('ol.decisions li').count();
    assert.ok(decisions >= 10, `${decisions} decision tokens`);
    await view.locator('ol.decisions li').first().click();
    // The sample through the top decision token, so its response shows beside the tree.
    await view.locator('table.samples tr.row.through').first().click();
    await page.waitForTimeout(800);
    await shot('group-view');
  });

  it("opens the dashboard of the selected row's run from the palette: length and reflection curves", async () => {
    await palette('Rollout Lens: Open Run Dashboard');
    await page.keyboard.press('Enter');
    // A group of realistic-grpo is selected: no picker, its run's dashboard opens.
    assert.equal(await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'followed' }).count(), 0);
    const view = webview();
    await view.locator('figure[data-chart="aha"] path.line').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(800);
    await shot('dashboard');
  });

  it('compares the math re-score with the logged correctness: flips, not a format-bonus Δ everywhere', async () => {
    await palette('Rollout Lens: Show Re-score Comparison');
    await page.keyboard.press('Enter');
    await pickRun();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'math' }).first().click({ timeout: 10_000 });
    const view = webview();
    await view.locator('.summary .card').first().waitFor({ timeout: 30_000 });
    assert.equal(
      await view.locator('.rescore-header .baseline').innerText(),
      'Compared with the logged correctness component: Δ = new − logged.',
    );
    const flips = Number(await view.locator('.summary .card .big').nth(1).innerText());
    assert.ok(flips > 0, `${flips} correctness flips`);
    await page.waitForTimeout(500);
    await shot('rescore');
  });

  it('Search Rollouts… from the toolbar says its scope and searches every run', async () => {
    await titleAction('Search Rollouts…').click({ timeout: 10_000 });
    const box = page.locator('.quick-input-widget', { hasText: 'Search rollouts of all runs' }).first();
    await box.waitFor({ timeout: 10_000 });
    await box.locator('input').first().fill('recheck');
    await page.keyboard.press('Enter');
    const hits = page.locator('.quick-input-widget', { hasText: /\d+ matches for recheck in all runs/ }).first();
    // Attached, not visible: on a loaded CI machine the re-score webview of the test before finished
    // loading during the search and took the focus, which hides a quick pick (its result was there,
    // hidden). The bound is a liveness bound, not a speed check.
    await hits.waitFor({ state: 'attached', timeout: 45_000 });
    await page.keyboard.press('Escape');
  });
});
