// One driver's measurement in its own process (the driver is chosen once per process):
//   node --import tsx bench/driverChild.ts <rollouts.jsonl> <db>   with ROLLOUT_LENS_SQLITE_DRIVER set
// Prints {"driver", "ingest_s", "open_p50_ms", "open_p95_ms", "samples"} as JSON.
import * as fs from 'node:fs';
import { Ingestor } from '../src/core/ingest/ingestor';
import { getSample } from '../src/core/store/reads';
import { groupTree } from '../src/core/store/groupTrees';
import { loadSqliteDriver } from '../src/core/store/nativeLoader';
import { Store } from '../src/core/store/store';

async function main(): Promise<void> {
  const [file, db] = process.argv.slice(2) as [string, string];
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
  const t0 = performance.now();
  const store = Store.open(db);
  await new Ingestor(store, [file], { run: 'bench' }).ingestOnce();
  const ingestS = (performance.now() - t0) / 1000;
  const steps = store.db
    .prepare('SELECT step, (SELECT uid FROM groups g WHERE g.step_id = s.id ORDER BY uid LIMIT 1) AS uid FROM steps s')
    .all() as Array<{ step: number; uid: string }>;
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const { step, uid } = steps[i % steps.length]!;
    const ref = { run: 'bench', split: 'train' as const, step, group: uid };
    const t = performance.now();
    groupTree(store, ref);
    getSample(store, { ...ref, index: 0 });
    times.push(performance.now() - t);
  }
  const samples = store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get() as number;
  store.close();
  times.sort((a, b) => a - b);
  const q = (p: number): number => +times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  process.stdout.write(
    JSON.stringify({
      driver: loadSqliteDriver().driver.name,
      ingest_s: +ingestS.toFixed(3),
      open_p50_ms: q(0.5),
      open_p95_ms: q(0.95),
      samples,
    }) + '\n',
  );
}

void main();
