// A verl geometry dump whose reward function returned the dataset index, joined to the dataset
// parquet that verl's geo3k preprocessing writes (test/fixtures/verl-vision/make_fixture.py).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupImage } from '../../../src/core/views/groupMedia';
import { groupView } from '../../../src/core/views/groupView';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'verl-vision');
const dataset = path.join(dir, 'dataset', 'train.parquet');

describe('verl rows joined to their dataset', () => {
  it('groups by the dataset index, not the prompt text, and shows each row its own image', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    const r = await new Ingestor(store, [path.join(dir, 'rollout')], { run: 'geo', datasets: [dataset] }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.grouping, r.errors, r.warnings], ['verl', 6, 'id', [], undefined]);
    // Rows 1 and 2 ask the same question over different figures: two groups, not one.
    const groups = store.db.prepare('SELECT uid, size FROM groups ORDER BY uid').all();
    assert.deepEqual(groups, [
      { uid: 'row-0', size: 2 },
      { uid: 'row-1', size: 2 },
      { uid: 'row-2', size: 2 },
    ]);
    const ref = { run: 'geo', split: 'train' as const, step: 3, group: 'row-2' };
    const media = groupView(store, ref).view.media!;
    assert.deepEqual(media.images, [{ ref: { dataset, row: 2, column: 'images' }, label: `dataset ${dataset} row 2 column images` }]);
    const img = await groupImage(store, ref, 0);
    assert.ok(img.ok);
    assert.deepEqual([img.mime, img.width, img.height], ['image/png', 48, 32]);
    store.close();
  });

  it('says where a dataset row is out of range', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    const other = path.join(dir, 'dataset', 'missing.parquet');
    const r = await new Ingestor(store, [path.join(dir, 'rollout')], { run: 'geo', datasets: [other] }).ingestOnce();
    assert.equal(r.warnings?.length, 6);
    assert.equal(
      r.warnings?.[0],
      `step 3 group row-0 sample 0: image dataset ${other} row 0 column images: the dataset file does not exist`,
    );
    store.close();
  });

  it('warns per step when rows without an index had to be grouped by prompt text', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    const r = await new Ingestor(store, [path.join(FIXTURES, 'verl', 'rollout')], { run: 'legacy', datasets: [dataset] }).ingestOnce();
    assert.deepEqual(
      r.warnings,
      [1, 2, 3].map(
        (s) =>
          `step ${s}: rows carry no uid or dataset index, so they were grouped by prompt text and no dataset image was attached (the same question over two images would be one group); return "index" from the reward function (docs/formats.md#verl)`,
      ),
    );
    store.close();
  });
});
