/// <reference lib="dom" />
// The group view's judging section in headless Chromium against the fake host: a pairwise judge's
// reference, verdicts and votes (a hostile critique stays text), a group BRPO drops, three reward
// models as stacked shares with the length model's range, p(reference), stages, and the estimator
// switch offering BRPO / multi-RM / VeriFree only where the group logged what they need.
// Expected values worked by hand from the definitions (docs/algorithms.md#rewards-without-a-verifier).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { GROUP_INBOUND, GroupMessages, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { GroupJudging } from '../../src/shared/protocol/webviews/judging';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';
import { HOSTILE, groupFixture } from './fixtures';

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

const JUDGING: GroupJudging = {
  pairwise: {
    reference: 0,
    samples: [
      { index: 0, verdict: 0, against: null, votes: [] },
      {
        index: 1,
        verdict: 1,
        against: 0,
        votes: [
          { order: 'ab', win: true, score: 8, against_score: 6, critique: 'Vivid and on topic.' },
          { order: 'ba', win: true, score: 7.5, against_score: 6.5 },
        ],
      },
      {
        index: 2,
        verdict: -1,
        against: 0,
        votes: [
          { order: 'ab', win: null, score: 6, against_score: 6, critique: `Equal. ${HOSTILE.script}` },
          { order: 'ba', win: true, score: 7, against_score: 6 },
        ],
      },
    ],
    problems: [],
  },
  reward_models: {
    models: ['length', 'writing', 'format'],
    samples: [
      { index: 0, scores: { length: 0, writing: 2, format: 1 }, words: 250, length_range: [300, 600] },
      { index: 1, scores: { length: 1, writing: 4, format: 1 }, words: 450, length_range: [300, 600] },
      { index: 2, scores: { length: 2, writing: 6, format: 0 }, words: 700, length_range: [300, 600] },
    ],
  },
  answers: [
    { index: 0, p: 0.5, logp: -0.6931, answer_offset: 120 },
    { index: 1, p: 0, logp: null, answer_offset: null },
    { index: 2, p: 0.25, logp: -1.3863, answer_offset: 80 },
  ],
  stages: { '0': 'direct', '1': 'direct', '2': 'decompose' },
};

function snapshot(judging: GroupJudging | null): GroupSnapshot {
  const fx = groupFixture({ g: 3, tokens: 16 });
  return { ...fx.snapshot, judging };
}

async function open(snap: GroupSnapshot): Promise<FakeHostPage> {
  const json = JSON.stringify(snap);
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    onReady: () => ({ method: GroupMessages.snapshot.method, json }),
  });
  await host.waitForPaint().catch((e: unknown) => {
    throw new Error(`${String(e)}\npage errors: ${host.errors.join('\n')}`);
  });
  return host;
}

function cells(page: Page, table: string): Promise<string[][]> {
  return page.$$eval(`${table} tbody tr`, (rs) => rs.map((r) => Array.from(r.children).map((c) => (c as HTMLElement).innerText)));
}

async function chooseEstimator(page: Page, value: string, label: string): Promise<string[]> {
  await page.locator('#estimator').click();
  await page.locator(`#estimator vscode-option[value="${value}"]`).click();
  await page.waitForFunction((l) => document.querySelector('.sample-list .list-head span')?.textContent?.includes(l), label);
  return page.$$eval('table.samples tr.row', (rs) => rs.map((r) => (r.children[3] as HTMLElement).innerText));
}

describe('group view: judges, reward models and p(reference)', () => {
  it('shows the reference, each verdict with its votes, and keeps a hostile critique as text', async () => {
    const host = await open(snapshot(JUDGING));
    const page = host.page;
    assert.equal(
      await page.locator('#judging > summary').innerText(),
      'Judges · pairwise judge · 3 reward models · p(reference) · rollout stages',
    );
    // Σ verdicts = 0 + 1 − 1 (a tie loses by default): skew 0/3, kept; 1 of the 2 others beat the reference.
    assert.equal(
      await page.locator('#brpo-head').innerText(),
      'Reference: sample 0 · 50.0% of the others beat it · skew |ΣA|/G = 0 · kept (τ = 0.6)',
    );
    const rows = await page.$$eval('#brpo-table tbody tr', (rs) =>
      rs.map((r) => [
        r.querySelector('.verdict')?.textContent,
        r.querySelector('.advantage')?.textContent,
        Array.from(r.querySelectorAll('.vote-outcome')).map((v) => v.textContent),
      ]),
    );
    assert.deepEqual(rows, [
      ['reference', '±0', []],
      ['+1 beat the reference', '+1', ['shown first: won 8 : 6', 'shown second: won 7.5 : 6.5']],
      ['−1 did not beat it', '−1', ['shown first: tie 6 : 6', 'shown second: won 7 : 6']],
    ]);
    await page.locator('#brpo-table tr[data-index="2"] details.critique summary').click();
    assert.equal(await page.locator('#brpo-table tr[data-index="2"] .critique-text').innerText(), `Equal. ${HOSTILE.script}`);
    assert.equal(await page.locator('#judging script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    // A judged group opens on its own estimator: the list shows BRPO's advantages, not GRPO's.
    assert.match(await page.locator('.sample-list .list-head span').first().innerText(), /advantage: BRPO \(pairwise\)/);
    assert.deepEqual(await page.$$eval('table.samples tr.row', (rs) => rs.map((r) => (r.children[3] as HTMLElement).innerText)), [
      '±0',
      '+1',
      '−1',
    ]);
    await page.locator('#brpo-table tr[data-index="1"] td').first().click();
    await page.waitForSelector('table.samples tr.row[data-index="1"].selected');
    await host.close();
  });

  it('badges a group whose skew passes τ as dropped, every advantage 0', async () => {
    const j: GroupJudging = structuredClone(JUDGING);
    const s2 = j.pairwise!.samples[2]!;
    s2.votes = [
      { order: 'ab', win: true },
      { order: 'ba', win: true },
    ];
    const host = await open(snapshot(j));
    // Σ = 0 + 1 + 1 = 2, skew 2/3 > 0.6.
    assert.equal(
      await host.page.locator('#brpo-head').innerText(),
      'Reference: sample 0 · 100.0% of the others beat it · skew |ΣA|/G = 0.667 · dropped (above τ = 0.6): every advantage is 0',
    );
    assert.deepEqual(await host.page.$$eval('#brpo-table .advantage', (cs) => cs.map((c) => c.textContent)), ['±0', '±0', '±0']);
    assert.deepEqual(await chooseEstimator(host.page, 'brpo', 'BRPO'), ['±0', '±0', '±0']);
    await host.close();
  });

  it('stacks each reward model’s share of the advantage and places the words against the predicted range', async () => {
    const host = await open(snapshot(JUDGING));
    const page = host.page;
    // length [0,1,2] and writing [2,4,6] normalise to [−1, 0, 1]; format [1,1,0] to [0.577, 0.577, −1.155]; the mean of the three.
    assert.deepEqual(
      (await cells(page, '#rm-table')).map((r) => [r[0], r[1], r[3], r[4]]),
      [
        ['#0', 'length 0 · writing 2 · format 1', '−0.474', '250 words, below the predicted 300–600'],
        ['#1', 'length 1 · writing 4 · format 1', '+0.192', '450 words, inside the predicted 300–600'],
        ['#2', 'length 2 · writing 6 · format 0', '+0.282', '700 words, above the predicted 300–600'],
      ],
    );
    // Sample 0: length and writing push left (each −1/3), format right (+0.192): two segments left, one right.
    assert.deepEqual(
      await page.$$eval('#rm-table tr[data-index="0"] .bar-neg .bar-seg, #rm-table tr[data-index="0"] .bar-pos .bar-seg', (ss) =>
        ss.map((s) => [s.parentElement?.className, s.getAttribute('data-model')]),
      ),
      [
        ['bar-neg', 'length'],
        ['bar-neg', 'writing'],
        ['bar-pos', 'format'],
      ],
    );
    assert.deepEqual(await chooseEstimator(page, 'multi-rm', 'Multi-RM'), ['−0.474', '+0.192', '+0.282']);
    await host.close();
  });

  it('shows p(reference) per sample and switches to VeriFree’s RLOO on it', async () => {
    const host = await open(snapshot(JUDGING));
    const page = host.page;
    assert.equal(await page.locator('#p-head').innerText(), 'mean p 0.25 · 1 of 3 with p = 0 (33.3%: no answer part, or truncated)');
    assert.deepEqual(await cells(page, '#p-table'), [
      ['#0', '0.5', '−0.6931', 'at character 120'],
      ['#1', '0', '−∞', 'no <answer> (p = 0)'],
      ['#2', '0.25', '−1.3863', 'at character 80'],
    ]);
    assert.equal(
      await page.locator('#stage-head').innerText(),
      `direct: ${0} of 2 solved · decompose: ${0} of 1 solved`.replace(/\$\{0\}/g, '0'),
    );
    // RLOO: μ = 0.25, A = (p − μ)·3/2.
    assert.deepEqual(await chooseEstimator(page, 'verifree', 'VeriFree'), ['+0.375', '−0.375', '±0']);
    await host.close();
  });

  it('offers the judged estimators only where the group logged what they need', async () => {
    const host = await open(snapshot(null));
    const hidden = await host.page.$$eval('#estimator vscode-option', (os) =>
      os.filter((o) => (o as HTMLElement).hidden).map((o) => o.getAttribute('value')),
    );
    assert.deepEqual(hidden, ['brpo', 'multi-rm', 'verifree']);
    assert.equal(await host.page.locator('#judging').isHidden(), true);
    await host.close();
  });
});
