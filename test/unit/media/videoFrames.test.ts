// Video frame thumbnails through a real ffmpeg (the @ffmpeg-installer/linux-x64 devDependency): frames
// decode to the asked width and differ over time, times are clamped, failures say why (a missing or
// undecodable file, a timeout), a file that failed is not retried per frame, decoded frames are
// cached by file and time, and with no decoder the one message comes back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { encodePng, decodePng } from '../../../src/core/media/png';
import { createRaster } from '../../../src/core/media/raster';
import { findDecoder, lastPng, VideoFrames } from '../../../src/core/media/videoFrames';
import { NO_DECODER_MESSAGE, type VideoFrame } from '../../../src/shared/media';
import { tempDir } from '../../helpers';

const npmFfmpeg = findDecoder({ npmPackage: true }).decoder?.file ?? null;
const skip = npmFfmpeg ? false : '@ffmpeg-installer/linux-x64 is not installed (a linux-x64 devDependency: npm install)';

let dir: string;
let clip: string;

/** A shell script standing in for ffmpeg: it notes each call in `log`, then runs `body`. */
function fakeDecoder(name: string, body: string): { file: string; log: string } {
  const file = path.join(dir, name);
  const log = path.join(dir, `${name}.log`);
  fs.writeFileSync(file, `#!/bin/sh\necho call >> '${log}'\n${body}\n`, { mode: 0o755 });
  return { file, log };
}

const calls = (log: string): number => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
const pngOf = (f: VideoFrame | undefined): Buffer => {
  assert.ok(f && 'png' in f, `no frame: ${JSON.stringify(f)}`);
  return Buffer.from(f.png, 'base64');
};

before(() => {
  dir = tempDir();
  if (!npmFfmpeg) return;
  clip = path.join(dir, 'clip.mp4');
  // testsrc draws a frame counter and a moving sweep: every frame differs from the others.
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
    clip,
  ]);
});

describe('video frames', { skip }, () => {
  it('decodes frames at 0, 2.5 and 9.9 s to the asked width; they differ; a time past the end or before 0 is clamped', async () => {
    const frames = new VideoFrames(() => ({ explicit: npmFfmpeg! }));
    const got = await frames.frames({ path: clip, duration: 10 }, [0, 2.5, 9.9, 15, -3, 9.96], 64);
    assert.ok(got.ok);
    assert.deepEqual(
      got.frames.map((f) => ('at' in f ? [f.time, f.at] : f.message)),
      [
        [0, 0],
        [2.5, 2.5],
        [9.9, 9.9],
        [15, 10],
        [-3, 0],
        [9.96, 9.96],
      ],
    );
    const images = got.frames.map((f) => decodePng(pngOf(f)));
    assert.deepEqual(
      images.map((r) => [r.width, r.height]),
      Array.from({ length: 6 }, () => [64, 48]),
    );
    const [at0, at25, at99] = images.map((r) => Buffer.from(r.data));
    assert.ok(!at0!.equals(at25!) && !at25!.equals(at99!) && !at0!.equals(at99!), 'frames at 0, 2.5 and 9.9 s are the same picture');
    // 15 s is clamped to the logged 10 s, where there is no frame: the video's last one (9.96 s at 25 fps) is shown.
    assert.ok(pngOf(got.frames[3]).equals(pngOf(got.frames[5])));
    assert.ok(pngOf(got.frames[4]).equals(pngOf(got.frames[0])));
    const wide = await frames.frameAt({ path: clip }, 5, 320);
    assert.deepEqual(wide.ok && [wide.at, decodePng(wide.png).width, decodePng(wide.png).height], [5, 320, 240]);
  });

  it('says why when the file is missing or not a video', async () => {
    const frames = new VideoFrames(() => ({ explicit: npmFfmpeg! }));
    const missing = path.join(dir, 'missing.mp4');
    assert.deepEqual(await frames.frames({ path: missing, duration: 10 }, [1, 2], 64), {
      ok: true,
      frames: [
        { time: 1, message: `video ${missing}: no such file` },
        { time: 2, message: `video ${missing}: no such file` },
      ],
    });
    const junk = path.join(dir, 'junk.mp4');
    fs.writeFileSync(junk, 'this is not a video\n');
    assert.deepEqual(await frames.frameAt({ path: junk }, 1, 64), {
      ok: false,
      message: `video ${junk}: ffmpeg could not decode it: file:${junk}: Invalid data found when processing input`,
    });
  });

  it('stops a decoder that takes longer than the timeout, and does not retry that file for the other times', async () => {
    const slow = fakeDecoder('slow-ffmpeg', 'exec sleep 10');
    const frames = new VideoFrames(() => ({ explicit: slow.file }), { timeoutMs: 300, concurrency: 1 });
    const stopped = `video ${clip}: ffmpeg took over 0.3 s for one frame (stopped)`;
    assert.deepEqual(await frames.frames({ path: clip, duration: 10 }, [1, 2, 3], 64), {
      ok: true,
      frames: [
        { time: 1, message: stopped },
        { time: 2, message: stopped },
        { time: 3, message: stopped },
      ],
    });
    assert.equal(calls(slow.log), 1);
  });

  it('keeps decoded frames by file, time and width, and decodes again when the file changes', async () => {
    const counted = fakeDecoder('counted-ffmpeg', `exec '${npmFfmpeg!}' "$@"`);
    const frames = new VideoFrames(() => ({ explicit: counted.file }));
    const copy = path.join(dir, 'copy.mp4');
    fs.copyFileSync(clip, copy);
    const first = await frames.frames({ path: copy }, [4, 4, 6], 64);
    const again = await frames.frames({ path: copy }, [4, 6], 64);
    assert.equal(calls(counted.log), 2);
    assert.ok(pngOf(first.ok ? first.frames[0] : undefined).equals(pngOf(again.ok ? again.frames[0] : undefined)));
    await frames.frames({ path: copy }, [4], 96);
    assert.equal(calls(counted.log), 3);
    fs.utimesSync(copy, new Date(), new Date(Date.now() + 60_000));
    await frames.frames({ path: copy }, [4], 64);
    assert.equal(calls(counted.log), 4);
  });

  it('finds ffmpeg on PATH (absolute entries only) after an unusable explicit path', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(npmFfmpeg!, path.join(bin, 'ffmpeg'));
    assert.deepEqual(findDecoder({ explicit: path.join(dir, 'nope'), pathEnv: ['.', path.join(dir, 'empty'), bin].join(path.delimiter) }), {
      decoder: { file: path.join(bin, 'ffmpeg'), source: 'PATH' },
      skipped: `rolloutLens.ffmpegPath ${path.join(dir, 'nope')} is not an executable file`,
    });
    const relative = path.relative(process.cwd(), bin);
    assert.deepEqual(findDecoder({ pathEnv: relative }), { decoder: null });
  });
});

describe('no video decoder', () => {
  it('gives the one message when the explicit path is unusable, PATH has no ffmpeg and the npm package is not used', async () => {
    const emptyBin = tempDir();
    const search = { explicit: '/nonexistent/ffmpeg', pathEnv: emptyBin, npmPackage: false };
    assert.deepEqual(findDecoder(search), {
      decoder: null,
      skipped: 'rolloutLens.ffmpegPath /nonexistent/ffmpeg is not an executable file',
    });
    const frames = new VideoFrames(() => search);
    assert.deepEqual(await frames.frames({ path: '/any/video.mp4', duration: 3 }, [0, 1], 64), {
      ok: false,
      message: 'no video decoder: install ffmpeg or set rolloutLens.ffmpegPath',
    });
    assert.equal(NO_DECODER_MESSAGE, 'no video decoder: install ffmpeg or set rolloutLens.ffmpegPath');
  });
});

describe('lastPng', () => {
  it('takes the last whole PNG of several written one after another, and none from a cut-off stream', () => {
    const a = encodePng(createRaster(2, 2));
    const b = encodePng(createRaster(3, 1));
    assert.ok(lastPng(Buffer.concat([a, b]))!.equals(b));
    assert.ok(lastPng(Buffer.concat([a, b.subarray(0, b.length - 5)]))!.equals(a));
    assert.equal(lastPng(Buffer.from('not a png')), null);
  });
});
