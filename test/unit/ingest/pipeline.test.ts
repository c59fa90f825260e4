// Parsing in a worker thread and indexing / counting in the rows' own transaction (parsedBatches.ts,
// inlineEnrich.ts) store exactly what the one-thread path and the catch-up pass store.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { reflectionMatcher } from '../../../src/core/analysis/reflection';
import { Ingestor, type IngestOptions } from '../../../src/core/ingest/ingestor';
import { searchText } from '../../../src/core/store/fts';
import { Store } from '../../../src/core/store/store';
import { digestRun } from '../../dbcheck';
import { tempDir } from '../../helpers';

/**
 * 3 steps × 4 groups × 5 samples; sample i says "wait" i % 3 times and "however" when i % 4 === 0:
 * per group 6 keywords in 4 samples, "wait" in 3.
 */
function rows(step0 = 1): string {
  const out: string[] = [];
  for (let step = step0; step < step0 + 3; step++) {
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < 5; i++) {
        const words = ['Let x be 2.', ...Array.from({ length: i % 3 }, () => 'Wait, check.'), i % 4 === 0 ? 'However it holds.' : ''];
        out.push(JSON.stringify({ step, group: `s${step}g${g}`, prompt: `p${g}`, response: words.join(' '), reward: i / 4 }));
      }
    }
  }
  return out.join('\n') + '\n';
}

interface Enriched {
  fts_rows: number;
  wait_hits: number;
  reflect_sum: number;
  reflect_n: number;
  watermarks: [number, number];
}

function enriched(db: string): Enriched {
  const store = Store.open(db);
  try {
    const one = (sql: string): number => store.db.prepare(sql).pluck().get() as number;
    // FTS5's own check: the index agrees with the external content, each row indexed once.
    store.db.exec("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 1)");
    return {
      fts_rows: one("SELECT count(*) FROM samples_fts WHERE samples_fts MATCH 'let'"),
      wait_hits: searchText(store, 'wait', { limit: 1000 }).hits.length,
      reflect_sum: one('SELECT sum(reflect_sum) FROM groups'),
      reflect_n: one('SELECT sum(reflect_n) FROM groups'),
      watermarks: store.db.prepare('SELECT fts_upto, reflect_upto FROM enrich_state').raw().get() as [number, number],
    };
  } finally {
    store.close();
  }
}

async function ingest(db: string, files: string[], opts: Partial<IngestOptions> = {}): Promise<void> {
  const store = Store.open(db);
  try {
    await new Ingestor(store, files, { run: 'r', ...opts }).ingestOnce();
  } finally {
    store.close();
  }
}

describe('ingest pipeline', () => {
  it('parses in a worker thread to the same rows, errors, index and counts as on one thread', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    const lines = rows().split('\n');
    lines.splice(7, 0, '{"step": 1, "group": "x"');
    fs.writeFileSync(file, lines.join('\n'));
    const reports = [];
    for (const [name, workerMinBytes] of [
      ['worker', 0],
      ['inline', Number.MAX_SAFE_INTEGER],
    ] as const) {
      const store = Store.open(path.join(dir, `${name}.db`));
      try {
        reports.push(await new Ingestor(store, [file], { run: 'r', batchRows: 7, workerMinBytes }).ingestOnce());
      } finally {
        store.close();
      }
    }
    const [w, i] = reports;
    assert.deepEqual([w!.samples_added, w!.errors.map((e) => [e.line, e.message.slice(0, 14)])], [60, [[8, 'malformed JSON']]]);
    assert.deepEqual({ ...w, errors: w!.errors.length }, { ...i, errors: i!.errors.length });
    assert.deepEqual(digestRun(path.join(dir, 'worker.db'), 'r'), digestRun(path.join(dir, 'inline.db'), 'r'));
    const expected: Enriched = { fts_rows: 60, wait_hits: 36, reflect_sum: 72, reflect_n: 48, watermarks: [60, 60] };
    assert.deepEqual(enriched(path.join(dir, 'worker.db')), expected);
    assert.deepEqual(enriched(path.join(dir, 'inline.db')), expected);
  });

  it('reuses one worker for every file of a pass, in order', async () => {
    const dir = tempDir();
    const files = [1, 4, 7].map((step0) => {
      const f = path.join(dir, `from-${step0}.jsonl`);
      fs.writeFileSync(f, rows(step0));
      return f;
    });
    await ingest(path.join(dir, 'w.db'), files, { workerMinBytes: 0, batchRows: 9 });
    await ingest(path.join(dir, 'i.db'), files, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    const w = digestRun(path.join(dir, 'w.db'), 'r');
    assert.deepEqual([w.samples, w.groups, w.steps], [180, 36, 9]);
    assert.deepEqual(w, digestRun(path.join(dir, 'i.db'), 'r'));
    assert.deepEqual(enriched(path.join(dir, 'w.db')), {
      fts_rows: 180,
      wait_hits: 108,
      reflect_sum: 216,
      reflect_n: 144,
      watermarks: [180, 180],
    });
  });

  it('a pass cancelled with the next file queued in the worker leaves nothing half done; the next pass completes it', async () => {
    const dir = tempDir();
    const files = [1, 4, 7].map((step0) => {
      const f = path.join(dir, `from-${step0}.jsonl`);
      fs.writeFileSync(f, rows(step0));
      return f;
    });
    const db = path.join(dir, 'w.db');
    const ac = new AbortController();
    const store = Store.open(db);
    try {
      const r = await new Ingestor(store, files, {
        run: 'r',
        workerMinBytes: 0,
        batchRows: 9,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      }).ingestOnce();
      assert.deepEqual([r.cancelled, r.samples_added], [true, 9]);
    } finally {
      store.close();
    }
    await ingest(db, files, { workerMinBytes: 0, batchRows: 9 });
    const d = digestRun(db, 'r');
    assert.deepEqual([d.samples, d.groups, d.steps], [180, 36, 9]);
    assert.deepEqual(enriched(db), { fts_rows: 180, wait_hits: 108, reflect_sum: 216, reflect_n: 144, watermarks: [180, 180] });
  });

  it('catches up a backlog left without enrichment before indexing new rows inline', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    fs.writeFileSync(path.join(dir, 'a.jsonl'), rows(1));
    fs.writeFileSync(path.join(dir, 'b.jsonl'), rows(4));
    await ingest(db, [path.join(dir, 'a.jsonl')], { enrich: false });
    const store = Store.open(db);
    const before = store.db.prepare('SELECT fts_upto, reflect_upto FROM enrich_state').raw().get();
    store.close();
    assert.deepEqual(before, [0, 0]);
    await ingest(db, [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')], { workerMinBytes: 0 });
    assert.deepEqual(enriched(db), { fts_rows: 120, wait_hits: 72, reflect_sum: 144, reflect_n: 96, watermarks: [120, 120] });
  });

  it('recounts from zero when the keyword configuration changes, never mixing two', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    fs.writeFileSync(path.join(dir, 'a.jsonl'), rows(1));
    fs.writeFileSync(path.join(dir, 'b.jsonl'), rows(4));
    await ingest(db, [path.join(dir, 'a.jsonl')]);
    // Only "however": one per sample with i % 4 === 0, i.e. 2 of every 5.
    const however = reflectionMatcher({ keywords: ['however'] });
    await ingest(db, [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')], { reflection: however });
    const e = enriched(db);
    assert.deepEqual([e.reflect_sum, e.reflect_n, e.fts_rows], [48, 48, 120]);
  });
});
