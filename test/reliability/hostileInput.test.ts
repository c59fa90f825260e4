// Hostile input (issue 9.4): fuzzed JSONL lines, parquet bytes and JSON-RPC messages (≥ 10k cases in
// all, bounded in time) never crash or hang, and every rejection says why; hostile names reach SQL
// only as parameters; path traversal in exports is refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseNativeLine } from '../../src/core/ingest/nativeFormat';
import { readTrlParquet } from '../../src/core/ingest/trlFormat';
import { parseVerlLine } from '../../src/core/ingest/verlFormat';
import { checkExportPath } from '../../src/core/store/exportFile';
import { listGroups } from '../../src/core/store/reads';
import { Store } from '../../src/core/store/store';
import { Ingestor } from '../../src/core/ingest/ingestor';
import { EngineServer } from '../../src/engine/server';
import { LensError } from '../../src/shared/errors';
import { EngineMethods } from '../../src/shared/protocol/engine';
import { RpcEndpoint, type RpcErrorObject, type RpcMessage, type RpcResponse, type Transport } from '../../src/shared/protocol/rpc';
import { FIXTURES, prng, runCli, tempDir, waitFor, writeJsonl } from '../helpers';

const VALID = JSON.stringify({
  step: 3,
  group: 'g-1',
  prompt: 'What is 2+2?',
  response: 'Wait, 4.',
  reward: 1,
  components: { a: 1 },
  correct: true,
  finish_reason: 'stop',
  response_ids: [1, 2, 3],
  logprobs: [-0.1, -0.2, -0.3],
  meta: { k: [1, { x: null }] },
});
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  'null',
  'true',
  'NaN',
  '-Infinity',
  '1e999',
  '-0',
  '"\u0000"',
  '\uD800',
  '9'.repeat(400),
];

function mutate(rand: () => number, s: string): string {
  const pos = Math.floor(rand() * (s.length + 1));
  switch (Math.floor(rand() * 5)) {
    case 0:
      return s.slice(0, pos); // truncated
    case 1:
      return s.slice(0, pos) + TOKENS[Math.floor(rand() * TOKENS.length)] + s.slice(pos);
    case 2:
      return s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rand() * 10));
    case 3:
      return s.slice(0, pos) + String.fromCharCode(Math.floor(rand() * 0xffff)) + s.slice(pos + 1);
    default: {
      const o = JSON.parse(VALID) as Record<string, unknown>;
      const keys = Object.keys(o);
      const k = keys[Math.floor(rand() * keys.length)]!;
      o[k] = [null, 'x', 1.5, -3, [], {}, true, 'NaN'][Math.floor(rand() * 8)];
      return JSON.stringify(o);
    }
  }
}

describe('fuzzing the readers and the protocol', () => {
  it('JSONL: 6,000 mutated native and verl lines each give a sample or a reason, never a throw', () => {
    const rand = prng(1);
    let samples = 0;
    let errors = 0;
    const verlValid = JSON.stringify({ input: 'p', output: 'o', gts: '4', score: 1, step: 2, acc: true });
    for (let i = 0; i < 6000; i++) {
      const line = i % 3 === 2 ? mutate(rand, verlValid) : mutate(rand, VALID);
      const r = i % 3 === 2 ? parseVerlLine(line, 'train', 2) : parseNativeLine(line);
      if (r.kind === 'sample') {
        samples++;
        assert.ok(Number.isFinite(r.sample.reward));
      } else if (r.kind === 'error') {
        errors++;
        assert.ok(r.message.length > 10, `unhelpful message ${JSON.stringify(r.message)}`);
      }
    }
    assert.ok(samples > 100 && errors > 1000, `samples ${samples}, errors ${errors}`);
  });

  it('parquet: 400 mutated TRL files are read or refused with a LensError naming the file', async () => {
    const original = fs.readFileSync(path.join(FIXTURES, 'trl-real', 'completions', 'completions_00001.parquet'));
    const dir = tempDir();
    const rand = prng(2);
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(original);
      const cut = i % 4 === 0 ? Math.floor(rand() * b.length) : b.length;
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const file = path.join(dir, `completions_${String(i).padStart(5, '0')}.parquet`);
      fs.writeFileSync(file, b.subarray(0, cut));
      const outcome = await Promise.race([
        readTrlParquet(file).then(
          () => 'read',
          (e: unknown) => {
            assert.ok(e instanceof LensError, `a non-LensError escaped: ${String(e)}`);
            assert.ok(e.message.startsWith(file), e.message);
            return 'refused';
          },
        ),
        new Promise((r) => setTimeout(() => r('hung'), 3000)),
      ]);
      assert.notEqual(outcome, 'hung', `case ${i} hung`);
      if (outcome === 'refused') refused++;
    }
    assert.ok(refused > 50, `only ${refused} refused`);
  });

  it('JSON-RPC: 4,000 random and mutated messages never crash the engine; requests get typed errors', async () => {
    const dir = tempDir();
    const handlers: Array<(m: unknown) => void> = [];
    const replies: RpcMessage[] = [];
    const serverSide: Transport = { send: (m) => replies.push(m), onMessage: (h) => void handlers.push(h) };
    const server = new EngineServer(new RpcEndpoint(serverSide));
    const client: Transport = { send: (m) => handlers[0]!(m), onMessage: () => undefined };
    client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { db: path.join(dir, 'a.db') } });
    const rand = prng(3);
    const methods = Object.values(EngineMethods).map((m) => m.name);
    const values: unknown[] = [null, 1, 'x', [], {}, true, -1, 1e300, { run: "'; DROP TABLE runs;--" }, { run: '../../etc' }];
    for (let i = 1; i <= 4000; i++) {
      const params =
        i % 2
          ? values[Math.floor(rand() * values.length)]
          : { run: 'r', step: Math.floor(rand() * 3) - 1, group: 'g', paths: [dir], offset: -1, limit: 0 };
      const msg =
        i % 5 === 0
          ? values[Math.floor(rand() * values.length)]
          : { jsonrpc: i % 17 ? '2.0' : '1.0', id: i, method: methods[Math.floor(rand() * methods.length)], params };
      handlers[0]!(msg);
    }
    try {
      // Every message with an id (the initialize, and all but the 800 non-envelopes) gets exactly one reply.
      const expected = [0, ...Array.from({ length: 4000 }, (_, k) => k + 1).filter((i) => i % 5 !== 0)];
      const responses = (): RpcResponse[] => replies.filter((m): m is RpcResponse => 'id' in m && !('method' in m));
      await waitFor(() => responses().length >= expected.length, 30_000, 'a reply to every request');
      assert.equal(expected.length, 3201);
      assert.deepEqual(
        responses()
          .map((r) => r.id)
          .sort((x, y) => x - y),
        expected,
      );
      const errors = responses().filter((m): m is RpcResponse & { error: RpcErrorObject } => m.error !== undefined);
      assert.deepEqual([errors.length, responses().length - errors.length], [3178, 23]);
      assert.ok(errors.every((e) => typeof e.error.message === 'string' && e.error.message.length > 5));
    } finally {
      await server.dispose();
    }
  });
});

describe('hostile names and paths', () => {
  it('run names with SQL or path syntax are refused before they reach the database or a file name', () => {
    for (const name of ["x'; DROP TABLE runs;--", '../../etc/passwd', 'a/b', '..']) {
      const r = runCli(['ingest', path.join(FIXTURES, 'verl', 'rollout'), '--db', path.join(tempDir(), 'a.db'), '--run', name]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /invalid run name/);
    }
  });

  it('group ids and prompts with SQL in them are stored and listed literally', async () => {
    const dir = tempDir();
    const evil = "g'); DROP TABLE samples; --";
    writeJsonl(path.join(dir, 'r.jsonl'), [{ step: 1, group: evil, prompt: "' OR 1=1 --", response: 'x', reward: 1 }]);
    const store = Store.open(path.join(dir, 'a.db'));
    await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
    const page = listGroups(store, { run: 'r', split: 'train', step: 1 }, { offset: 0, limit: 10, filter: { text: 'x' } });
    assert.deepEqual(
      page.rows.map((g) => g.group),
      [evil],
    );
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 1);
    store.close();
  });

  it('export paths: relative, with "..", a missing folder or not .jsonl are refused', () => {
    const ok = path.join(tempDir(), 'out.jsonl');
    assert.equal(checkExportPath(ok), ok);
    for (const bad of ['out.jsonl', '/tmp/../etc/cron.d/x.jsonl', '/no/such/dir/x.jsonl', path.join(tempDir(), 'x.sh')]) {
      assert.throws(() => checkExportPath(bad), /export (path must|folder does not exist)/, bad);
    }
  });
});
