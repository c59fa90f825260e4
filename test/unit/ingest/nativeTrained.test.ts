// The native `trained` and `filter_reason` fields: any trainer can say which samples it filtered out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { listSamples } from '../../../src/core/store/reads';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers';

describe('native trained / filter_reason', () => {
  it('marks samples trained or filtered out with the logged reason, and refuses a non-boolean', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rollouts.jsonl');
    const row = (i: number, extra: object): string =>
      JSON.stringify({ step: 0, group: 'g', prompt: 'p', response: `r${i}`, reward: i, index: i, ...extra });
    fs.writeFileSync(
      file,
      [
        row(0, { trained: true }),
        row(1, { trained: false, filter_reason: 'overlong' }),
        row(2, { trained: false }),
        row(3, {}),
        row(4, { trained: 'no' }),
      ].join('\n') + '\n',
    );
    const store = Store.open(path.join(dir, 'n.db'));
    const r = await new Ingestor(store, [file], { run: 'n' }).ingestOnce();
    assert.deepEqual(r.errors, [{ file, line: 5, message: '"trained" must be true or false, got a string ("no")' }]);
    assert.deepEqual(
      listSamples(store, { run: 'n', split: 'train', step: 0, group: 'g' }).map((s) => [s.index, s.filtered]),
      [
        [0, undefined],
        [1, 'overlong'],
        [2, 'logged as not trained'],
        [3, undefined],
      ],
    );
    assert.deepEqual(store.stepStats(store.requireRun('n').id)[0]!.trainer_filter, { known: 3, filtered: 2, filtered_ratio: 2 / 3 });
    store.close();
  });
});
