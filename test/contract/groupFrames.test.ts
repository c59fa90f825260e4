// views/groupFrames through the engine (EngineServer behind its JSON-RPC endpoint, a real SQLite store,
// the @ffmpeg-installer/linux-x64 devDependency named by the ffmpegPath setting): thumbnails at a
// group's segment edges from its own stored video, clamped times, why a frame or the whole request
// has none, and params that could name another file refused before any work.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodePng } from '../../src/core/media/png';
import { findDecoder } from '../../src/core/media/videoFrames';
import { EngineServer } from '../../src/engine/server';
import { ErrorCode, LensError } from '../../src/shared/errors';
import type { GroupFrames } from '../../src/shared/media';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../helpers';

const npmFfmpeg = findDecoder({ npmPackage: true }).decoder?.file ?? null;
const skip = npmFfmpeg ? false : '@ffmpeg-installer/linux-x64 is not installed (a linux-x64 devDependency: npm install)';
const ref = { run: 'v', split: 'train', step: 1, group: 'q' };
let dir: string;
let client: RpcEndpoint;
let server: EngineServer | undefined;

const frames = async (group: string, times: number[], width: number): Promise<GroupFrames> =>
  (await client.request('views/groupFrames', { ...ref, group, times, width })) as GroupFrames;

function line(group: string, index: number, extra: object): object {
  return { step: 1, group, index, prompt: 'when does the door open?', response: `a${index}`, reward: index / 2, ...extra };
}

before(async () => {
  if (!npmFfmpeg) return;
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'clips'));
  execFileSync(npmFfmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=10:size=160x120:rate=25',
    '-pix_fmt',
    'yuv420p',
    path.join(dir, 'clips', 'a.mp4'),
  ]);
  const file = path.join(dir, 'r.jsonl');
  const video = { path: 'clips/a.mp4', duration: 10 };
  writeJsonl(file, [
    line('q', 0, { video, segments: { pred: [[1, 4]], gt: [[2, 6]] } }),
    line('q', 1, { video, segments: { pred: [[3, 12]], gt: [[2, 6]] } }),
    line('plain', 0, { segments: { pred: [[1, 2]], gt: [[1, 3]] } }),
    line('gone', 0, { video: { path: 'clips/missing.mp4' }, segments: { pred: [[1, 2]], gt: [[1, 3]] } }),
  ]);
  const [a, b] = transportPair();
  server = new EngineServer(new RpcEndpoint(b));
  client = new RpcEndpoint(a);
  await client.request('initialize', { db: path.join(dir, 'a.db'), settings: { ffmpegPath: npmFfmpeg } });
  await client.request('ingest', { paths: [file], run: 'v' });
});

after(() => server?.dispose());

describe('views/groupFrames', { skip }, () => {
  it("decodes the group's own video at its segment edges, to the asked width, a time past the end clamped", async () => {
    const got = await frames('q', [2, 6, 1, 4, 3, 12], 80);
    assert.ok(got.ok, JSON.stringify(got));
    assert.deepEqual(
      got.frames.map((f) => ('png' in f ? [f.time, f.at, ...((r) => [r.width, r.height])(decodePng(Buffer.from(f.png, 'base64')))] : f)),
      [
        [2, 2, 80, 60],
        [6, 6, 80, 60],
        [1, 1, 80, 60],
        [4, 4, 80, 60],
        [3, 3, 80, 60],
        [12, 10, 80, 60],
      ],
    );
    const pngs = new Set(got.frames.map((f) => ('png' in f ? f.png : '')));
    assert.equal(pngs.size, 6);
  });

  it('says why when the group has no video or its file is gone', async () => {
    assert.deepEqual(await frames('plain', [1], 80), { ok: false, message: 'this group has no video' });
    const missing = path.join(dir, 'clips', 'missing.mp4');
    assert.deepEqual(await frames('gone', [1, 2], 80), {
      ok: true,
      frames: [
        { time: 1, message: `video ${missing}: no such file` },
        { time: 2, message: `video ${missing}: no such file` },
      ],
    });
  });

  it('uses the ffmpeg the setting names, and the next one at once when it changes', async () => {
    const broken = path.join(dir, 'broken-ffmpeg');
    fs.writeFileSync(broken, '#!/bin/sh\necho "this decoder is broken" >&2\nexit 1\n', { mode: 0o755 });
    await client.request('configure', { ffmpegPath: broken });
    const clip = path.join(dir, 'clips', 'a.mp4');
    assert.deepEqual(await frames('q', [7], 80), {
      ok: true,
      frames: [{ time: 7, message: `video ${clip}: ffmpeg could not decode it: this decoder is broken` }],
    });
    await client.request('configure', { ffmpegPath: npmFfmpeg! });
    const again = await frames('q', [7], 80);
    assert.deepEqual(again.ok && again.frames.map((f) => ('png' in f ? f.at : f.message)), [7]);
  });

  it('refuses a path, more than 64 times, or a width outside 32..320 before any work', async () => {
    const bad: object[] = [
      { ...ref, times: [1], width: 80, path: '/etc/passwd' },
      { ...ref, times: Array.from({ length: 65 }, (_, i) => i), width: 80 },
      { ...ref, times: [], width: 80 },
      { ...ref, times: [1], width: 31 },
      { ...ref, times: [1], width: 321 },
      { ...ref, times: [1], width: 80.5 },
    ];
    for (const params of bad) {
      await assert.rejects(client.request('views/groupFrames', params), (e: unknown) => {
        assert.ok(e instanceof LensError);
        assert.equal(e.code, ErrorCode.InvalidParams);
        assert.match(e.message, /^views\/groupFrames: /);
        return true;
      });
    }
  });
});
