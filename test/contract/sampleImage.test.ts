// samples/image through the engine (EngineServer behind its JSON-RPC endpoint, a real SQLite store):
// a sample's image with only its own boxes and the targets, shrunk to maxWidth; a sample with an image
// and no boxes still gets its image; every "not shown" case is ok:false with a message that says why.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeImage } from '../../src/core/media/decodeImage';
import { EngineServer } from '../../src/engine/server';
import { ErrorCode, LensError } from '../../src/shared/errors';
import type { SampleImageResult } from '../../src/shared/protocol/engine';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { dataUri, solidPng } from '../imageFixtures';
import { tempDir, transportPair, writeJsonl } from '../helpers';

const BLUE = [40, 120, 200];
const ref = { run: 'r', split: 'train', step: 1, group: 'g' };
let dir: string;
let client: RpcEndpoint;
let server: EngineServer;

function line(index: number, reward: number, extra: object): object {
  return { step: 1, group: 'g', index, prompt: 'click Save', response: `box ${index}`, reward, ...extra };
}

async function image(index: number, maxWidth: number): Promise<SampleImageResult> {
  return (await client.request('samples/image', { ...ref, index, maxWidth })) as SampleImageResult;
}

function pixel(png: string, x: number, y: number): number[] {
  const r = decodeImage(Buffer.from(png, 'base64'), 'answer');
  const at = (y * r.width + x) * 4;
  return [...r.data.subarray(at, at + 3)];
}

before(async () => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'img'));
  fs.writeFileSync(path.join(dir, 'img', 'screen.png'), solidPng(320, 200));
  const file = path.join(dir, 'rollouts.jsonl');
  const gt = [[20, 10, 60, 30]];
  writeJsonl(file, [
    line(0, 0, { images: [{ path: 'img/screen.png' }], boxes: { pred: [[10, 10, 50, 30]], gt } }),
    line(1, 1, { images: [{ path: 'img/screen.png' }], boxes: { pred: [[100, 50, 200, 150]], gt } }),
    line(2, 0.5, { images: [dataUri(solidPng(16, 8, [250, 0, 0]))] }),
    line(3, 0.5, {}),
    line(4, 0.5, { images: [{ path: 'img/missing.png' }], boxes: { pred: [[1, 1, 2, 2]], gt } }),
  ]);
  const [a, b] = transportPair();
  server = new EngineServer(new RpcEndpoint(b));
  client = new RpcEndpoint(a);
  await client.request('initialize', { db: path.join(dir, 'a.db') });
  await client.request('ingest', { paths: [file], run: 'r' });
});

after(() => server.dispose());

describe('samples/image', () => {
  it("draws the sample's own box and the target at full size, and none of the other samples' boxes", async () => {
    const r = await image(0, 1024);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      [r.width, r.height, r.label, r.scores, r.pred_boxes, r.gt_boxes],
      [320, 200, `path ${path.join(dir, 'img', 'screen.png')}`, { iou: 0.6, hit: 1, area_ratio: 1 }, 1, 1],
    );
    assert.notDeepEqual(pixel(r.png, 10, 20), BLUE, "sample 0's box is drawn");
    assert.notDeepEqual(pixel(r.png, 60, 20), BLUE, 'the target is drawn');
    assert.deepEqual(pixel(r.png, 100, 100), BLUE, "sample 1's box is not");
    assert.deepEqual(pixel(r.png, 300, 190), BLUE);
  });

  it('shrinks to maxWidth, keeping the aspect ratio', async () => {
    const half = await image(1, 160);
    assert.deepEqual(half.ok && [half.width, half.height, half.scores], [160, 100, { iou: 0, hit: 0, area_ratio: 12.5 }]);
    const smallest = await image(1, 16);
    assert.deepEqual(smallest.ok && [smallest.width, smallest.height], [16, 10]);
  });

  it('gives a sample with an image and no boxes its image, undrawn and never enlarged', async () => {
    const r = await image(2, 320);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual([r.width, r.height, r.scores, r.pred_boxes, r.gt_boxes], [16, 8, null, 0, 0]);
    assert.match(r.label, /^stored image [0-9a-f]{12}$/);
    assert.deepEqual(pixel(r.png, 0, 0), [250, 0, 0]);
    assert.deepEqual(pixel(r.png, 8, 4), [250, 0, 0]);
  });

  it('says why there is no picture: no image, an image that cannot be read, no such sample', async () => {
    assert.deepEqual(await image(3, 320), { ok: false, message: 'this sample has no image', label: null });
    const missing = path.join(dir, 'img', 'missing.png');
    assert.deepEqual(await image(4, 320), {
      ok: false,
      message: `Image not shown: path ${missing}: no such file`,
      label: `path ${missing}`,
    });
    assert.deepEqual(await image(9, 320), { ok: false, message: 'group g of step 1 has no sample 9', label: null });
  });

  it('refuses a width outside 16..1024 and an unknown group before any work', async () => {
    for (const maxWidth of [15, 1025, 100.5]) {
      await assert.rejects(client.request('samples/image', { ...ref, index: 0, maxWidth }), (e: unknown) => {
        assert.ok(e instanceof LensError);
        assert.equal(e.code, ErrorCode.InvalidParams);
        assert.match(e.message, /^samples\/image: maxWidth: /);
        return true;
      });
    }
    await assert.rejects(client.request('samples/image', { ...ref, group: 'nope', index: 0, maxWidth: 320 }), /nope/);
  });
});
