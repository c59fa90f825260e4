// The engine's datasets/export: the explorer's filter turned into a selection (explorerSelection),
// sent through the protocol with its params checked, and an empty selection answered as not_found.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import { datasetFileName, explorerSelection } from '../../../src/shared/datasetExport';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import { transportPair } from '../../helpers';
import { exportFixture } from './exportFixture';

let dir: string;
let db: string;
before(async () => {
  const fx = await exportFixture();
  fx.store.close();
  ({ dir, db } = fx);
});

describe('explorer filter as an export selection', () => {
  it('keeps the filter for groups and picks samples by truncated, reflects and text', () => {
    assert.deepEqual(explorerSelection({}), {});
    assert.deepEqual(explorerSelection({ degenerate: false, tools: true }, { split: 'train', from: 2, to: 2 }), {
      split: 'train',
      from: 2,
      to: 2,
      filter: { degenerate: false, tools: true },
    });
    assert.deepEqual(explorerSelection({ truncated: true, text: 'answer', allTurns: true }), {
      filter: { truncated: true, text: 'answer', allTurns: true },
      samples: { truncated: true, text: 'answer', allTurns: true },
    });
    assert.deepEqual([datasetFileName('r', 'sft', 'verl-parquet'), datasetFileName('r', 'dpo', 'jsonl')], ['r-sft.parquet', 'r-dpo.jsonl']);
  });
});

describe('engine datasets/export', () => {
  it('writes the selection, checks its params and refuses an empty one', async () => {
    const [a, b] = transportPair();
    const server = new EngineServer(new RpcEndpoint(b));
    const client = new RpcEndpoint(a);
    try {
      await client.request('initialize', { db });
      const out = path.join(dir, 'engine-rl.jsonl');
      const report = await client.request('datasets/export', {
        run: 'r',
        kind: 'rl-prompts',
        format: 'jsonl',
        selection: explorerSelection({ degenerate: false }),
        out,
      });
      assert.deepEqual(report, {
        run: 'r',
        kind: 'rl-prompts',
        format: 'jsonl',
        path: out,
        rows: 2,
        groups: 2,
        samples: 5,
        below_margin: 0,
        columns: ['prompt', 'ground_truth', 'data_source', 'meta'],
      });
      assert.deepEqual(
        fs
          .readFileSync(out, 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { prompt: Array<{ content: string }> }).prompt[0]!.content),
        ['What is 2+2?', 'Spell cat.'],
      );
      await assert.rejects(
        client.request('datasets/export', { run: 'r', kind: 'ppo', format: 'jsonl', selection: {}, out }),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.InvalidParams && /^datasets\/export: kind: /.test(e.message),
      );
      const empty = path.join(dir, 'engine-empty.parquet');
      await assert.rejects(
        client.request('datasets/export', { run: 'r', kind: 'sft', format: 'verl-parquet', selection: { from: 7 }, out: empty }),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound && /holds no samples: nothing written$/.test(e.message),
      );
      assert.equal(fs.existsSync(empty), false);
    } finally {
      server.dispose();
    }
  });
});
