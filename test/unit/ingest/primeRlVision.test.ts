// prime-rl traces whose user message holds an image_url part (test/fixtures/prime-rl/make_vision_traces.py):
// the image becomes the sample's, stored once for the two rollouts, and the prompt says where it was.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { getSample } from '../../../src/core/store/reads';
import { Store } from '../../../src/core/store/store';
import { groupImage } from '../../../src/core/views/groupMedia';
import { groupView } from '../../../src/core/views/groupView';
import { FIXTURES, tempDir } from '../../helpers';

describe('prime-rl traces with an image', () => {
  it('stores the data-URI image once and attaches it to both rollouts of the group', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    const report = await new Ingestor(store, [path.join(FIXTURES, 'prime-rl', 'vision')], { run: 'v' }).ingestOnce();
    assert.deepEqual([report.format, report.samples_added, report.errors, report.warnings], ['prime-rl', 2, [], undefined]);
    assert.deepEqual(store.db.prepare('SELECT mime, width, height FROM images').all(), [{ mime: 'image/png', width: 24, height: 16 }]);
    const ref = { run: 'v', split: 'train' as const, step: 1, group: 'c0ffee00-0000-4000-8000-000000000001' };
    assert.equal(getSample(store, { ...ref, index: 0 }).prompt, 'system: Answer in one word .\n\nuser: [image]What colour is the square ?');
    const media = groupView(store, ref).view.media!;
    assert.equal(media.images.length, 1);
    assert.deepEqual(
      media.samples.map((s) => [s.index, s.image, s.boxes]),
      [
        [0, 0, null],
        [1, 0, null],
      ],
    );
    const loaded = await groupImage(store, ref, 0);
    assert.deepEqual(loaded.ok && [loaded.mime, loaded.width, loaded.height], ['image/png', 24, 16]);
    store.close();
  });
});
