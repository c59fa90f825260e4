// Token signals end to end: native JSONL with sampler and trainer logprobs (null = missing) →
// Ingestor → SQLite → per-sample aggregates, per-step mismatch, availability reasons.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { groupTokenStats, sampleTokens, stepMismatch, type MismatchCache } from '../../../src/core/store/tokenStore';
import { Store } from '../../../src/core/store/store';
import { mismatchStats, nearestRank, tokenAggregates, tokenAtOffset, tokenReadout } from '../../../src/shared/tokenSignals';
import { tempDir, writeJsonl } from '../../helpers';
import * as fs from 'node:fs';

let store: Store;
let file: string;

before(async () => {
  const dir = tempDir();
  file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    {
      step: 1,
      group: 'g',
      prompt: 'p',
      response: 'a b c d',
      reward: 1,
      response_ids: [1, 2, 3, 4],
      response_tokens: ['a', ' b', ' c', ' d'],
      logprobs: [-1, -0.5, null, -2],
      train_logprobs: [-1.125, -0.5, -0.25, -1.5],
      entropy: [0.5, null, 1, 2],
    },
    { step: 1, group: 'g', prompt: 'p', response: 'a b', reward: 0, response_ids: [1, 5], logprobs: [-0.25, -0.75] },
    { step: 2, group: 'h', prompt: 'p', response: 'x', reward: 0, response_ids: [7], logprobs: [-3], train_logprobs: [-2.75] },
    { step: 2, group: 'k', prompt: 'q', response: 'plain', reward: 1 },
  ]);
  store = Store.open(path.join(dir, 'a.db'));
  const report = await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
  assert.deepEqual(report.errors, []);
});

describe('token signals', () => {
  it('reads a sample’s arrays back with missing values as NaN, never 0', () => {
    const t = sampleTokens(store, { run: 'r', split: 'train', step: 1, group: 'g', index: 0 });
    assert.deepEqual(t.ids, [1, 2, 3, 4]);
    assert.deepEqual(t.tokens, ['a', ' b', ' c', ' d']);
    assert.deepEqual(t.logprobs, [-1, -0.5, NaN, -2]);
    assert.deepEqual(t.train_logprobs, [-1.125, -0.5, -0.25, -1.5]);
    assert.deepEqual(t.entropy, [0.5, NaN, 1, 2]);
    assert.equal(t.ref_logprobs, null);
  });

  it('aggregates a group’s samples: mean |Δ|, max ratio, share outside the clip range, mean logprob', () => {
    const g = groupTokenStats(store, { run: 'r', split: 'train', step: 1, group: 'g' });
    assert.equal(g.epsilon, 0.2);
    assert.deepEqual(g.availability, {
      logprobs: true,
      train_logprobs: true,
      ref_logprobs: false,
      entropy: true,
      token_advantages: false,
      logprob_reason: null,
      mismatch_reason: null,
    });
    const [s0, s1] = g.samples;
    // Δ = −0.125, 0, (missing), 0.5
    assert.deepEqual(s0, {
      index: 0,
      compared: 3,
      mean_abs_delta: 0.625 / 3,
      max_ratio: Math.exp(0.5),
      outside_clip: 1 / 3,
      mean_logprob: -3.5 / 3,
    });
    assert.deepEqual(s1, { index: 1, compared: 0, mean_abs_delta: null, max_ratio: null, outside_clip: null, mean_logprob: -0.5 });
  });

  it('a narrower clip range puts more tokens outside it', () => {
    const g = groupTokenStats(store, { run: 'r', split: 'train', step: 1, group: 'g' }, 0.1);
    assert.equal(g.samples[0]!.outside_clip, 2 / 3);
  });

  it('says why the modes are absent when a group has no logprobs', () => {
    const g = groupTokenStats(store, { run: 'r', split: 'train', step: 2, group: 'k' });
    assert.equal(
      g.availability.logprob_reason,
      'No per-token logprobs were logged for these samples (the trainer wrote none, or its format carries none).',
    );
    assert.equal(g.availability.mismatch_reason, g.availability.logprob_reason);
    assert.deepEqual(g.samples, [{ index: 0, compared: 0, mean_abs_delta: null, max_ratio: null, outside_clip: null, mean_logprob: null }]);
  });

  it('gives the per-step mismatch: mean, p99 of |Δ| and the share outside the clip range', () => {
    assert.deepEqual(stepMismatch(store, 'r'), [
      { step: 1, tokens: 3, mean_abs_delta: 0.625 / 3, p99_abs_delta: 0.5, outside_clip: 1 / 3 },
      { step: 2, tokens: 1, mean_abs_delta: 0.25, p99_abs_delta: 0.25, outside_clip: 1 },
    ]);
  });

  it('nearest-rank p99 and the clip test use the signed Δ', () => {
    assert.equal(
      nearestRank(
        Array.from({ length: 200 }, (_, i) => 200 - i),
        0.99,
      ),
      198,
    );
    // Δ = −0.21: ratio 0.81 is inside [0.8, 1.2]; Δ = +0.21: ratio 1.234 is outside.
    assert.equal(mismatchStats([[[-0.21], [0]]]).outside_clip, 0);
    assert.equal(mismatchStats([[[0.21], [0]]]).outside_clip, 1);
    assert.deepEqual(tokenAggregates({ logprobs: [NaN, Infinity], train_logprobs: null }).mean_logprob, null);
  });

  it('maps a document offset to the token covering it, only when the token strings spell the text', () => {
    const toks = ['a', ' b', '', ' c', ' d'];
    assert.deepEqual(
      [0, 1, 2, 3, 4, 6].map((o) => tokenAtOffset(toks, 'a b c d', o)),
      [0, 1, 1, 3, 3, 4],
    );
    assert.equal(tokenAtOffset(toks, 'a b c d', 7), null);
    assert.equal(tokenAtOffset(toks, 'a b c e', 0), null);
  });

  it('reads a token’s values out for the hover, missing ones as “missing”', () => {
    const t = sampleTokens(store, { run: 'r', split: 'train', step: 1, group: 'g', index: 0 });
    const f = (x: number): string => x.toFixed(3);
    assert.deepEqual(tokenReadout(t, 2, 0.2, f, f), [
      ['token', '" c"'],
      ['id', '3'],
      ['logprob', 'missing'],
      ['train', '-0.250'],
      ['Δ', 'missing'],
      ['ratio', 'missing'],
      ['ref', 'not logged'],
      ['entropy', '1.000'],
      ['advantage', 'none'],
    ]);
    assert.deepEqual(tokenReadout(t, 3, 0.2, f, f, 0.5).slice(4), [
      ['Δ', '0.500'],
      ['ratio', '1.649 (outside clip range)'],
      ['ref', 'not logged'],
      ['entropy', '2.000'],
      ['advantage', '0.500'],
    ]);
  });

  it('reads at most perStep samples per step, and with a cache rereads only steps that grew', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'm.jsonl');
    const row = (i: number, d: number): object => ({
      step: 1,
      group: 'g',
      index: i,
      prompt: 'p',
      response: 'x',
      reward: i,
      response_ids: [1],
      logprobs: [0],
      train_logprobs: [d],
    });
    writeJsonl(f, [row(0, 0.5), row(1, -0.5)]);
    const s = Store.open(path.join(dir, 'm.db'));
    await new Ingestor(s, [f], { run: 'm' }).ingestOnce();
    assert.deepEqual(
      stepMismatch(s, 'm', 0.2, 'train', { perStep: 1 }).map((r) => r.tokens),
      [1],
    );
    const cache: MismatchCache = new Map();
    assert.equal(stepMismatch(s, 'm', 0.2, 'train', { cache })[0]!.mean_abs_delta, 0.5);
    fs.appendFileSync(f, JSON.stringify(row(2, 0.125)) + '\n');
    await new Ingestor(s, [f], { run: 'm' }).ingestOnce();
    assert.deepEqual(
      stepMismatch(s, 'm', 0.2, 'train', { cache }).map((r) => [r.tokens, r.mean_abs_delta]),
      [[3, 1.125 / 3]],
    );
    s.close();
  });
});
