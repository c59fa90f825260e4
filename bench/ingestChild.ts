// One measured ingest in its own process, so peak RSS is this work's alone.
// usage: node ingestChild.js <limit|floor|ingest|e2e|enrich> <file> <db> (the bundle; ingestWorker.js beside it)
// ingest: rows only (enrich off); e2e: what a user waits for, until the run is searchable with its
// reflection counts and step aggregates current; enrich: the catch-up pass over what `ingest` left;
// floor: the least a single SQLite writer must do for a searchable run (writerFloor below).
import * as fs from 'node:fs';
import { Ingestor } from '../src/core/ingest/ingestor';
import { loadSqliteDriver } from '../src/core/store/nativeLoader';
import { enrichPending } from '../src/core/store/enrich';
import { updateAlerts } from '../src/core/alerts/update';
import { reflectionMatcher } from '../src/core/analysis/reflection';
import { Store } from '../src/core/store/store';

const [mode, file, db] = process.argv.slice(2) as [string, string, string];

/** The bare limit: JSON.parse + one prepared INSERT per row into a plain table, WAL, 4000-row transactions. */
function limitLoop(): number {
  const conn = loadSqliteDriver().driver.open(db, { readonly: false, busyTimeoutMs: 5000 });
  conn.pragma('page_size = 16384');
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.exec('CREATE TABLE t (step INTEGER, grp TEXT, prompt TEXT, response TEXT, reward REAL, components TEXT)');
  const ins = conn.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)');
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 22);
  let carry = Buffer.alloc(0);
  let pos = 0;
  let rows = 0;
  let batch: Array<Record<string, unknown>> = [];
  const flush = conn.transaction((b: Array<Record<string, unknown>>) => {
    for (const o of b) ins.run(o['step'], o['group'], o['prompt'], o['response'], o['reward'], JSON.stringify(o['components']));
  });
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) break;
    pos += n;
    const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      batch.push(JSON.parse(buf.toString('utf8', start, nl)) as Record<string, unknown>);
      start = nl + 1;
      if (batch.length === 4000) {
        flush(batch);
        rows += batch.length;
        batch = [];
      }
    }
    carry = Buffer.from(buf.subarray(start));
  }
  flush(batch);
  rows += batch.length;
  conn.close();
  return rows;
}

/**
 * One SQLite writer's share alone, timed after every line is parsed: each response into a
 * two-column table and its FTS5 external-content index, in the ingest's 500-row transactions,
 * with its pragmas and `automerge 16`. An ingest that leaves the run searchable in one database
 * file must do at least this on one thread, however the rest of its work is spread over cores, so
 * the peer's time over this one bounds the ratio any such design can reach.
 */
function writerFloor(): { rows: number; seconds: number } {
  const responses = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { response: string }).response);
  const t0 = performance.now();
  const conn = loadSqliteDriver().driver.open(db, { readonly: false, busyTimeoutMs: 5000 });
  conn.pragma('page_size = 16384');
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.exec(`CREATE TABLE samples (id INTEGER PRIMARY KEY, response TEXT NOT NULL);
    CREATE VIRTUAL TABLE samples_fts USING fts5(response, content='samples', content_rowid='id');
    INSERT INTO samples_fts (samples_fts, rank) VALUES ('automerge', 16);`);
  const ins = conn.prepare('INSERT INTO samples (id, response) VALUES (?, ?)');
  const index = conn.prepare('INSERT INTO samples_fts (rowid, response) SELECT id, response FROM samples WHERE id >= ?');
  const batch = conn.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) ins.run(i + 1, responses[i]!);
    index.run(from + 1);
  });
  for (let i = 0; i < responses.length; i += 500) batch(i, Math.min(i + 500, responses.length));
  conn.close();
  return { rows: responses.length, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  if (mode === 'floor') {
    const r = writerFloor();
    process.stdout.write(JSON.stringify({ ...r, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }) + '\n');
    return;
  }
  const t0 = performance.now();
  let rows = 0;
  let alertFold: string | undefined;
  if (mode === 'limit') rows = limitLoop();
  else if (mode === 'ingest') {
    const store = Store.open(db);
    // Ingest alone: the work behind it (FTS, reflection counts, alerts) is measured by 'enrich'.
    const r = await new Ingestor(store, [file], { run: 'bench', enrich: false, alerts: false }).ingestOnce();
    rows = r.samples_added;
    store.close();
  } else if (mode === 'e2e') {
    const store = Store.open(db);
    const ing = new Ingestor(store, [file], { run: 'bench' });
    const r = await ing.ingestOnce();
    rows = r.samples_added;
    // Where the alert fold ran: 'absorbed' when the parsing worker folded beside the ingest.
    alertFold = ing.alertWorker ?? 'after the ingest, on the writing thread';
    store.close();
  } else if (mode === 'enrich') {
    const store = Store.open(db);
    rows = (await enrichPending(store, reflectionMatcher())).indexed;
    updateAlerts(store, store.requireRun('bench').id);
    store.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    JSON.stringify({ rows, seconds, peak_rss_mb: process.resourceUsage().maxRSS / 1024, ...(alertFold ? { alert_fold: alertFold } : {}) }) +
      '\n',
  );
}

void main();
