// better-sqlite3 against node:sqlite on the same Node (22, the current VS Code server's): ingest of
// one native JSONL file and group open (prefix tree + first sample), each driver in its own process,
// alternating, median of the runs. Reported as the ratio node:sqlite / better-sqlite3 (docs/packaging.md#runtimes).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Node 22 as scripts/bench.mjs ensured it (scripts/runtimes.mjs), with its better-sqlite3 prebuild. */
const NODE22 = process.env['ROLLOUT_LENS_BENCH_NODE22'];
const G = 8;

/** Deterministic rows: long-ish responses with token ids, so group open builds a real tree. */
function writeData(file: string, steps: number, prompts: number): number {
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const fd = fs.openSync(file, 'w');
  for (let step = 1; step <= steps; step++) {
    const lines: string[] = [];
    for (let p = 0; p < prompts; p++) {
      const trunk = Array.from({ length: 200 }, () => Math.floor(rand() * 30_000));
      for (let i = 0; i < G; i++) {
        const ids = [...trunk.slice(0, 50 + Math.floor(rand() * 150)), ...Array.from({ length: 300 }, () => Math.floor(rand() * 30_000))];
        const reward = rand() < 0.5 ? 1 : 0;
        lines.push(
          JSON.stringify({
            step,
            group: `s${step}p${p}`,
            prompt: `Problem ${p}: what is ${p} + ${step}?`,
            response: `reasoning ${i} `.repeat(120) + `answer ${reward}`,
            reward,
            response_ids: ids,
          }),
        );
      }
    }
    fs.writeSync(fd, lines.join('\n') + '\n');
  }
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

interface ChildResult {
  driver: string;
  ingest_s: number;
  open_p50_ms: number;
  open_p95_ms: number;
  samples: number;
}

function measure(node22: string, driver: string, file: string, db: string): ChildResult {
  const r = spawnSync(node22, ['--import', 'tsx', path.join(__dirname, 'driverChild.ts'), file, db], {
    encoding: 'utf8',
    env: { ...process.env, ROLLOUT_LENS_SQLITE_DRIVER: driver },
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`driver bench (${driver}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const why = process.env['ROLLOUT_LENS_BENCH_NO_RUNTIMES'];
  if (why) return { drivers: { skipped: `the runtimes could not be made: ${why}` } };
  if (!NODE22 || !fs.existsSync(NODE22))
    return { drivers: { skipped: 'no Node 22: run it through npm run bench, which makes the runtimes' } };
  const file = path.join(opts.dir, 'drivers.jsonl');
  const bytes = writeData(file, opts.quick ? 20 : 80, 16);
  const runs: Record<string, ChildResult[]> = { 'better-sqlite3': [], 'node:sqlite': [] };
  try {
    for (let i = 0; i < 3; i++) {
      for (const d of Object.keys(runs)) runs[d]!.push(measure(NODE22, d, file, path.join(opts.dir, 'drivers.db')));
    }
  } catch (e) {
    // One benchmark that cannot run must not take the others' figures with it.
    return { drivers: { skipped: e instanceof Error ? e.message.split('\n')[0]! : String(e) } };
  }
  const mbps = (d: string): number => +(bytes / 1e6 / median(runs[d]!.map((r) => r.ingest_s))).toFixed(1);
  const open = (d: string): number => median(runs[d]!.map((r) => r.open_p50_ms));
  return {
    drivers: {
      node: spawnSync(NODE22, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, ''),
      file_mb: +(bytes / 1e6).toFixed(1),
      samples: runs['node:sqlite']![0]!.samples,
      ingest_mb_per_s_better_sqlite3: mbps('better-sqlite3'),
      ingest_mb_per_s_node_sqlite: mbps('node:sqlite'),
      ingest_ratio_node_sqlite_to_better_sqlite3: +(mbps('node:sqlite') / mbps('better-sqlite3')).toFixed(3),
      group_open_p50_ms_better_sqlite3: open('better-sqlite3'),
      group_open_p50_ms_node_sqlite: open('node:sqlite'),
      group_open_ratio_node_sqlite_to_better_sqlite3: +(open('node:sqlite') / open('better-sqlite3')).toFixed(3),
    },
  };
}
