/// <reference lib="dom" />
// VeriFree's think/answer split in the token overlay, in headless Chromium on a group ingested from
// native JSONL into SQLite: under the VeriFree estimator the thinking tokens carry the sample's
// advantage (RLOO on p) and the tokens from `<answer` on are set apart as not trained.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { Ingestor } from '../../src/core/ingest/ingestor';
import { getSample, listSamples } from '../../src/core/store/reads';
import { Store } from '../../src/core/store/store';
import { sampleTokens } from '../../src/core/store/tokenStore';
import { groupView } from '../../src/core/views/groupView';
import type { GroupRef } from '../../src/shared/explorer';
import { GROUP_INBOUND, GroupMessages, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { tempDir, writeJsonl } from '../helpers';
import { FakeHostPage, launchChromium, startPageServer, type PageServer } from './fakeHost';

let server: PageServer;
let context: BrowserContext;
let store: Store;
const ref: GroupRef = { run: 'vf', split: 'train', step: 0, group: 'p-1' };

before(async () => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  const base = { step: 0, group: 'p-1', prompt: 'Put your final answer within <answer> \\boxed{} </answer>.' };
  writeJsonl(file, [
    {
      ...base,
      response: 'x is 3 <answer> \\boxed{3}',
      response_tokens: ['x', ' is', ' 3', ' <', 'answer', '>', ' \\boxed{3}'],
      reward: 0.6,
      p_reward: 0.6,
      logp_reward: Math.log(0.6),
      answer_offset: 6,
    },
    { ...base, response: 'so 4', response_tokens: ['so', ' 4'], reward: 0, p_reward: 0, logp_reward: null, answer_offset: null },
  ]);
  store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'vf' }).ingestOnce();
  server = await startPageServer();
  context = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  store?.close();
});

async function open(): Promise<FakeHostPage> {
  const snapshot: GroupSnapshot = { ...groupView(store, ref).view, estimator: 'verifree' };
  const json = JSON.stringify(snapshot);
  const indices = listSamples(store, ref).map((r) => r.index);
  const host = await FakeHostPage.open(context, server, 'group', {
    inbound: GROUP_INBOUND,
    onReady: () => ({ method: GroupMessages.snapshot.method, json }),
    onRequest: (method, params) => {
      const index = (params as { index?: number }).index ?? -1;
      assert.ok(indices.includes(index), `sample ${index}`);
      if (method === GroupMessages.sample.method) return getSample(store, { ...ref, index });
      if (method === GroupMessages.tokens.method) return sampleTokens(store, { ...ref, index });
      throw new Error(`unexpected request ${method}`);
    },
  });
  await host.waitForPaint();
  return host;
}

describe('token overlay: VeriFree’s thinking and answer parts', () => {
  it('gives the thinking tokens the advantage and sets the answer part apart as not trained', async () => {
    const host = await open();
    const page = host.page;
    await page.locator('table.samples tr.row[data-index="0"]').click();
    await page.waitForSelector('#token-mode');
    await page.locator('#token-mode').click();
    await page.locator('#token-mode vscode-option[value="advantage"]').click();
    await page.waitForSelector('.token-text.mode-advantage');
    // RLOO on p = [0.6, 0]: μ = 0.3, A₀ = (0.6 − 0.3)·2/1 = +0.6 on the four thinking tokens.
    assert.deepEqual(await page.$$eval('.token-text .tok-o', (s) => s.map((x) => [x.textContent, x.className.replace(/^tok-o /, '')])), [
      ['x', 'a-pos'],
      [' is', 'a-pos'],
      [' 3', 'a-pos'],
      [' <', 'tok-missing tok-answer'],
      ['answer', 'tok-missing tok-answer'],
      ['>', 'tok-missing tok-answer'],
      [' \\boxed{3}', 'tok-missing tok-answer'],
    ]);
    assert.equal(
      await page.locator('#token-mode vscode-option[value="advantage"]').textContent(),
      'Token advantage (VeriFree: the thinking tokens; the answer part is not trained)',
    );
    assert.equal(
      await page.locator('.token-legend .tok-answer').innerText(),
      'answer part: not trained (VeriFree trains the reference answer, weighted by p)',
    );
    await page.hover('.token-text .tok-o[data-t="1"]');
    assert.match(await page.innerText('.token-readout'), /\+0\.6/);
    await host.close();
  });
});
