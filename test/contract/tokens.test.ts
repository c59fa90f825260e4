// The engine's token and prompt-timeline methods over an in-memory JSON-RPC pair: params checked
// before any work, NaN token values arriving as null (JSON), a group's prompt resolved to its id.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../src/engine/server';
import { promptIdOf } from '../../src/core/store/promptTimeline';
import { ErrorCode, LensError } from '../../src/shared/errors';
import { PromptMethods, TokenMethods } from '../../src/shared/protocol/engineTokens';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../helpers';

describe('engine token and timeline methods', () => {
  it('serves tokens, aggregates, mismatch, timelines and the runs that asked a prompt', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, [
      {
        step: 1,
        group: 'g',
        prompt: 'P',
        response: 'ab',
        reward: 1,
        response_ids: [1, 2],
        logprobs: [-0.5, null],
        train_logprobs: [-0.25, -1],
      },
      { step: 1, group: 'g', prompt: 'P', response: 'c', reward: 0 },
      { step: 2, group: 'h', prompt: 'P', response: 'd', reward: 1 },
    ]);
    const [a, b] = transportPair();
    const server = new EngineServer(new RpcEndpoint(b));
    const client = new RpcEndpoint(a);
    await client.request('initialize', { db: path.join(dir, 'a.db') });
    await client.request('ingest', { paths: [file], run: 'r' });
    const ref = { run: 'r', split: 'train', step: 1, group: 'g' };
    const tokens = (await client.request(TokenMethods.sampleTokens.name, { ...ref, index: 0 })) as {
      logprobs: unknown[];
      train_logprobs: number[];
    };
    assert.deepEqual(tokens.logprobs, [-0.5, null]);
    assert.deepEqual(tokens.train_logprobs, [-0.25, -1]);
    const stats = (await client.request(TokenMethods.groupTokenStats.name, { ...ref, epsilon: 0.1 })) as {
      epsilon: number;
      samples: Array<{ compared: number; outside_clip: number | null }>;
    };
    assert.equal(stats.epsilon, 0.1);
    assert.deepEqual(
      stats.samples.map((s) => [s.compared, s.outside_clip]),
      [
        [1, 1],
        [0, null],
      ],
    );
    assert.deepEqual(await client.request(TokenMethods.stepMismatch.name, { run: 'r' }), [
      { step: 1, tokens: 1, mean_abs_delta: 0.25, p99_abs_delta: 0.25, outside_clip: 1 },
    ]);
    const t = (await client.request(PromptMethods.promptTimeline.name, { run: 'r', group: ref })) as {
      prompt_id: string;
      points: Array<{ step: number }>;
    };
    assert.equal(t.prompt_id, promptIdOf('P'));
    assert.deepEqual(
      t.points.map((p) => p.step),
      [1, 2],
    );
    assert.deepEqual(await client.request(PromptMethods.promptRuns.name, { promptId: t.prompt_id }), ['r']);
    await assert.rejects(
      client.request(PromptMethods.promptTimeline.name, { run: 'r', text: 'P', promptId: t.prompt_id }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput,
    );
    await assert.rejects(
      client.request(TokenMethods.groupTokenStats.name, { ...ref, epsilon: 1.5 }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.InvalidParams,
    );
    server.dispose();
  });
});
