/// <reference lib="dom" />
// The shared report (rollout-lens report) opened from file:// in headless Chromium with every network
// request aborted: it shows the group the CLI wrote (header, sample rows, the hostile response as
// text), its dashboard, its labels and its image (embedded as a data: URI), under its own CSP, and
// nothing leaves the page; and, in VS Code (the fake host), the group view's Share as HTML… button.
// Needs dist/ (node scripts/build.mjs): the report inlines dist/webview/*.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { writeReport } from '../../src/core/report/writeReport';
import { addLabel } from '../../src/core/store/labels';
import { Store } from '../../src/core/store/store';
import { runCliJson, tempDir, writeJsonl } from '../helpers';
import { solidPng } from '../imageFixtures';
import { GROUP_INBOUND, GroupMessages } from '../../src/shared/protocol/webviews/group';
import { FakeHostPage, launchChromium, startPageServer } from './fakeHost';
import { HOSTILE, HOSTILE_TEXT, answerGroup, groupFixture } from './fixtures';

let dir: string;
let db: string;
let context: BrowserContext;
/** The fake VS Code host's server, reachable only during the test that uses it. */
let fakeHostOrigin: string | null = null;

interface Opened {
  page: Page;
  /** Every request the page made (the report's own file:// URL first). */
  requests: string[];
  errors: string[];
}

async function open(file: string, hash = ''): Promise<Opened> {
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pathToFileURL(file).href + hash);
  await page.waitForSelector('body[data-painted="true"]', { timeout: 20_000 });
  return { page, requests, errors };
}

function nativeLine(step: number, group: string, index: number, response: string, reward: number, extra: object = {}): object {
  return { step, group, index, prompt: 'What is 2+2?', response, reward, ground_truth: '4', ...extra };
}

before(async () => {
  dir = tempDir('rl-report-');
  db = path.join(dir, 'r.db');
  fs.writeFileSync(path.join(dir, 'screen.png'), solidPng(320, 200));
  writeJsonl(path.join(dir, 'r.jsonl'), [
    nativeLine(1, 'g', 0, 'The answer is 4.', 1),
    nativeLine(1, 'g', 1, 'The answer is 5.', 0),
    nativeLine(1, 'g', 2, `${HOSTILE_TEXT} The answer is 4.`, 1),
    nativeLine(1, 'g', 3, 'I think 3.', 0),
    nativeLine(2, 'h', 0, 'The answer is 4.', 1),
    nativeLine(2, 'h', 1, 'Four.', 0.5),
    nativeLine(2, 'shot', 0, 'Save is here.', 1, { images: ['screen.png'], boxes: { pred: [[10, 10, 50, 30]], gt: [[20, 10, 60, 30]] } }),
    nativeLine(2, 'shot', 1, 'No, here.', 0, { images: ['screen.png'], boxes: { pred: [[200, 100, 260, 160]], gt: [[20, 10, 60, 30]] } }),
  ]);
  runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'r']);
  // Labels as `rollout-lens label` stores them, on the group and on one sample.
  const store = Store.open(db);
  const g = { run: 'r', split: 'train', step: 1, group: 'g' } as const;
  addLabel(store, g, 'reward-hack', { note: '<b>not bold</b>', user: 'alice', now: new Date('2026-12-01T10:00:00Z') });
  addLabel(store, { ...g, index: 2 }, 'bad-gt', { user: 'bob', now: new Date('2026-12-02T11:00:00Z') });
  store.close();
  context = await launchChromium();
  // Nothing may leave the page: every request but the report file itself is aborted.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith('file:') || (fakeHostOrigin !== null && url.startsWith(fakeHostOrigin)) ? route.continue() : route.abort();
  });
});

after(async () => {
  await context?.close().catch(() => undefined);
});

describe('shared report', () => {
  it('the CLI writes one file that shows the group from file:// with no request leaving the page', async () => {
    const out = path.join(dir, 'g.html');
    const summary = runCliJson(['report', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--out', out]);
    assert.deepEqual(
      { ...(summary as Record<string, unknown>), bytes: 0 },
      {
        path: out,
        bytes: 0,
        samples: 4,
        images: 0,
        images_left_out: 0,
        tokens_left_out: 0,
        labels: 2,
        step: 1,
        group: 'g',
        cluster: null,
      },
    );
    const html = fs.readFileSync(out, 'utf8');
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-[A-Za-z0-9_-]{24}&#39;; style-src &#39;nonce-[A-Za-z0-9_-]{24}&#39;; font-src data:; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;">/,
    );
    // The hostile response is inside the JSON data block, its "<" escaped: it cannot end the block.
    assert.equal(html.includes(HOSTILE.script), false);

    const { page, requests, errors } = await open(out);
    assert.equal(await page.locator('.group-header h1').innerText(), 'r · step 1 · group g\napproximate tree');
    assert.deepEqual(
      await page.$$eval('table.samples tbody tr.row', (rs) => rs.map((r) => Number(r.getAttribute('data-index')))),
      [0, 1, 2, 3],
    );
    assert.match(await page.locator('.group-header .muted').first().innerText(), /^G = 4 · solved 2 of 4 · mean 0\.5 ± 0\.5/);
    assert.deepEqual(await page.$$eval('#labels .label-tag', (ls) => ls.map((l) => [l.textContent, (l as HTMLElement).title])), [
      ['reward-hack', '<b>not bold</b>\nby alice, 2026-12-01T10:00:00.000Z'],
      ['bad-gt', 'by bob, 2026-12-02T11:00:00.000Z'],
    ]);
    assert.equal(await page.locator('#labels').innerText(), 'Labels:\nreward-hack\n#2\nbad-gt');
    // The actions that need VS Code are not offered.
    assert.equal(await page.locator('#share-html, #prompt-timeline, #label-group').count(), 0);

    await page.locator('table.samples tbody tr.row[data-index="2"]').click();
    await page.waitForSelector('.detail-head h2');
    assert.equal(await page.locator('.detail-head h2').innerText(), 'Sample #2');
    assert.equal(await page.locator('#compare, #rescore, #label-sample, #open-document').count(), 0);
    const shown = await page.locator('.sample-detail').innerText();
    assert.ok(shown.includes(HOSTILE.script) && shown.includes(HOSTILE.img), 'the hostile response is shown as text');
    const inPage = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      violations: (window as unknown as { __cspViolations: string[] }).__cspViolations,
      injected: document.querySelectorAll('#app script, #app img, #app iframe, #app object, #app embed').length,
    }));
    assert.deepEqual(inPage, { pwned: null, violations: [], injected: 0 });
    assert.deepEqual(requests, [pathToFileURL(out).href]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a cluster’s report shows the cluster above its most typical member’s group, as text', async () => {
    const out = path.join(dir, 'cluster.html');
    runCliJson(['report', '--db', db, '--run', 'r', '--cluster', '1', '--k', '1', '--out', out, '--json']);
    const { page, requests, errors } = await open(out);
    const section = page.locator('.rl-report-cluster');
    assert.equal(await section.locator('h2').textContent(), 'Failure cluster #1: #');
    assert.deepEqual(await section.locator('p').allTextContents(), [
      '2 of the 3 samples clustered (66.7%) from r, all steps: wrong (solved = reward > 0 (no verdict or correctness component logged)). 2 of them are in the group below.',
      'Terms: #',
    ]);
    assert.deepEqual(await section.locator('li').allTextContents(), [
      'step 1 · group g · #1: The answer is 5.',
      'step 1 · group g · #3: I think 3.',
    ]);
    assert.equal(await page.locator('.group-header h1').first().innerText(), 'r · step 1 · group g\napproximate tree');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [pathToFileURL(out).href]);
    await page.close();
  });

  it('the Run dashboard tab shows the run’s dashboard from the same file', async () => {
    const out = path.join(dir, 'g-dashboard.html');
    runCliJson(['report', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--out', out]);
    const { page, requests, errors } = await open(out);
    // One app per page load: the tab reloads the page on #dashboard.
    await Promise.all([page.waitForEvent('load'), page.locator('#tab-dashboard').click()]);
    await page.waitForSelector('body[data-painted="true"]');
    assert.equal(page.url(), `${pathToFileURL(out).href}#dashboard`);
    assert.equal(await page.locator('#tab-dashboard').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#app h1').first().innerText(), 'Run r');
    assert.ok((await page.locator('#app svg').count()) > 0, 'the dashboard draws its charts');
    // Opening a step's group needs the run: the page says so where it was asked.
    const box = (await page.locator('figure[data-chart="reward"] svg').boundingBox())!;
    await page.mouse.click(box.x + 46 + (box.width - 58) * 0.5, box.y + 60);
    await page.locator('#open-worst').click();
    assert.equal(
      await page.locator('.rl-report-notice').innerText(),
      'Opening a step’s group needs Rollout Lens in VS Code with the run’s database; this page is a static report.',
    );
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
    assert.deepEqual(requests, [pathToFileURL(out).href, pathToFileURL(out).href]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a group with an image embeds it as a data: URI and draws it; past the cap it is left out with a message', async () => {
    const out = path.join(dir, 'shot.html');
    const summary = runCliJson(['report', '--db', db, '--run', 'r', '--step', '2', '--group', 'shot', '--out', out]);
    assert.equal((summary as { images: number }).images, 1);
    const html = fs.readFileSync(out, 'utf8');
    const embedded = solidPng(320, 200).toString('base64');
    assert.equal(html.includes(`"data_uri":"data:image/png;base64,${embedded}"`), true);
    const { page, requests, errors } = await open(out);
    await page.waitForSelector('.media-figure[data-state="loaded"]');
    assert.equal(await page.locator('.media-figure figcaption .box-count').innerText(), '2 boxes on image 320×200');
    assert.deepEqual(requests, [pathToFileURL(out).href]);
    assert.deepEqual(errors, []);
    await page.close();

    const small = path.join(dir, 'shot-small.html');
    const store = Store.open(db, { readonly: true });
    try {
      const r = await writeReport(store, { run: 'r', split: 'train', step: 2, group: 'shot' }, small, { imageBudget: 100 });
      assert.deepEqual([r.images, r.images_left_out], [0, 1]);
    } finally {
      store.close();
    }
    const left = await open(small);
    await left.page.waitForSelector('.media-figure[data-state="failed"]');
    assert.match(
      await left.page.locator('.media-figure').innerText(),
      /Image left out of this report: its 1 KB would pass the report's 1 KB cap/,
    );
    await left.page.close();
  });

  it('in VS Code, the group view offers Share as HTML…, which asks the host with group/share', async () => {
    const server = await startPageServer();
    fakeHostOrigin = server.url;
    const fx = groupFixture({ g: 4, tokens: 16 });
    const host = await FakeHostPage.open(context, server, 'group', {
      inbound: GROUP_INBOUND,
      onReady: () => ({ method: GroupMessages.snapshot.method, json: fx.json }),
      onRequest: answerGroup(fx),
    });
    try {
      await host.waitForPaint();
      assert.equal(await host.page.locator('#share-html').innerText(), 'Share as HTML…');
      await host.page.locator('#share-html').click();
      assert.deepEqual(await host.waitForNotification(GroupMessages.share.method), {});
      assert.deepEqual(host.invalid, []);
    } finally {
      await host.close();
      await server.close();
      fakeHostOrigin = null;
    }
  });
});
