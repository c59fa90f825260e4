// Frames of a rollout's video as PNG thumbnails (docs/architecture.md#video-frames), decoded by an
// ffmpeg that is already on this machine: never bundled with the extension. The engine process runs
// it, one short child process per frame (no shell, a timeout, a cap on its output), so a slow or
// hostile file never stalls the extension host. Decoded frames are kept in a small in-memory LRU.
import { execFile, type ExecFileException } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { NO_DECODER_MESSAGE, type VideoFrame, type VideoRef } from '../../shared/media';
import { PNG_SIGNATURE } from './png';

/** Where to look for ffmpeg, in this order: an explicit file, PATH, then the npm package (development only). */
export interface DecoderSearch {
  /** rolloutLens.ffmpegPath; empty or absent when not set. */
  explicit?: string;
  /** The PATH to search (the engine's own). */
  pathEnv?: string;
  /** Whether @ffmpeg-installer/linux-x64 may be used when installed (a devDependency: tests, bench, demo). */
  npmPackage?: boolean;
}

export interface Decoder {
  file: string;
  source: 'rolloutLens.ffmpegPath' | 'PATH' | '@ffmpeg-installer/linux-x64';
}

export interface DecoderFound {
  decoder: Decoder | null;
  /** Why an explicit path was passed over (the search then went on). */
  skipped?: string;
}

export interface FrameLimits {
  /** Per ffmpeg call; the process is killed after it. */
  timeoutMs: number;
  /** Most bytes ffmpeg may write before it is killed (a thumbnail is tens of kilobytes). */
  maxOutputBytes: number;
  /** Decoded frames kept. */
  cacheEntries: number;
  /** ffmpeg processes at once, across all requests. */
  concurrency: number;
  /** How long a file that failed as a whole (timeout, not a video) is not retried, unless it changes. */
  failureMemoryMs: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  timeoutMs: 5000,
  maxOutputBytes: 16 * 1024 * 1024,
  cacheEntries: 256,
  concurrency: Math.max(1, Math.min(4, os.availableParallelism())),
  failureMemoryMs: 60_000,
};

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The npm package's binary, when it is installed next to this code (it is not in the VSIX). */
function npmBinary(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  try {
    const pkg = createRequire(__filename).resolve('@ffmpeg-installer/linux-x64/package.json');
    return path.join(path.dirname(pkg), 'ffmpeg');
  } catch {
    return null;
  }
}

export function findDecoder(search: DecoderSearch): DecoderFound {
  let skipped: string | undefined;
  if (search.explicit) {
    if (isExecutableFile(search.explicit)) return { decoder: { file: search.explicit, source: 'rolloutLens.ffmpegPath' } };
    skipped = `rolloutLens.ffmpegPath ${search.explicit} is not an executable file`;
  }
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  // Relative PATH entries ("." and the like) are skipped: a workspace must not supply the binary.
  for (const dir of (search.pathEnv ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return { decoder: { file, source: 'PATH' }, ...(skipped ? { skipped } : {}) };
    }
  }
  const npm = search.npmPackage ? npmBinary() : null;
  if (npm && isExecutableFile(npm))
    return { decoder: { file: npm, source: '@ffmpeg-installer/linux-x64' }, ...(skipped ? { skipped } : {}) };
  return { decoder: null, ...(skipped ? { skipped } : {}) };
}

/** A frame's bytes, or why there are none; `file` is true when the whole file failed (not just this time). */
type Decoded = { ok: true; png: Buffer } | { ok: false; message: string; file: boolean } | { ok: 'none' };

/** The last of the PNG images ffmpeg wrote one after another, or null when there is none whole. */
export function lastPng(out: Buffer): Buffer | null {
  let last: Buffer | null = null;
  let start = 0;
  while (start + 8 <= out.length && out.subarray(start, start + 8).equals(PNG_SIGNATURE)) {
    let at = start + 8;
    let ended = false;
    while (at + 12 <= out.length && !ended) {
      const length = out.readUInt32BE(at);
      ended = out.toString('latin1', at + 4, at + 8) === 'IEND';
      at += 12 + length;
    }
    if (!ended || at > out.length) break;
    last = out.subarray(start, at);
    start = at;
  }
  return last;
}

/** A bounded pool: at most `size` tasks run at once, the rest wait in order. */
class Pool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

const clampTime = (t: number, duration: number | undefined): number =>
  Math.round(Math.min(Math.max(t, 0), duration !== undefined && duration > 0 ? duration : Infinity) * 1000) / 1000;

export class VideoFrames {
  /** (path, mtime, size, second, width) → PNG; a Map keeps insertion order, so the first key is the least recently used. */
  private readonly cache = new Map<string, Buffer>();
  /** (decoder, path, mtime, size) → why the file failed as a whole, until when it is not retried. */
  private readonly failed = new Map<string, { message: string; until: number }>();
  private readonly pool: Pool;
  private readonly limits: FrameLimits;

  constructor(
    private readonly search: () => DecoderSearch,
    limits: Partial<FrameLimits> = {},
  ) {
    this.limits = { ...DEFAULT_FRAME_LIMITS, ...limits };
    this.pool = new Pool(this.limits.concurrency);
  }

  decoder(): DecoderFound {
    return findDecoder(this.search());
  }

  /** One frame: PNG bytes `width` pixels wide, or why not (NO_DECODER_MESSAGE when there is no ffmpeg). */
  async frameAt(
    video: VideoRef,
    seconds: number,
    width: number,
    signal?: AbortSignal,
  ): Promise<{ ok: true; at: number; png: Buffer } | { ok: false; message: string }> {
    const got = await this.frames(video, [seconds], width, signal);
    if (!got.ok) return got;
    const f = got.frames[0]!;
    return 'png' in f ? { ok: true, at: f.at, png: Buffer.from(f.png, 'base64') } : { ok: false, message: f.message };
  }

  /** Frames at these seconds (clamped into [0, duration]), in the order asked. */
  async frames(
    video: VideoRef,
    times: readonly number[],
    width: number,
    signal?: AbortSignal,
  ): Promise<{ ok: true; frames: VideoFrame[] } | { ok: false; message: string }> {
    const { decoder } = this.decoder();
    if (!decoder) return { ok: false, message: NO_DECODER_MESSAGE };
    let stat: fs.Stats;
    try {
      stat = fs.statSync(video.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`;
      return { ok: true, frames: times.map((time) => ({ time, message: `video ${video.path}: ${why}` })) };
    }
    if (!stat.isFile()) return { ok: true, frames: times.map((time) => ({ time, message: `video ${video.path}: not a file` })) };
    const fileKey = JSON.stringify([video.path, stat.mtimeMs, stat.size]);
    const decoded = new Map<number, Promise<Decoded>>();
    const one = (at: number): Promise<Decoded> => {
      let p = decoded.get(at);
      if (!p) {
        p = this.cached(decoder, video.path, fileKey, at, width, signal);
        decoded.set(at, p);
      }
      return p;
    };
    const frames = await Promise.all(
      times.map(async (time): Promise<VideoFrame> => {
        const at = clampTime(time, video.duration);
        const d = await one(at);
        if (d.ok === true) return { time, at, png: d.png.toString('base64') };
        if (d.ok === 'none') return { time, message: `video ${video.path}: no frame at ${at} s` };
        return { time, message: d.message };
      }),
    );
    return { ok: true, frames };
  }

  private async cached(decoder: Decoder, file: string, fileKey: string, at: number, width: number, signal?: AbortSignal): Promise<Decoded> {
    const key = `${fileKey}|${at}|${width}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return { ok: true, png: hit };
    }
    return this.pool.run(async () => {
      // Another request may have decoded it while this one waited.
      const done = this.cache.get(key);
      if (done) return { ok: true, png: done } as const;
      // Checked once a slot is free: a file that just failed (a timeout, not a video) is not tried 64 times over.
      // By decoder too: pointing rolloutLens.ffmpegPath at another ffmpeg tries again at once.
      const failKey = `${decoder.file}|${fileKey}`;
      const bad = this.failed.get(failKey);
      if (bad && bad.until > Date.now()) return { ok: false, message: bad.message, file: true } as const;
      const first = await this.run(decoder, file, at, width, false, signal);
      // Nothing at or past the real end (the logged duration can be off): the video's last frame instead.
      const got = first.ok === 'none' && at > 0 ? await this.run(decoder, file, at, width, true, signal) : first;
      // Noted before the slot is freed, so the next waiter for this file sees it.
      if (got.ok === true) {
        this.cache.set(key, got.png);
        while (this.cache.size > this.limits.cacheEntries) this.cache.delete(this.cache.keys().next().value!);
      } else if (got.ok === false && got.file) {
        if (this.failed.size >= 1000) this.failed.clear();
        this.failed.set(failKey, { message: got.message, until: Date.now() + this.limits.failureMemoryMs });
      }
      return got;
    });
  }

  private run(decoder: Decoder, file: string, at: number, width: number, last: boolean, signal?: AbortSignal): Promise<Decoded> {
    // `file:` keeps a name like "http:…" or "concat:…" a file; the whitelist stops a playlist inside from opening anything else.
    const seek = last ? ['-sseof', '-3'] : ['-ss', at.toFixed(3)];
    const args = [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-protocol_whitelist',
      'file',
      ...seek,
      '-i',
      `file:${file}`,
      ...(last ? [] : ['-frames:v', '1']),
      '-an',
      '-vf',
      `scale=${width}:-2`,
      '-f',
      'image2pipe',
      '-vcodec',
      'png',
      'pipe:1',
    ];
    const { timeoutMs, maxOutputBytes } = this.limits;
    return new Promise((resolve) => {
      execFile(
        decoder.file,
        args,
        {
          encoding: 'buffer',
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: maxOutputBytes,
          windowsHide: true,
          ...(signal ? { signal } : {}),
        },
        (err: ExecFileException | null, stdout: Buffer, stderr: Buffer) => {
          const where = `video ${file}`;
          if (err) {
            if (signal?.aborted) return resolve({ ok: false, message: `${where}: cancelled`, file: false });
            if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
              return resolve({
                ok: false,
                message: `${where}: the decoder wrote over ${maxOutputBytes} bytes for one frame (stopped)`,
                file: true,
              });
            if (err.killed)
              return resolve({
                ok: false,
                message: `${where}: ffmpeg took over ${timeoutMs / 1000} s for one frame (stopped)`,
                file: true,
              });
            const why = stderr.toString('utf8').trim().split('\n').pop()?.slice(0, 300) || `exit code ${String(err.code)}`;
            return resolve({ ok: false, message: `${where}: ffmpeg could not decode it: ${why}`, file: true });
          }
          if (stdout.length === 0) return resolve({ ok: 'none' });
          const png = last ? lastPng(stdout) : stdout.subarray(0, 8).equals(PNG_SIGNATURE) ? stdout : null;
          resolve(png ? { ok: true, png } : { ok: false, message: `${where}: the decoder's output is not a PNG`, file: true });
        },
      );
    });
  }
}
