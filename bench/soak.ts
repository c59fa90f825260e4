// `npm run soak [-- --minutes=30]`: the engine follows a folder a trainer keeps writing for a long
// time; its RSS is sampled every 30 s. Memory must stay flat (issue 9.5). Prints a table and a
// closing JSON line with the figures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../src/extension/engineClient';
import { EngineMethods } from '../src/shared/protocol/engine';
import { nativeRows } from '../test/helpers';

const minutes = Number(process.argv.find((a) => a.startsWith('--minutes='))?.slice(10) ?? '30');
const ROWS_PER_SECOND = 200;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-soak-'));
  const src = path.join(dir, 'out');
  fs.mkdirSync(src);
  const engine = new EngineClient({
    enginePath: path.join(__dirname, '..', 'dist', 'engine.js'),
    dbPath: path.join(dir, 'soak.db'),
    log: { info: () => {}, warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`), trace: () => {} },
    nodePath: process.execPath,
  });
  await engine.ensureStarted();
  const controller = new AbortController();
  const following = engine.request(
    EngineMethods.ingest,
    { paths: [src], run: 'soak', follow: true, pollMs: 500 },
    { signal: controller.signal },
  );
  // The trainer: 200 rows a second, a new rank file every 5 minutes (like per-rank loggers rotating).
  let written = 0;
  let step = 0;
  const pool = nativeRows({ steps: 1, prompts: 50, g: 4, withIds: true });
  const writer = setInterval(() => {
    step++;
    const file = path.join(src, `rollouts-${Math.floor(written / (ROWS_PER_SECOND * 300))}.jsonl`);
    const lines = pool.map((r) => JSON.stringify({ ...r, step })).join('\n') + '\n';
    fs.appendFileSync(file, lines);
    written += pool.length;
  }, 1000);
  const t0 = Date.now();
  const rows: Array<{ minute: number; rssMiB: number; written: number; stored: number }> = [];
  const sample = async (): Promise<void> => {
    const runs = await engine.request(EngineMethods.listRuns, {});
    const stored = runs.find((r) => r.run === 'soak')?.samples ?? 0;
    const row = { minute: +((Date.now() - t0) / 60000).toFixed(1), rssMiB: +rssMiB(engine.pid!).toFixed(1), written, stored };
    rows.push(row);
    process.stdout.write(
      `${String(row.minute).padStart(6)}  ${String(row.rssMiB).padStart(8)}  ${String(row.written).padStart(9)}  ${String(row.stored).padStart(9)}\n`,
    );
  };
  process.stdout.write(
    `soak: ${minutes} min, ${ROWS_PER_SECOND} rows/s appended, engine pid ${engine.pid}\n minute  rss MiB    written     stored\n`,
  );
  await sample();
  while (Date.now() - t0 < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, minutes * 60_000 - (Date.now() - t0) + 10)));
    await sample();
  }
  clearInterval(writer);
  await new Promise((r) => setTimeout(r, 1500));
  controller.abort();
  const report = await following;
  // SQLite's page cache (64 MiB cap) fills while the database grows, so RSS rises at first; flat
  // memory means no growth once it is full: compare the last third of the soak.
  const warm = rows.find((r) => r.minute >= (minutes * 2) / 3) ?? rows[0]!;
  const end = rows[rows.length - 1]!;
  const figures = {
    soak: {
      minutes,
      rows_written: written,
      rows_stored: report.samples_added,
      rss_start_mib: rows[0]!.rssMiB,
      rss_at_two_thirds_mib: warm.rssMiB,
      rss_end_mib: end.rssMiB,
      rss_max_mib: Math.max(...rows.map((r) => r.rssMiB)),
      growth_last_third_pct: +(((end.rssMiB - warm.rssMiB) / warm.rssMiB) * 100).toFixed(1),
    },
  };
  engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\n${JSON.stringify(figures)}\n`);
  process.exitCode = report.samples_added === written ? 0 : 1;
}

void main();
