// Explorer paging and group open on a large database (docs/architecture.md#performance: explorer page ≤ 50 ms at 10k
// steps; group open ≤ 30 ms p50 / 80 ms p95 on ≥ 1M samples for G = 16 × 4k tokens). The database
// is generated once into .bench/ and reused while its size matches.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingestor } from '../src/core/ingest/ingestor';
import { groupTree } from '../src/core/store/groupTrees';
import { getSample, listGroups, listSamples, listSteps } from '../src/core/store/reads';
import { Store } from '../src/core/store/store';
import { prng } from '../test/helpers';

const G = 16;
const BIG_TOKENS = 4096;

interface Plan {
  steps: number;
  groupsPerStep: number;
  bigGroups: number;
}

function plan(quick: boolean): Plan {
  // 10,000 steps × 7 groups × 16 = 1.12M samples, 300 of the groups with 16 × 4k-token responses.
  return quick ? { steps: 1000, groupsPerStep: 6, bigGroups: 60 } : { steps: 10_000, groupsPerStep: 7, bigGroups: 300 };
}

/** Responses that share prefixes and branch, with logged token ids (an exact prefix tree). */
function bigResponse(rand: () => number, trunk: number[]): number[] {
  const ids = trunk.slice(0, 200 + Math.floor(rand() * 1800));
  while (ids.length < BIG_TOKENS) ids.push(Math.floor(rand() * 50_000));
  return ids;
}

function writeData(file: string, p: Plan): number {
  const rand = prng(11);
  const fd = fs.openSync(file, 'w');
  let n = 0;
  let buf: string[] = [];
  const flush = (): void => {
    fs.writeSync(fd, buf.join(''));
    buf = [];
  };
  const bigEvery = Math.max(1, Math.floor(p.steps / p.bigGroups));
  for (let step = 1; step <= p.steps; step++) {
    for (let g = 0; g < p.groupsPerStep; g++) {
      const big = g === 0 && step % bigEvery === 0;
      const trunk = big ? Array.from({ length: 2000 }, () => Math.floor(rand() * 50_000)) : [];
      for (let i = 0; i < G; i++) {
        const reward = rand() < 0.4 ? 1 : 0;
        const row: Record<string, unknown> = {
          step,
          group: `s${step}g${g}`,
          prompt: `Problem ${step}.${g}: compute ${g} + ${step}.`,
          response: big ? `long reasoning ${i} ` + 'word '.repeat(400) : `short answer ${i}: ${reward ? g + step : 0}`,
          reward,
          correct: reward === 1,
          finish_reason: rand() < 0.05 ? 'length' : 'stop',
        };
        if (big) row['response_ids'] = bigResponse(rand, trunk);
        buf.push(JSON.stringify(row) + '\n');
        n++;
      }
      if (buf.length > 4000) flush();
    }
  }
  flush();
  fs.closeSync(fd);
  return n;
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const p = plan(opts.quick);
  const db = path.join(opts.dir, `explorer-${p.steps}.db`);
  const marker = `${db}.ok`;
  if (!fs.existsSync(marker)) {
    for (const s of ['', '-wal', '-shm']) fs.rmSync(db + s, { force: true });
    const data = path.join(opts.dir, `explorer-${p.steps}.jsonl`);
    writeData(data, p);
    const store = Store.open(db);
    await new Ingestor(store, [data], { run: 'big' }).ingestOnce();
    store.close();
    fs.rmSync(data);
    fs.writeFileSync(marker, '');
  }
  const idle = measure(db, p, prng(5));
  // The same reads while another run is being ingested into the same database (WAL: one writer,
  // readers never wait for it).
  const feed = path.join(opts.dir, 'explorer-concurrent.jsonl');
  writeData(feed, { steps: opts.quick ? 1500 : 5000, groupsPerStep: 8, bigGroups: 0 });
  const writer = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'bin', 'rollout-lens.js'), 'ingest', feed, '--db', db, '--run', `concurrent-${Date.now()}`],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((r) => setTimeout(r, 700)); // past the CLI's start-up, into its first batches
  const loaded = measure(db, p, prng(6));
  const writerStillRunning = writer.exitCode === null;
  writer.kill('SIGKILL');
  await new Promise((r) => (writer.exitCode !== null || writer.signalCode !== null ? r(null) : writer.once('exit', r)));
  fs.rmSync(feed, { force: true });
  return {
    explorer_page: {
      db_samples: idle.samples,
      steps: p.steps,
      steps_page_p50_ms: idle.page50,
      steps_page_p95_ms: idle.page95,
      groups_or_samples_page_p50_ms: idle.group50,
      groups_or_samples_page_p95_ms: idle.group95,
      stats_p50_ms: idle.stats50,
      search_p50_ms: idle.search50,
      during_ingest: {
        steps_page_p50_ms: loaded.page50,
        groups_or_samples_page_p95_ms: loaded.group95,
        stats_p50_ms: loaded.stats50,
        search_p50_ms: loaded.search50,
        writer_was_running: writerStillRunning,
      },
      limit_ms: 50,
      ratio_to_limit: +(Math.max(idle.page50, idle.group50, loaded.page50, loaded.group50) / 50).toFixed(3),
    },
    group_open: {
      db_samples: idle.samples,
      group: `G=${G} × ${BIG_TOKENS} tokens (${idle.tokens} tokens)`,
      p50_ms: idle.open50,
      p95_ms: idle.open95,
      during_ingest_p50_ms: loaded.open50,
      during_ingest_p95_ms: loaded.open95,
      limit_p50_ms: 30,
      limit_p95_ms: 80,
      ratio_to_limit: +(Math.max(idle.open50, loaded.open50) / 30).toFixed(3),
    },
  };
}

interface Measured {
  samples: number;
  tokens: number;
  page50: number;
  page95: number;
  group50: number;
  group95: number;
  open50: number;
  open95: number;
  stats50: number;
  search50: number;
}

function measure(db: string, p: Plan, rand: () => number): Measured {
  const store = Store.open(db, { readonly: true });
  const samples = store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get() as number;
  const pageTimes: number[] = [];
  const groupTimes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const offset = Math.floor(rand() * (p.steps - 200));
    pageTimes.push(time(() => listSteps(store, 'big', offset, 200)));
    const step = 1 + Math.floor(rand() * p.steps);
    groupTimes.push(
      time(() => listGroups(store, { run: 'big', split: 'train', step }, { offset: 0, limit: 200, sort: 'reward', descending: true })),
    );
    groupTimes.push(time(() => listSamples(store, { run: 'big', split: 'train', step, group: `s${step}g1` })));
  }
  const bigEvery = Math.max(1, Math.floor(p.steps / p.bigGroups));
  const open: number[] = [];
  let tokens = 0;
  for (let i = 0; i < 40; i++) {
    const step = bigEvery * (1 + Math.floor(rand() * p.bigGroups));
    const ref = { run: 'big', split: 'train' as const, step, group: `s${step}g0` };
    open.push(
      time(() => {
        const tree = groupTree(store, ref);
        tokens = tree.samples.reduce((a, s) => a + s.token_advantages.length, 0);
        getSample(store, { ...ref, index: 0 });
      }),
    );
  }
  const statsTimes: number[] = [];
  const searchTimes: number[] = [];
  const runId = store.requireRun('big').id;
  for (let i = 0; i < 10; i++) {
    statsTimes.push(time(() => store.stepStats(runId, { step: 1 + Math.floor(rand() * p.steps) })));
    searchTimes.push(time(() => store.db.prepare('SELECT rowid FROM samples_fts WHERE samples_fts MATCH ? LIMIT 100').all(`answer ${i}`)));
  }
  store.close();
  const r = (x: number): number => +x.toFixed(2);
  return {
    samples,
    tokens,
    page50: r(percentile(pageTimes, 0.5)),
    page95: r(percentile(pageTimes, 0.95)),
    group50: r(percentile(groupTimes, 0.5)),
    group95: r(percentile(groupTimes, 0.95)),
    open50: r(percentile(open, 0.5)),
    open95: r(percentile(open, 0.95)),
    stats50: r(percentile(statsTimes, 0.5)),
    search50: r(percentile(searchTimes, 0.5)),
  };
}
