// slime debug rollout dumps, after the companion converter (test/fixtures/slime/make_slime_dump.py
// torch.saves slime's exact dict shape; `python -m rollout_lens_logger.convert slime` wrote the .jsonl).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { discover } from '../../../src/core/ingest/sources';
import { exportRun } from '../../../src/core/store/exporter';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'slime');

describe('slime dumps (converted)', () => {
  it('groups by group_index, takes the dict reward by its score key, and keeps the sampler logprobs of trained tokens', async () => {
    const store = Store.open(path.join(tempDir(), 's.db'));
    const r = await new Ingestor(store, [dir], { run: 's' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['slime', 2, 10, 2, [], 'id']);
    const id = store.requireRun('s').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 3, 8, 2, -0.25],
        ['val', 3, 2, 1, 0.5],
      ],
    );
    const rows = [...exportRun(store, id)];
    assert.deepEqual(
      rows.filter((s) => s.split === 'train').map((s) => [s.group, s.index, s.reward, s.components, s.meta!['reward_extra']]),
      [
        ['0', 0, 1, { acc: 1 }, { pred: '4' }],
        ['0', 1, -1, { acc: 0 }, { pred: '5' }],
        ['0', 2, 1, { acc: 1 }, { pred: '4' }],
        ['0', 3, 1, { acc: 1 }, { pred: '4' }],
        ['1', 4, -1, { acc: 0 }, { pred: '9' }],
        ['1', 5, -1, { acc: 0 }, { pred: '9' }],
        ['1', 6, -1, { acc: 0 }, { pred: '9' }],
        ['1', 7, -1, { acc: 0 }, { pred: '9' }],
      ],
    );
    const line = JSON.parse(fs.readFileSync(path.join(dir, 'data_3.jsonl'), 'utf8').split('\n')[2]!) as {
      sample: { tokens: number[]; response_length: number; rollout_log_probs: number[]; loss_mask: number[] };
    };
    const tool = rows.find((s) => s.index === 2)!;
    // tokens = prompt + response; the response is the last response_length of them.
    assert.deepEqual(tool.response_ids, line.sample.tokens.slice(-line.sample.response_length));
    assert.equal(tool.response_ids!.length, 14);
    // The tool reply's 3 tokens (loss mask 0) carry slime's 0.0, which is no sampler logprob.
    assert.deepEqual(
      tool.logprobs!.map((x) => (x === null || Number.isNaN(x) ? null : Math.round(x * 1e4) / 1e4)),
      line.sample.rollout_log_probs.map((x, i) => (line.sample.loss_mask[i] === 0 ? null : x)),
    );
    assert.deepEqual([tool.ground_truth, tool.finish_reason], ['4', 'stop']);
    assert.equal(rows.find((s) => s.index === 7)!.finish_reason, 'length');
    assert.equal(groupTree(store, { run: 's', split: 'train', step: 3, group: '0' }).exact, true);
    const again = await new Ingestor(store, [dir], { run: 's' }).ingestOnce();
    assert.equal(again.samples_added, 0);
    store.close();
  });

  it('never reads a .pt itself: a folder lists it as needing conversion, a single file is refused with the command to run', () => {
    const d = discover([dir], 'auto');
    assert.deepEqual(
      d.unknown.map((u) => path.basename(u.path)),
      ['data_3.pt', 'data_eval_3.pt'],
    );
    assert.match(d.unknown[0]!.reason, /python -m rollout_lens_logger\.convert slime FILE/);
    assert.throws(
      () => discover([path.join(dir, 'data_3.pt')], 'auto'),
      /data_3\.pt: unknown format: a torch \.pt file \(slime --save-debug-rollout-data\): convert it first/,
    );
  });

  it('a dict reward without score needs the reward key (with it, the other keys become components); short logprobs are refused', async () => {
    const src = JSON.parse(fs.readFileSync(path.join(dir, 'data_3.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown> & {
      sample: Record<string, unknown>;
    };
    const noScore = { ...src, sample: { ...src.sample, reward: { math: 1.0, fmt: 0.5 } } };
    const keyed = { ...noScore, reward_key: 'math', sample: { ...noScore.sample, index: 1 } };
    const short = {
      ...src,
      sample: { ...src.sample, index: 2, rollout_log_probs: (src.sample['rollout_log_probs'] as number[]).slice(1) },
    };
    const file = path.join(tempDir(), 'data_9.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(noScore)}\n${JSON.stringify(keyed)}\n${JSON.stringify(short)}\n`);
    const store = Store.open(path.join(tempDir(), 'k.db'));
    const r = await new Ingestor(store, [file], { run: 'k' }).ingestOnce();
    assert.deepEqual(r.errors, [
      { file, line: 1, message: '"sample.reward" is an object without "score" (keys math, fmt): convert with --reward-key NAME' },
      { file, line: 3, message: 'sample 2: rollout_log_probs has 4 entries but the response has 5 tokens' },
    ]);
    const rows = [...exportRun(store, store.requireRun('k').id)];
    assert.deepEqual(
      rows.map((s) => [s.reward, s.components]),
      [[1, { fmt: 0.5 }]],
    );
    store.close();
  });
});
