// Files in an ingested folder that are not read are listed in the report, never dropped silently.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { tempDir, writeJsonl } from '../../helpers';

describe('files not read', () => {
  it('a notes.txt beside the rollouts is reported as not read, with the reason', async () => {
    const dir = tempDir();
    writeJsonl(path.join(dir, 'rollouts.jsonl'), [{ step: 1, group: 'g', prompt: 'p', response: 'r', reward: 1 }]);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
    fs.writeFileSync(path.join(dir, '.hidden'), 'x');
    fs.writeFileSync(path.join(dir, 'odd.jsonl'), '{"hello": 1}\n');
    const store = Store.open(path.join(tempDir(), 'a.db'));
    const r = await new Ingestor(store, [dir], { run: 'r' }).ingestOnce();
    assert.equal(r.samples_added, 1);
    assert.deepEqual(
      r.skipped.map((s) => [path.basename(s.file), s.reason]),
      [
        [
          'odd.jsonl',
          'records with keys {hello} match no known format (native, verl, prime-rl, nemo-rl, areal, converted slime, ms-swift, roll, skyrl-eval, metrics logs)',
        ],
        [
          'notes.txt',
          'not a rollout or metrics file (.jsonl, oat buffer_step*.pkl, .parquet, slime .pt, debug_log*.txt, *_iou.txt, *_hit.txt, VideoChat-R1 / Time-R1 IoU reward .txt, oat eval_results/{step}.json, rLLM episode_hash*_id*.json, ART trajectories/{split}/{step}.jsonl|yaml|parquet, trainer_state.json)',
        ],
      ],
    );
    store.close();
  });

  it('recognises a folder whose first rollout line is longer than 64 KiB (long chain of thought with token ids)', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: 12_000 }, (_, i) => i % 1000);
    writeJsonl(path.join(dir, 'rollouts.jsonl'), [
      { step: 1, group: 'g', prompt: 'p', response: 'x'.repeat(20_000), reward: 1, response_ids: ids, logprobs: ids.map(() => -0.125) },
      { step: 1, group: 'g', prompt: 'p', response: 'y', reward: 0 },
    ]);
    assert.ok(fs.statSync(path.join(dir, 'rollouts.jsonl')).size > 1 << 16);
    const store = Store.open(path.join(tempDir(), 'a.db'));
    const r = await new Ingestor(store, [dir], { run: 'r' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.skipped], ['native', 2, []]);
    store.close();
  });
});
