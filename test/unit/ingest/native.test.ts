import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import type { IngestReport } from '../../../src/shared/rollout';
import { digestRun } from '../../dbcheck';
import { nativeRows, tempDir, writeJsonl } from '../../helpers';

async function ingest(
  db: string,
  paths: string[],
  run = 'r',
  extra: Partial<ConstructorParameters<typeof Ingestor>[2]> = {},
): Promise<IngestReport> {
  const store = Store.open(db);
  try {
    return await new Ingestor(store, paths, { run, ...extra }).ingestOnce();
  } finally {
    store.close();
  }
}

describe('native JSONL ingest', () => {
  it('stores every sample of a clean file once, with groups and steps', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rollouts.jsonl');
    writeJsonl(file, nativeRows({ steps: 3, prompts: 4, g: 8 }));
    const r = await ingest(path.join(dir, 'a.db'), [file]);
    assert.deepEqual(
      { added: r.samples_added, dup: r.samples_duplicate, steps: r.steps, files: r.files, format: r.format, errors: r.errors },
      { added: 96, dup: 0, steps: 3, files: 1, format: 'native', errors: [] },
    );
    const d = digestRun(path.join(dir, 'a.db'), 'r');
    assert.deepEqual([d.samples, d.groups, d.steps], [96, 12, 3]);
  });

  it('stores each repeated prompt text once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, nativeRows({ steps: 5, prompts: 3, g: 4 }));
    await ingest(path.join(dir, 'a.db'), [file]);
    const store = Store.open(path.join(dir, 'a.db'));
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM prompts').pluck().get(), 3);
    store.close();
  });

  it('never duplicates on re-ingest, and counts a copy under another name as duplicates', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, nativeRows({ steps: 2, prompts: 2, g: 4 }));
    const db = path.join(dir, 'a.db');
    await ingest(db, [file]);
    const again = await ingest(db, [file]);
    assert.equal(again.samples_added, 0);
    fs.copyFileSync(file, path.join(dir, 'copy.jsonl'));
    const copy = await ingest(db, [path.join(dir, 'copy.jsonl')]);
    assert.deepEqual([copy.samples_added, copy.samples_duplicate], [0, 16]);
    assert.equal(digestRun(db, 'r').samples, 16);
  });

  it('reports each bad line with its line number and keeps the good ones', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.jsonl');
    const ok = (i: number): string => JSON.stringify({ step: 1, group: 'g', prompt: 'p', response: `r${i}`, reward: i });
    fs.writeFileSync(
      file,
      [
        ok(0),
        '{"step": 1, "group": "g", "prompt": "p", "response": "x", "reward": "1"}',
        'this is not json',
        '{"step": 1, "group": "g", "prompt": "p", "response": "x", "reward": NaN}',
        '{"step": 1, "group": "g", "prompt": "p", "reward": 1}',
        '{"step": -1, "group": "g", "prompt": "p", "response": "x", "reward": 1}',
        '{"step": 1, "group": 7, "prompt": "p", "response": "x", "reward": 1}',
        '[1, 2, 3]',
        '{"step": 1, "group": "g", "prompt": "p", "response": "x", "reward": 1, "response_ids": [1, 2], "logprobs": [0.1]}',
        '',
        ok(1),
      ].join('\n') + '\n',
    );
    const r = await ingest(path.join(dir, 'a.db'), [file]);
    assert.equal(r.samples_added, 2);
    assert.deepEqual(
      r.errors.map((e) => [path.basename(e.file), e.line, e.message]),
      [
        ['bad.jsonl', 2, '"reward" must be a number, got a string ("1")'],
        ['bad.jsonl', 3, `malformed JSON: Unexpected token 'h', "this is not json" is not valid JSON`],
        ['bad.jsonl', 4, 'malformed JSON: contains a bare NaN or Infinity (Python json.dumps with allow_nan); such values are not allowed'],
        ['bad.jsonl', 5, '"response" must be a string, got nothing (the key is missing)'],
        ['bad.jsonl', 6, '"step" must be an integer ≥ 0, got the number -1'],
        ['bad.jsonl', 7, '"group" (the GRPO uid) must be a non-empty string, got the number 7'],
        ['bad.jsonl', 8, 'expected a JSON object, got an array'],
        ['bad.jsonl', 9, '"logprobs" has 1 entries but the response has 2 tokens'],
      ],
    );
  });

  it('keeps unknown keys in meta and round-trips through export unchanged', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    const rows = nativeRows({ steps: 2, prompts: 2, g: 3, withIds: true }).map((r, i) => ({
      ...r,
      rationale: i % 2 ? { judge: 'looks right' } : 'plain rationale',
      custom_field: { nested: [i] },
    }));
    writeJsonl(file, rows);
    const db = path.join(dir, 'a.db');
    await ingest(db, [file]);
    const store = Store.open(db);
    const exported = [...exportRun(store, store.requireRun('r').id)];
    store.close();
    assert.equal(exported.length, 12);
    assert.deepEqual(exported[1]!.meta, { custom_field: { nested: [1] } });
    assert.deepEqual(exported[1]!.rationale, { judge: 'looks right' });
    const out = path.join(dir, 'exported.jsonl');
    writeJsonl(out, exported);
    const db2 = path.join(dir, 'b.db');
    await ingest(db2, [out]);
    assert.deepEqual(digestRun(db2, 'r'), digestRun(db, 'r'));
    const store2 = Store.open(db2);
    assert.deepEqual([...exportRun(store2, store2.requireRun('r').id)], exported);
    store2.close();
  });

  it('refuses a single file that is not JSON lines at all, naming it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.bin.jsonl');
    fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    await assert.rejects(ingest(path.join(dir, 'a.db'), [file]), (e: unknown) => {
      assert.ok(e instanceof LensError);
      assert.equal(e.code, ErrorCode.UnknownFormat);
      assert.match(e.message, /model\.bin\.jsonl: unknown format: binary data, not JSON lines/);
      return true;
    });
  });

  it('reports an empty file as having no records yet', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
    const r = await ingest(path.join(dir, 'a.db'), [path.join(dir, 'empty.jsonl')]);
    assert.deepEqual(
      r.errors.map((e) => [path.basename(e.file), e.message]),
      [['empty.jsonl', 'empty file: no records yet']],
    );
    assert.equal(r.samples_added, 0);
  });

  it('refuses a folder whose rollout files mix formats, and stores nothing from it', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'mixed');
    fs.mkdirSync(src);
    writeJsonl(path.join(src, 'native.jsonl'), nativeRows({ steps: 1, prompts: 1, g: 2 }));
    writeJsonl(path.join(src, '1.jsonl'), [{ input: 'p', output: 'o', score: 1, step: 1 }]);
    const db = path.join(dir, 'a.db');
    await assert.rejects(
      ingest(db, [src]),
      /mixed: rollout files of different formats: verl \(.*1\.jsonl\), native \(.*native\.jsonl\); ingest them as separate runs or pass --format/,
    );
    const store = Store.open(db);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 0);
    store.close();
  });

  it('reads the complete lines of a file being written and the rest once it is complete', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'live.jsonl');
    const rows = nativeRows({ steps: 1, prompts: 1, g: 4 }).map((r) => JSON.stringify(r));
    fs.writeFileSync(file, rows[0] + '\n' + rows[1]!.slice(0, 25));
    const db = path.join(dir, 'a.db');
    const first = await ingest(db, [file]);
    assert.equal(first.samples_added, 1);
    fs.appendFileSync(file, rows[1]!.slice(25) + '\n' + rows[2] + '\n' + rows[3]);
    const second = await ingest(db, [file]);
    assert.deepEqual([second.samples_added, second.errors.length], [3, 0]);
    assert.equal(digestRun(db, 'r').samples, 4);
  });

  it('re-reads a truncated and rewritten file under the same identities', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    const rows = nativeRows({ steps: 2, prompts: 2, g: 4 });
    writeJsonl(file, rows);
    const db = path.join(dir, 'a.db');
    await ingest(db, [file]);
    const before = digestRun(db, 'r');
    writeJsonl(file, rows.slice(0, 5)); // truncated: shorter than the cursor
    const r1 = await ingest(db, [file]);
    assert.deepEqual([r1.samples_added, r1.samples_duplicate], [0, 5]);
    writeJsonl(file, rows); // rewritten in full
    const r2 = await ingest(db, [file]);
    assert.deepEqual([r2.samples_added, r2.samples_duplicate], [0, 11]);
    assert.deepEqual(digestRun(db, 'r'), before);
  });

  it('follows a renamed file from where it was', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'logs');
    fs.mkdirSync(src);
    const rows = nativeRows({ steps: 2, prompts: 2, g: 2 });
    writeJsonl(path.join(src, 'a.jsonl'), rows.slice(0, 4));
    const db = path.join(dir, 'a.db');
    await ingest(db, [src]);
    fs.renameSync(path.join(src, 'a.jsonl'), path.join(src, 'b.jsonl'));
    fs.appendFileSync(
      path.join(src, 'b.jsonl'),
      rows
        .slice(4)
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const r = await ingest(db, [src]);
    assert.deepEqual([r.samples_added, r.samples_duplicate], [4, 0]);
  });

  it('keeps samples of a group apart when they carry explicit indices across files', async () => {
    const dir = tempDir();
    const rows = nativeRows({ steps: 1, prompts: 1, g: 4 }).map((r, i) => ({ ...r, index: i }));
    writeJsonl(path.join(dir, 'rank0.jsonl'), rows.slice(0, 2));
    writeJsonl(path.join(dir, 'rank1.jsonl'), rows.slice(2));
    const db = path.join(dir, 'a.db');
    const r = await ingest(db, [path.join(dir, 'rank0.jsonl'), path.join(dir, 'rank1.jsonl')]);
    assert.equal(r.samples_added, 4);
    assert.equal(digestRun(db, 'r').groups, 1);
  });

  it('computes step statistics with sample standard deviation', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(
      file,
      [1, 0, 0, 0].map((reward, i) => ({
        step: 3,
        group: 'g',
        prompt: 'p',
        response: 'abcd'.slice(0, i + 1),
        reward,
        response_ids: Array(i + 1).fill(1),
      })),
    );
    const db = path.join(dir, 'a.db');
    await ingest(db, [file]);
    const store = Store.open(db);
    const [s] = store.stepStats(store.requireRun('r').id);
    store.close();
    assert.equal(s!.samples, 4);
    assert.equal(s!.groups, 1);
    assert.equal(s!.reward_mean, 0.25);
    assert.equal(s!.reward_std, 0.5);
    assert.equal(s!.mean_length, 2.5);
    assert.equal(s!.length_unit, 'tokens');
  });

  it('stops between batches when cancelled and keeps what it committed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.jsonl');
    writeJsonl(file, nativeRows({ steps: 20, prompts: 10, g: 8 }));
    const db = path.join(dir, 'a.db');
    const controller = new AbortController();
    const store = Store.open(db);
    let batches = 0;
    const report = await new Ingestor(store, [file], {
      run: 'r',
      batchRows: 100,
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 3) controller.abort();
      },
    }).ingestOnce();
    store.close();
    assert.equal(report.cancelled, true);
    assert.equal(report.samples_added, 300);
    assert.equal(digestRun(db, 'r').samples, 300);
    const rest = await ingest(db, [file]);
    assert.equal(rest.samples_added, 1600 - 300);
  });
});

describe('native per-token arrays', () => {
  it('keeps inference, training and reference logprobs and entropy apart, a null entry as NaN', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    const row = {
      step: 0,
      group: 'g',
      prompt: 'p',
      response: 'abc',
      reward: 1,
      response_ids: [5, 6, 7],
      logprobs: [-0.5, null, -0.25],
      train_logprobs: [-0.75, -1, -0.25],
      ref_logprobs: [-1, -2, -3],
      entropy: [0.5, 1.5, null],
    };
    writeJsonl(file, [row]);
    const db = path.join(dir, 'a.db');
    const r = await ingest(db, [file]);
    assert.deepEqual(r.errors, []);
    const store = Store.open(db);
    const s = store.db.prepare('SELECT logprobs, train_logprobs, ref_logprobs, entropy FROM samples').get() as Record<string, Uint8Array>;
    const floats = (b: Uint8Array | undefined) => [...new Float32Array(new Uint8Array(b!).buffer)];
    assert.deepEqual(floats(s['logprobs']), [-0.5, Number.NaN, -0.25]);
    assert.deepEqual(floats(s['train_logprobs']), [-0.75, -1, -0.25]);
    assert.deepEqual(floats(s['ref_logprobs']), [-1, -2, -3]);
    assert.deepEqual(floats(s['entropy']), [0.5, 1.5, Number.NaN]);
    store.close();
  });

  it('refuses a training-logprob array whose length differs from the response, naming the line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, [{ step: 0, group: 'g', prompt: 'p', response: 'ab', reward: 0, response_ids: [1, 2], train_logprobs: [-1] }]);
    const r = await ingest(path.join(dir, 'a.db'), [file]);
    assert.equal(r.samples_added, 0);
    assert.equal(r.errors.length, 1);
    assert.deepEqual(r.errors[0], { file, line: 1, message: '"train_logprobs" has 1 entries but the response has 2 tokens' });
  });
});

describe('native export of per-token arrays', () => {
  it('writes the training and reference logprobs and entropy back, a missing value as null', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, [
      {
        step: 0,
        group: 'g',
        prompt: 'p',
        response: 'ab',
        reward: 1,
        response_ids: [1, 2],
        train_logprobs: [-0.5, null],
        ref_logprobs: [-1, -2],
        entropy: [0.25, 0.75],
      },
    ]);
    const db = path.join(dir, 'a.db');
    await ingest(db, [file]);
    const store = Store.open(db);
    const [row] = [...exportRun(store, store.requireRun('r').id)];
    store.close();
    assert.deepEqual(JSON.parse(JSON.stringify(row)), {
      step: 0,
      group: 'g',
      index: 0,
      split: 'train',
      prompt: 'p',
      response: 'ab',
      reward: 1,
      response_ids: [1, 2],
      train_logprobs: [-0.5, null],
      ref_logprobs: [-1, -2],
      entropy: [0.25, 0.75],
    });
  });
});
