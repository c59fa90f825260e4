// An oat replay-buffer dump of a VeriFree run (test/fixtures/oat/make_buffer.py), converted by the
// companion converter (system python3, stdlib only) and ingested as native JSON lines: the samples
// an earlier learn() scored keep p(reference), the fresh ones come with reward 0 and nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, ROOT, tempDir } from '../../helpers';

describe('oat replay dump, converted', () => {
  it('ingests with p(reference) where the buffer had it and reward 0 where it did not', async () => {
    const tmp = tempDir();
    const out = path.join(tmp, 'buffer_step00004.jsonl');
    const r = spawnSync(
      'python3',
      ['-m', 'rollout_lens_logger.convert', 'oat', path.join(FIXTURES, 'oat', 'buffer_step00004.pkl'), '--out', out],
      {
        encoding: 'utf8',
        env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: 4 of 6 samples have no reward: the reward was not yet computed when oat dumped this buffer/);
    const store = Store.open(path.join(tmp, 'o.db'));
    const report = await new Ingestor(store, [out], { run: 'o' }).ingestOnce();
    assert.deepEqual([report.format, report.samples_added, report.errors, report.grouping], ['native', 6, [], 'id']);
    const rows = store.db
      .prepare(
        `SELECT g.uid, s.idx, s.reward, s.p_reward, s.logp_reward, s.answer_offset, s.finish_reason
           FROM samples s JOIN groups g ON g.id = s.group_id ORDER BY g.uid, s.idx`,
      )
      .raw()
      .all();
    assert.deepEqual(rows, [
      ['4-0-0', 0, 0, null, null, null, 'stop'],
      ['4-0-0', 1, 0, null, null, null, 'stop'],
      ['4-0-1', 0, 0, null, null, null, 'length'],
      ['4-0-1', 1, 0, null, null, null, 'stop'],
      ['4-1-0', 0, 0.6065306597126334, 0.6065306597126334, -0.5, 7, 'stop'],
      ['4-1-0', 1, 0, 0, null, null, 'stop'],
    ]);
    store.close();
  });

  it('a dump found in an ingested folder is listed as needing conversion, with the command', async () => {
    const tmp = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'oat', 'buffer_step00004.pkl'), path.join(tmp, 'buffer_step00004.pkl'));
    fs.writeFileSync(path.join(tmp, 'r.jsonl'), '{"step": 0, "group": "g", "prompt": "p", "response": "r", "reward": 1}\n');
    const store = Store.open(path.join(tempDir(), 'o.db'));
    const report = await new Ingestor(store, [tmp], { run: 'o' }).ingestOnce();
    assert.deepEqual(
      report.skipped.map((s) => [path.basename(s.file), s.reason]),
      [
        [
          'buffer_step00004.pkl',
          'an oat replay dump (--dump_replay_every): convert it first with `python -m rollout_lens_logger.convert oat FILE`, then ingest the .jsonl it writes',
        ],
      ],
    );
    assert.equal(report.samples_added, 1);
    store.close();
  });
});
