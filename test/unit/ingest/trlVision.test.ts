// Real TRL completions whose reward function logged `dataset_index` with log_extra
// (test/fixtures/trl-vision/make_fixture.py), joined to an image dataset with --dataset.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupImage } from '../../../src/core/views/groupMedia';
import { groupView } from '../../../src/core/views/groupView';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'trl-vision');
const dataset = path.join(dir, 'dataset.jsonl');

describe('TRL completions with a logged dataset index', () => {
  it('keeps dataset_index out of the rewards and shows each group the image of its dataset row', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    const r = await new Ingestor(store, [dir], { run: 't', datasets: [dataset] }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added, r.errors, r.warnings], ['trl', 24, [], undefined]);
    const rows = store.db
      .prepare(
        `SELECT st.step, json_extract(s.images, '$[0].row') AS row, s.components FROM samples s JOIN groups g ON g.id = s.group_id
           JOIN steps st ON st.id = g.step_id WHERE s.idx = 0 ORDER BY st.step, g.uid`,
      )
      .all() as Array<{ step: number; row: number; components: string }>;
    // completions_00001..3.parquet: dataset_index 4 and 0, 7 and 3, 2 and 5 (blocks of 4).
    assert.deepEqual(
      rows.map((x) => [x.step, x.row]),
      [
        [1, 4],
        [1, 0],
        [2, 7],
        [2, 3],
        [3, 2],
        [3, 5],
      ],
    );
    assert.deepEqual(Object.keys(JSON.parse(rows[0]!.components) as object), ['correctness', 'format_reward']);
    const step = 2;
    const group = (
      store.db
        .prepare('SELECT g.uid FROM groups g JOIN steps st ON st.id = g.step_id WHERE st.step = 2 ORDER BY g.uid')
        .pluck()
        .all() as string[]
    )[0]!;
    const ref = { run: 't', split: 'train' as const, step, group };
    const media = groupView(store, ref).view.media!;
    const row = (media.images[0]!.ref as { row: number }).row;
    const img = await groupImage(store, ref, 0);
    assert.ok(img.ok);
    // img/{i}.png is (8 + i) × 6.
    assert.deepEqual([img.width, img.height], [8 + row, 6]);
    store.close();
  });
});
