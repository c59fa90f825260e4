// Ingest throughput against the bare SQLite insert loop, measured in the same run (docs/architecture.md#performance: ≥ 0.6× the
// limit, ≥ 80 MB/s, peak RSS < 300 MB), and the whole job a user waits for (end to end: searchable,
// reflection counts and step aggregates current). The full run uses a 2.1 GB file for the RSS budget.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { prng } from '../test/helpers';

const WORDS = (
  'the of and to a in is that for it as with was on be by this are or at from which we then let ' +
  'so answer solve equation value number wait check again therefore thus since because given find ' +
  'compute sum product square root fraction \\frac{1}{2} x^2 + y = 3 \\boxed{42} step first second'
).split(' ');

/** Native JSONL with realistic rows: G = 8, responses 500–4000 characters, 5 reward components. */
export function generate(file: string, targetBytes: number): { rows: number; bytes: number } {
  const rand = prng(7);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let rows = 0;
  let step = 0;
  const parts: string[] = [];
  while (bytes < targetBytes) {
    step++;
    for (let p = 0; p < 64 && bytes < targetBytes; p++) {
      const prompt = `<|im_start|>user\nProblem ${step}.${p}: ${Array.from({ length: 30 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ')}<|im_end|>\n<|im_start|>assistant\n`;
      for (let i = 0; i < 8; i++) {
        const target = 500 + Math.floor(rand() * 3500);
        let response = '';
        while (response.length < target) response += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
        const correct = rand() < 0.4;
        const line =
          JSON.stringify({
            step,
            group: `${step}-${p}`,
            prompt,
            response,
            reward: correct ? 1 : 0,
            components: { correctness: correct ? 1 : 0, format: rand() < 0.9 ? 1 : 0, length: -rand() / 10, kl: rand() / 100, overlong: 0 },
            correct,
            finish_reason: rand() < 0.05 ? 'length' : 'stop',
          }) + '\n';
        parts.push(line);
        bytes += Buffer.byteLength(line);
        rows++;
      }
      if (parts.length >= 2000) fs.writeSync(fd, parts.splice(0).join(''));
    }
  }
  fs.writeSync(fd, parts.join(''));
  fs.closeSync(fd);
  return { rows, bytes };
}

interface ChildResult {
  rows: number;
  seconds: number;
  peak_rss_mb: number;
}

/** The child is bundled like the product (no TypeScript loader in the measured process), its parsing worker beside it. */
export function bundleChild(dir: string): string {
  const out = path.join(dir, 'ingestChild.js');
  for (const [entry, outfile] of [
    [path.join(__dirname, 'ingestChild.ts'), out],
    [path.join(__dirname, '..', 'src', 'core', 'ingest', 'ingestWorker.ts'), path.join(dir, 'ingestWorker.js')],
  ] as const) {
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      external: ['better-sqlite3', 'onnxruntime-node'],
      logLevel: 'warning',
    });
  }
  return out;
}

function child(script: string, mode: string, file: string, db: string): ChildResult {
  const r = spawnSync(process.execPath, [script, mode, file, db], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const file = path.join(opts.dir, 'ingest-bench.jsonl');
  const target = opts.quick ? 100e6 : 2.1e9;
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (size < target || size > target * 1.1) size = generate(file, target).bytes;
  const mb = size / 1e6;
  const rm = (db: string): void => ['', '-wal', '-shm'].forEach((s) => fs.rmSync(db + s, { force: true }));
  const limitDb = path.join(opts.dir, 'limit.db');
  const ingestDb = path.join(opts.dir, 'ingest.db');
  rm(limitDb);
  rm(ingestDb);
  const script = bundleChild(opts.dir);
  const limit = child(script, 'limit', file, limitDb);
  const ours = child(script, 'ingest', file, ingestDb);
  rm(ingestDb);
  const e2e = child(script, 'e2e', file, ingestDb);
  rm(limitDb);
  rm(ingestDb);
  const limitMbps = mb / limit.seconds;
  const mbps = mb / ours.seconds;
  return {
    ingest: {
      file_mb: Math.round(mb),
      rows: ours.rows,
      mb_per_s: +mbps.toFixed(1),
      rows_per_s: Math.round(ours.rows / ours.seconds),
      peak_rss_mb: +ours.peak_rss_mb.toFixed(0),
      limit_mb_per_s: +limitMbps.toFixed(1),
      ratio_to_limit: +(mbps / limitMbps).toFixed(2),
      target_ratio: 0.6,
      target_mb_per_s: 80,
      target_peak_rss_mb: 300,
      // The whole job from an empty store: rows, FTS5 index, reflection counts and step statistics,
      // parsed in a worker thread while this one writes (src/core/ingest/parsedBatches.ts).
      end_to_end_mb_per_s: +(mb / e2e.seconds).toFixed(1),
      end_to_end_peak_rss_mb: +e2e.peak_rss_mb.toFixed(0),
    },
  };
}
