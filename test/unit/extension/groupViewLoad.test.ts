// The group view loads with exactly one engine request (views/group), and a degenerate group's
// advantages are exactly 0 wherever they are shown: the view's sample list, the explorer, the CLI.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import { loadGroupView, type ViewEngine } from '../../../src/extension/webviews/groupViewLoad';
import { EngineMethods } from '../../../src/shared/protocol/engine';
import type { MethodDescriptor } from '../../../src/shared/protocol/methods';
import { sampleAdvantages } from '../../../src/shared/protocol/webviews/advantages';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import { runCliJson, tempDir, transportPair, writeJsonl } from '../../helpers';
import type { GroupViewResult } from '../../../src/shared/protocol/webviews/group';

/** An in-memory engine behind the ViewEngine interface, counting the requests it is sent. */
function countingEngine(): { engine: ViewEngine; names: string[]; client: RpcEndpoint; server: EngineServer } {
  const [a, b] = transportPair();
  const server = new EngineServer(new RpcEndpoint(b));
  const client = new RpcEndpoint(a);
  const names: string[] = [];
  const engine: ViewEngine = {
    request<P, R>(m: MethodDescriptor<P, R>, params: P): Promise<R> {
      names.push(m.name);
      return client.request(m.name, params) as Promise<R>;
    },
  };
  return { engine, names, client, server };
}

const ROWS = [
  ...[0, 1, 2].map((i) => ({
    step: 1,
    group: 'flat',
    prompt: 'What is 0.1?',
    response: `It is 0.1 (try ${i})`,
    reward: 0.1,
    components: { correctness: 0, format: 0.1 },
    ground_truth: '0.1',
  })),
  ...[1, 0].map((r, i) => ({ step: 1, group: 'mixed', prompt: 'What is 2+2?', response: `The answer is ${r ? 4 : 5} (${i})`, reward: r })),
];

describe('group view data', () => {
  it('comes in one engine request, with components, prompt, ground truth, tree and node texts', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, ROWS);
    const { engine, names, client, server } = countingEngine();
    await client.request(EngineMethods.initialize.name, { db: path.join(dir, 'a.db') });
    await client.request(EngineMethods.ingest.name, { paths: [file], run: 'r' });
    const ref = { run: 'r', split: 'train' as const, step: 1, group: 'flat' };
    const { snapshot, nodeTexts } = await loadGroupView(engine, ref, { clipEpsilon: 0.2, advantageEstimator: 'rloo' });
    assert.deepEqual(names, ['views/group']);
    assert.equal(snapshot.estimator, 'rloo');
    assert.equal(snapshot.prompt, 'What is 0.1?');
    assert.equal(snapshot.ground_truth, '0.1');
    assert.deepEqual(
      snapshot.samples.map((s) => [s.index, s.advantage, s.advantage_source, s.components]),
      [
        [0, 0, 'grpo', { correctness: 0, format: 0.1 }],
        [1, 0, 'grpo', { correctness: 0, format: 0.1 }],
        [2, 0, 'grpo', { correctness: 0, format: 0.1 }],
      ],
    );
    assert.equal(snapshot.tokens?.epsilon, 0.2);
    assert.ok(snapshot.tree, snapshot.tree_error ?? 'no tree');
    assert.equal(nodeTexts.size, snapshot.tree.nodes.length);
    // The sample list under each estimator: exactly 0, not -1.39e-11.
    for (const e of ['grpo', 'drgrpo', 'rloo'] as const) assert.deepEqual(sampleAdvantages(snapshot.samples, e), [0, 0, 0]);
    // The explorer's sample rows.
    const listed = (await client.request(EngineMethods.listSamples.name, ref)) as Array<{ advantage: number }>;
    assert.deepEqual(
      listed.map((s) => s.advantage),
      [0, 0, 0],
    );
    server.dispose();
    // The CLI prints the same data.
    const cli = runCliJson<GroupViewResult>(['group', '--db', path.join(dir, 'a.db'), '--run', 'r', '--step', '1', '--group', 'flat']);
    assert.deepEqual(
      cli.view.samples.map((s) => s.advantage),
      [0, 0, 0],
    );
    assert.deepEqual(
      cli.view.samples.map((s) => s.components),
      snapshot.samples.map((s) => s.components),
    );
  });

  it('a logged advantage is what the view shows as "logged"', () => {
    const samples = [
      { index: 0, reward: 1, advantage: 0.7, advantage_source: 'logged' as const },
      { index: 1, reward: 0, advantage: -0.5, advantage_source: 'grpo' as const },
    ];
    assert.deepEqual(sampleAdvantages(samples, 'logged'), [0.7, undefined]);
  });
});
