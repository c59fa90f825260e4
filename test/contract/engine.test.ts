// Both ends of the engine protocol: in memory (RpcEndpoint ⇄ EngineServer) and over a real forked
// engine process through the extension's EngineClient.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../src/engine/server';
import { EngineClient, type EngineLogger } from '../../src/extension/engineClient';
import { ErrorCode, LensError } from '../../src/shared/errors';
import { EngineMethods } from '../../src/shared/protocol/engine';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import type { ProgressInfo } from '../../src/shared/rollout';
import { ROOT, nativeRows, tempDir, transportPair, waitFor, writeJsonl } from '../helpers';

function inMemoryEngine(): { client: RpcEndpoint; server: EngineServer } {
  const [a, b] = transportPair();
  const server = new EngineServer(new RpcEndpoint(b));
  return { client: new RpcEndpoint(a), server };
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LensError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

const silent: EngineLogger = { info: () => {}, warn: () => {}, error: () => {}, trace: () => {} };

describe('engine protocol (in memory)', () => {
  it('initializes, ingests with progress, and answers stats', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, nativeRows({ steps: 2, prompts: 2, g: 4 }));
    const { client, server } = inMemoryEngine();
    const info = await client.request('initialize', { db: path.join(dir, 'a.db') });
    assert.equal((info as { db: string }).db, path.join(dir, 'a.db'));
    const progress: ProgressInfo[] = [];
    const report = await client.request('ingest', { paths: [file], run: 'r' }, { onProgress: (p) => progress.push(p) });
    assert.equal((report as { samples_added: number }).samples_added, 16);
    assert.ok(progress.length >= 1);
    assert.match(progress[0]!.message, /^r\.jsonl: 0\.\d MB read$/);
    const stats = (await client.request('runs/stepStats', { run: 'r' })) as Array<{ step: number; samples: number }>;
    assert.deepEqual(
      stats.map((s) => [s.step, s.samples]),
      [
        [1, 8],
        [2, 8],
      ],
    );
    server.dispose();
  });

  it('rejects params that do not match the schema, naming the field', async () => {
    const { client } = inMemoryEngine();
    await rejectsWith(client.request('ingest', { paths: [], run: 'r' }), ErrorCode.InvalidParams, /^ingest: paths: /);
    await rejectsWith(client.request('initialize', { db: 'x', extra: 1 }), ErrorCode.InvalidParams, /^initialize: params: /);
  });

  it('answers an unknown method with method_not_found', async () => {
    const { client } = inMemoryEngine();
    await rejectsWith(client.request('rm -rf', {}), ErrorCode.MethodNotFound, /unknown method "rm -rf"/);
  });

  it('refuses work before a database is open', async () => {
    const { client } = inMemoryEngine();
    await rejectsWith(client.request('runs/list', {}), ErrorCode.Internal, /no database open/);
  });

  it('cancels a follow request and returns the drained totals', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'live.jsonl');
    writeJsonl(file, nativeRows({ steps: 1, prompts: 1, g: 4 }));
    const { client, server } = inMemoryEngine();
    await client.request('initialize', { db: path.join(dir, 'a.db') });
    const controller = new AbortController();
    const done = client.request('ingest', { paths: [file], run: 'live', follow: true, pollMs: 50 }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    writeJsonl(file, nativeRows({ steps: 2, prompts: 1, g: 4 }));
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const report = (await done) as { samples_added: number; cancelled?: boolean };
    assert.equal(report.samples_added, 8);
    assert.equal(report.cancelled, undefined);
    server.dispose();
  });
});

describe('engine process (forked, as the extension runs it)', () => {
  it('starts on first request, and after being killed, fails requests in flight and restarts', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, nativeRows({ steps: 1, prompts: 2, g: 4 }));
    const states: string[] = [];
    const client = new EngineClient({
      enginePath: path.join(ROOT, 'dist', 'engine.js'),
      dbPath: path.join(dir, 'a.db'),
      log: silent,
      nodePath: process.execPath,
    });
    client.onDidChangeState((e) => states.push(e.state));
    const restarted = (): number => states.filter((s, i) => s === 'running' && states[i - 1] === 'restarting').length;
    try {
      const report = await client.request(EngineMethods.ingest, { paths: [file], run: 'r' });
      assert.equal(report.samples_added, 8);
      const firstPid = client.pid!;
      const follow = client.request(EngineMethods.ingest, { paths: [dir], run: 'f', follow: true });
      process.kill(firstPid, 'SIGKILL');
      await rejectsWith(follow, ErrorCode.Internal, /the engine \(pid \d+\) stopped \(signal SIGKILL\); .* stored data is intact/);
      await waitFor(() => restarted() === 1, 10_000, 'the engine to restart');
      assert.deepEqual(states, ['starting', 'running', 'restarting', 'running']);
      assert.notEqual(client.pid, firstPid);
      const runs = await client.request(EngineMethods.listRuns, {});
      // Nothing stored before the kill is lost ('f' may or may not exist, depending on when the kill landed).
      assert.deepEqual(
        runs.filter((r) => r.run === 'r').map((r) => [r.run, r.samples]),
        [['r', 8]],
      );
    } finally {
      client.dispose();
    }
  });

  it('reports a database it cannot open without retrying forever', async () => {
    const client = new EngineClient({
      enginePath: path.join(ROOT, 'dist', 'engine.js'),
      dbPath: path.join(tempDir(), 'nope', 'a.db'),
      log: silent,
      nodePath: process.execPath,
    });
    try {
      await rejectsWith(client.request(EngineMethods.listRuns, {}), ErrorCode.DatabaseUnusable, /a\.db: the folder .*nope does not exist/);
      assert.equal(client.pid, undefined);
    } finally {
      client.dispose();
    }
  });
});
