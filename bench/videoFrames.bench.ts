// The first frame thumbnail of a temporal-grounding group (issue 27): a local 1-minute 854×480 H.264
// file (made once into .bench/ by the @ffmpeg-installer/linux-x64 devDependency), one views/groupFrames
// request from the extension's EngineClient to a real forked engine (dist/engine.js, which finds that
// ffmpeg itself), from request to PNG, at a time not decoded before (no cache help). Also timed, with
// no limit: the four edges of a target and a prediction in one request, and 64 times. Figures are
// medians; nothing asserts time. `node --import tsx bench/videoFrames.bench.ts [--quick]` runs it alone.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findDecoder } from '../src/core/media/videoFrames';
import { EngineClient } from '../src/extension/engineClient';
import type { GroupRef } from '../src/shared/explorer';
import type { GroupFrames } from '../src/shared/media';
import { EngineMethods } from '../src/shared/protocol/engine';
import { ViewMethods } from '../src/shared/protocol/views';

const ROOT = path.resolve(__dirname, '..');
const LIMIT_MS = 1000;
const WIDTH = 160;
const SECONDS = 60;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x * 10) / 10;

/** The bench video, made once: testsrc (a counter and moving patterns), 25 fps, H.264 in MP4. */
function benchVideo(ffmpeg: string, dir: string): string {
  const file = path.join(dir, `frames-480p-${SECONDS}s.mp4`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.tmp.mp4`;
    execFileSync(ffmpeg, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${SECONDS}:size=854x480:rate=25`,
      '-pix_fmt',
      'yuv420p',
      tmp,
    ]);
    fs.renameSync(tmp, file);
  }
  return file;
}

function framesOk(r: GroupFrames, n: number): void {
  if (!r.ok) throw new Error(r.message);
  const bad = r.frames.find((f) => !('png' in f));
  if (bad || r.frames.length !== n) throw new Error(`not every frame decoded: ${JSON.stringify(bad)}`);
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const ffmpeg = findDecoder({ pathEnv: process.env['PATH'] ?? '', npmPackage: true }).decoder;
  if (!ffmpeg) return { video_first_frame: { skipped: 'no ffmpeg: on PATH or @ffmpeg-installer/linux-x64 (npm install)' } };
  if (!fs.existsSync(path.join(ROOT, 'dist', 'engine.js'))) throw new Error('dist/engine.js is missing: node scripts/build.mjs');
  const video = benchVideo(ffmpeg.file, opts.dir);
  const dir = fs.mkdtempSync(path.join(opts.dir, 'video-frames-'));
  const file = path.join(dir, 'v.jsonl');
  fs.writeFileSync(
    file,
    JSON.stringify({
      step: 1,
      group: 'g',
      index: 0,
      prompt: 'when does the counter pass 30?',
      response: '<answer>29.0 to 33.5</answer>',
      reward: 0.5,
      video: { path: video, duration: SECONDS },
      segments: { pred: [[29, 33.5]], gt: [[30, 34]] },
    }) + '\n',
  );
  const engine = new EngineClient({
    enginePath: path.join(ROOT, 'dist', 'engine.js'),
    dbPath: path.join(dir, 'v.db'),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, trace: () => undefined },
    nodePath: process.execPath,
  });
  try {
    await engine.request(EngineMethods.ingest, { paths: [file], run: 'bench' });
    const ref: GroupRef = { run: 'bench', split: 'train', step: 1, group: 'g' };
    const ask = async (times: number[]): Promise<number> => {
      const t0 = performance.now();
      framesOk(await engine.request(ViewMethods.groupFrames, { ...ref, times, width: WIDTH }), times.length);
      return performance.now() - t0;
    };
    const runs = opts.quick ? 3 : 9;
    // Every request asks for seconds not decoded before, so no figure is a cache hit.
    let next = 0.37;
    const fresh = (n: number): number[] => Array.from({ length: n }, () => (next = (next + 0.913) % SECONDS));
    const first: number[] = [];
    const edges: number[] = [];
    for (let i = 0; i < runs; i++) {
      first.push(await ask(fresh(1)));
      edges.push(await ask(fresh(4)));
    }
    const sixtyFour = await ask(fresh(64));
    const m = median(first);
    return {
      video_first_frame: {
        what: `views/groupFrames, 1 time, ${WIDTH} px wide, a local ${SECONDS} s 854×480 H.264 file, forked engine, ${ffmpeg.source} ffmpeg`,
        runs,
        median_ms: round(m),
        max_ms: round(Math.max(...first)),
        four_edges_median_ms: round(median(edges)),
        sixty_four_times_ms: round(sixtyFour),
        limit_ms: LIMIT_MS,
        ratio_to_limit: Math.round((m / LIMIT_MS) * 1000) / 1000,
      },
    };
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick'), dir: path.join(ROOT, '.bench') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
