// Ingest of a GUI-G1 reward debug log (10k completions: iou, box and hit files) joined to its dataset
// JSON, against the same 10k samples as native JSONL with images and boxes, in the same run. Both
// go through the same Ingestor into a fresh SQLite file; MB/s counts the input files' bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingestor } from '../src/core/ingest/ingestor';
import { Store } from '../src/core/store/store';
import { solidPng } from '../test/imageFixtures';
import { prng } from '../test/helpers';

const G = 8;
const ROWS = 200;

type Box = [number, number, number, number];

function stamp(call: number, k: number): string {
  // DD-HH-MM-SS-ffffff, one per reward function call, increasing.
  const us = call * 3 + k;
  const s = Math.floor(us / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `06-${pad(10 + Math.floor(s / 3600))}-${pad(Math.floor(s / 60) % 60)}-${pad(s % 60)}-${pad((us % 1000) * 1000, 6)}`;
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = w > 0 && h > 0 ? w * h : 0;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Writes the debug log, its dataset and images, and the same samples as native JSONL; returns the byte counts. */
function generate(
  dir: string,
  calls: number,
): { logBytes: number; nativeBytes: number; logFiles: string[]; native: string; dataset: string } {
  const rand = prng(11);
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const x = 40 + ((i * 37) % 1700);
    const y = 30 + ((i * 53) % 1000);
    fs.writeFileSync(path.join(dir, 'images', `${i}.png`), solidPng(64, 36));
    return { image: `images/${i}.png`, problem: `click the button number ${i}`, solution: [x, y, x + 80, y + 30] as Box, rate: 1 };
  });
  const dataset = path.join(dir, 'GUI-R1-bench.json');
  fs.writeFileSync(dataset, JSON.stringify(rows));
  const iouLines: string[] = [];
  const hitLines: string[] = [];
  const native: string[] = [];
  for (let c = 0; c < calls; c++) {
    const row = rows[c % ROWS]!;
    const gt = row.solution;
    const preds: Box[] = Array.from({ length: G }, () => {
      const dx = Math.round((rand() - 0.5) * 60);
      const dy = Math.round((rand() - 0.5) * 30);
      const grow = Math.round(rand() * 40);
      return [gt[0] + dx, gt[1] + dy, gt[2] + dx + grow, gt[3] + dy + grow];
    });
    const block = (kind: string, k: number, r: number, p: Box): string =>
      `------------- ${stamp(c, k)} ${kind} reward: ${r} -------------\nContent: [{"bbox_2d": [${p.join(', ')}]}]\nSolution: [${gt.join(', ')}]\n`;
    for (const p of preds) iouLines.push(block('iou', 0, 0.25 * iou(p, gt), p));
    for (const p of preds) iouLines.push(block('iou', 1, 0.1, p));
    preds.forEach((p, i) => {
      const cx = (p[0] + p[2]) / 2;
      const cy = (p[1] + p[3]) / 2;
      const hit = cx >= gt[0] && cx <= gt[2] && cy >= gt[1] && cy <= gt[3] ? 1 : 0;
      hitLines.push(block('hit', 2, hit, p));
      native.push(
        JSON.stringify({
          step: c + 1,
          group: `call-${c}`,
          index: i,
          prompt: row.problem,
          response: `[{"bbox_2d": [${p.join(', ')}]}]`,
          reward: 0.25 * iou(p, gt) + 0.1 + hit,
          components: { iou: 0.25 * iou(p, gt), box: 0.1, hit },
          images: [{ path: row.image }],
          boxes: { pred: [p], gt: [gt] },
        }),
      );
    });
  }
  const logFiles = [path.join(dir, 'log', 'debug_log_bench_iou.txt'), path.join(dir, 'log', 'debug_log_bench_hit.txt')];
  fs.mkdirSync(path.join(dir, 'log'));
  fs.writeFileSync(logFiles[0]!, iouLines.join(''));
  fs.writeFileSync(logFiles[1]!, hitLines.join(''));
  const nativeFile = path.join(dir, 'native.jsonl');
  fs.writeFileSync(nativeFile, native.join('\n') + '\n');
  const logBytes = logFiles.reduce((s, f) => s + fs.statSync(f).size, 0) + fs.statSync(dataset).size;
  return { logBytes, nativeBytes: fs.statSync(nativeFile).size, logFiles, native: nativeFile, dataset };
}

async function timeIngest(
  dir: string,
  name: string,
  paths: string[],
  extra: { datasets?: string[] },
): Promise<{ s: number; samples: number }> {
  const store = Store.open(path.join(dir, `${name}.db`));
  try {
    const t0 = performance.now();
    const r = await new Ingestor(store, paths, { run: name, ...extra }).ingestOnce();
    return { s: (performance.now() - t0) / 1000, samples: r.samples_added };
  } finally {
    store.close();
  }
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const dir = fs.mkdtempSync(path.join(opts.dir, 'grounding-'));
  const calls = opts.quick ? 250 : 1250;
  const g = generate(dir, calls);
  const mbps: { log: number[]; native: number[] } = { log: [], native: [] };
  let samples = { log: 0, native: 0 };
  // Alternating, medians of 3: both see the same machine load.
  for (let i = 0; i < 3; i++) {
    const log = await timeIngest(dir, `log${i}`, [path.dirname(g.logFiles[0]!)], { datasets: [g.dataset] });
    const native = await timeIngest(dir, `native${i}`, [g.native], {});
    mbps.log.push(g.logBytes / 1e6 / log.s);
    mbps.native.push(g.nativeBytes / 1e6 / native.s);
    samples = { log: log.samples, native: native.samples };
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
  const round = (x: number): number => Math.round(x * 100) / 100;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    ingest_grounding_debug_log: {
      samples: samples.log,
      native_samples: samples.native,
      log_mb: round(g.logBytes / 1e6),
      native_mb: round(g.nativeBytes / 1e6),
      debug_log_mb_per_s: round(median(mbps.log)),
      native_mb_per_s: round(median(mbps.native)),
      ratio_to_native: round(median(mbps.log) / median(mbps.native)),
      debug_log_samples_per_s: Math.round((median(mbps.log) * 1e6 * samples.log) / g.logBytes),
      native_samples_per_s: Math.round((median(mbps.native) * 1e6 * samples.native) / g.nativeBytes),
    },
  };
}
