// A native run with images, end to end through a real SQLite store: references resolved and sized at
// ingest, data URIs stored once, problems as per-sample warnings (text still stored), the group view's
// media, an image's bytes for the view, and the export that ingests back.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { groupImage } from '../../../src/core/views/groupMedia';
import { groupView } from '../../../src/core/views/groupView';
import { decodePng } from '../../../src/core/media/png';
import type { IngestReport } from '../../../src/shared/rollout';
import { dataUri, solidPng } from '../../imageFixtures';
import { tempDir, writeJsonl } from '../../helpers';

let dir: string;
let store: Store;
let report: IngestReport;
const screenshot = solidPng(320, 200);
const thumb = solidPng(16, 8, [250, 0, 0]);
const ref = { run: 'r', split: 'train' as const, step: 1, group: 'g' };

function line(index: number, extra: object): object {
  return { step: 1, group: 'g', index, prompt: 'click Save', response: `box ${index}`, reward: index / 4, ...extra };
}

before(async () => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'run', 'img'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'run', 'img', 'screen.png'), screenshot);
  fs.writeFileSync(path.join(dir, 'run', 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const file = path.join(dir, 'run', 'rollouts.jsonl');
  writeJsonl(file, [
    line(0, { images: [{ path: 'img/screen.png' }], boxes: { pred: [[10, 10, 50, 30]], gt: [[20, 10, 60, 30]] } }),
    line(1, { images: [{ path: 'img/screen.png' }], boxes: { pred: [[300, 150, 400, 260]], gt: [[20, 10, 60, 30]] } }),
    line(2, {
      images: ['img/screen.png'],
      boxes: { pred: [[16, 8, 48, 24]], gt: [[16, 8, 48, 24]], frame: 'input', input_size: [160, 100] },
    }),
    line(3, { images: [dataUri(thumb), { path: 'img/missing.png' }] }),
    line(4, { images: [{ path: 'img/logo.svg' }, { url: 'https://example.com/a.png' }] }),
  ]);
  fs.appendFileSync(file, `${JSON.stringify(line(5, { images: 5 }))}\n`);
  store = Store.open(path.join(dir, 't.db'));
  report = await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
});

describe('images in a native run', () => {
  it('stores every sample whose line is valid and warns per sample about images it cannot show', () => {
    assert.equal(report.samples_added, 5);
    assert.deepEqual(report.errors, [
      {
        file: path.join(dir, 'run', 'rollouts.jsonl'),
        line: 6,
        message: '"images" must be an object with one of "path", "url" or "dataset"',
      },
    ]);
    assert.deepEqual(report.warnings, [
      `step 1 group g sample 3: image path ${path.join(dir, 'run', 'img', 'missing.png')}: no such file`,
      `step 1 group g sample 4: image path ${path.join(dir, 'run', 'img', 'logo.svg')}: not a PNG, JPEG, WebP or GIF image (it looks like SVG, which is refused)`,
      'step 1 group g sample 4: image URL https://example.com/a.png: URLs other than data: URIs are never fetched; log the image as a file or a data URI',
    ]);
    assert.equal(store.db.prepare('SELECT count(*) FROM images').pluck().get(), 1);
  });

  it('gives the group view its distinct images, boxes, scores and flagged boxes', () => {
    const media = groupView(store, ref).view.media!;
    const screen = path.join(dir, 'run', 'img', 'screen.png');
    const hash = createHash('sha256').update(thumb).digest('hex');
    assert.deepEqual(
      media.images.map((i) => i.label),
      [
        `path ${screen}`,
        `stored image ${hash.slice(0, 12)}`,
        `path ${path.join(dir, 'run', 'img', 'missing.png')}`,
        `path ${path.join(dir, 'run', 'img', 'logo.svg')}`,
        'URL https://example.com/a.png',
      ],
    );
    assert.deepEqual(media.images[0]!.ref, { path: screen, width: 320, height: 200 });
    assert.deepEqual(media.images[1]!.ref, { stored: hash, width: 16, height: 8 });
    assert.deepEqual(
      media.samples.map((s) => [s.index, s.image, s.scores, s.problems]),
      [
        [0, 0, { iou: 0.6, hit: 1, area_ratio: 1 }, [null]],
        [1, 0, { iou: 0, hit: 0, area_ratio: 13.75 }, ['outside the image']],
        [2, 0, { iou: 1, hit: 1, area_ratio: 1 }, [null]],
        [3, 1, { iou: null, hit: null, area_ratio: null }, []],
        [4, 3, { iou: null, hit: null, area_ratio: null }, []],
      ],
    );
  });

  it('loads an image for the view from a file and from the database, and says why when it cannot', async () => {
    const first = await groupImage(store, ref, 0);
    assert.deepEqual(
      first.ok && [first.mime, first.width, first.height, first.bytes, Buffer.from(first.data, 'base64').equals(screenshot)],
      ['image/png', 320, 200, screenshot.length, true],
    );
    const second = await groupImage(store, ref, 1);
    assert.deepEqual(second.ok && [second.width, second.height, Buffer.from(second.data, 'base64').equals(thumb)], [16, 8, true]);
    assert.deepEqual(await groupImage(store, ref, 2), {
      ok: false,
      message: `Image not shown: path ${path.join(dir, 'run', 'img', 'missing.png')}: no such file`,
    });
    assert.deepEqual(await groupImage(store, ref, 4), {
      ok: false,
      message: 'Image not shown: URL https://example.com/a.png: URLs other than data: URIs are never fetched',
    });
    assert.deepEqual(await groupImage(store, ref, 9), { ok: false, message: 'This group has 5 images; there is no image 9.' });
  });

  it('exports images (stored ones as data URIs) and boxes, and the export ingests back the same', async () => {
    const out = [...exportRun(store, store.requireRun('r').id)];
    assert.deepEqual(out[3]!.images, [
      { url: dataUri(thumb), width: 16, height: 8 },
      { path: path.join(dir, 'run', 'img', 'missing.png') },
    ]);
    assert.deepEqual(out[2]!.boxes, { pred: [[16, 8, 48, 24]], gt: [[16, 8, 48, 24]], image: 0, frame: 'input', input_size: [160, 100] });
    const again = path.join(dir, 'export.jsonl');
    writeJsonl(again, out);
    const copy = Store.open(path.join(dir, 'copy.db'));
    await new Ingestor(copy, [again], { run: 'r' }).ingestOnce();
    assert.deepEqual(groupView(copy, ref).view.media, groupView(store, ref).view.media);
    copy.close();
  });
});

describe('a large image for the view', () => {
  it('comes downscaled to 2560 px as PNG, with the original size (what the boxes are in)', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'wide.png'), solidPng(3000, 100, [10, 200, 30]));
    writeJsonl(path.join(d, 'r.jsonl'), [
      { step: 1, group: 'w', prompt: 'p', response: 'r', reward: 1, images: ['wide.png'], boxes: { pred: [[2900, 10, 2990, 90]], gt: [] } },
    ]);
    const s = Store.open(path.join(d, 't.db'));
    await new Ingestor(s, [path.join(d, 'r.jsonl')], { run: 'w' }).ingestOnce();
    const got = await groupImage(s, { run: 'w', split: 'train', step: 1, group: 'w' }, 0);
    assert.ok(got.ok);
    const shown = decodePng(Buffer.from(got.data, 'base64'));
    assert.deepEqual(
      [got.mime, got.width, got.height, got.downscaled, shown.width, shown.height],
      ['image/png', 3000, 100, true, 2560, 85],
    );
    assert.deepEqual(Array.from(shown.data.subarray(0, 4)), [10, 200, 30, 255]);
    s.close();
  });

  it('refuses a large image it cannot downscale rather than send it whole (a WebP claiming 3000×100)', async () => {
    const d = tempDir();
    const vp8x = Buffer.from([
      ...Buffer.from('RIFF'),
      0,
      0,
      0,
      0,
      ...Buffer.from('WEBPVP8X'),
      10,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0xb7,
      0x0b,
      0,
      0x63,
      0,
      0,
    ]);
    fs.writeFileSync(path.join(d, 'big.webp'), vp8x);
    writeJsonl(path.join(d, 'r.jsonl'), [{ step: 1, group: 'w', prompt: 'p', response: 'r', reward: 1, images: ['big.webp'] }]);
    const s = Store.open(path.join(d, 't.db'));
    await new Ingestor(s, [path.join(d, 'r.jsonl')], { run: 'w' }).ingestOnce();
    const got = await groupImage(s, { run: 'w', split: 'train', step: 1, group: 'w' }, 0);
    assert.equal(got.ok, false);
    assert.match(
      !got.ok ? got.message : '',
      /^Image not shown: 3000×100 is too large to show as it is, and it could not be downscaled \(.*WebP/,
    );
    s.close();
  });

  it('flags input-frame boxes whose input size was not logged: drawn unscaled', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'a.png'), solidPng(64, 48));
    writeJsonl(path.join(d, 'r.jsonl'), [
      { step: 1, group: 'u', prompt: 'p', response: 'r', reward: 1, images: ['a.png'], boxes: { pred: [[1, 2, 3, 4]], frame: 'input' } },
    ]);
    const s = Store.open(path.join(d, 't.db'));
    await new Ingestor(s, [path.join(d, 'r.jsonl')], { run: 'u' }).ingestOnce();
    const media = groupView(s, { run: 'u', split: 'train', step: 1, group: 'u' }).view.media!;
    assert.deepEqual(media.samples[0]!.problems, ["in the model input's pixels, whose size was not logged: drawn unscaled"]);
    s.close();
  });
});
