// EngineClient against a stand-in engine process (a few lines of JSON-RPC over the IPC channel), so
// the lifecycle and the notification dispatch are tested without SQLite: handlers registered at any
// time, Disposables, the state events, and restart() while a start is in flight.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { EngineClient, type EngineLogger } from '../../../src/extension/engineClient';
import { EngineMethods, EngineNotifications, type MethodDescriptor } from '../../../src/shared/protocol/engine';
import { tempDir } from '../../helpers';

// Answers initialize and ping with its pid; `test/emit {run}` sends runs/changed first, then answers.
const STAND_IN = `
const info = () => ({ pid: process.pid, version: 'stand-in', sqlite: 'none', db: 'x.db', runtime: 'node', abi: '0' });
process.on('message', (m) => {
  if (m.method === 'initialize' || m.method === 'ping') process.send({ jsonrpc: '2.0', id: m.id, result: info() });
  else if (m.method === 'test/emit') {
    process.send({ jsonrpc: '2.0', method: 'engine/log', params: { level: 'info', message: 'emitting ' + m.params.run } });
    process.send({ jsonrpc: '2.0', method: 'runs/changed', params: { run: m.params.run } });
    process.send({ jsonrpc: '2.0', id: m.id, result: null });
  }
});
process.on('disconnect', () => process.exit(0));
`;

const emit: MethodDescriptor<{ run: string }, null> = { name: 'test/emit', params: z.object({ run: z.string() }) };

function client(): { engine: EngineClient; lines: string[] } {
  const dir = tempDir('rl-client-');
  const enginePath = path.join(dir, 'standIn.cjs');
  fs.writeFileSync(enginePath, STAND_IN);
  const lines: string[] = [];
  const log: EngineLogger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    trace: () => {},
  };
  return { engine: new EngineClient({ enginePath, dbPath: path.join(dir, 'a.db'), log, nodePath: process.execPath }), lines };
}

describe('EngineClient notifications', () => {
  it('calls a handler registered after the engine started, until it is disposed', async () => {
    const { engine, lines } = client();
    const early: string[] = [];
    const late: string[] = [];
    try {
      engine.onNotification(EngineNotifications.runsChanged, ({ run }) => early.push(run));
      await engine.request(emit, { run: 'a' });
      const sub = engine.onNotification(EngineNotifications.runsChanged, ({ run }) => late.push(run));
      await engine.request(emit, { run: 'b' });
      sub.dispose();
      await engine.request(emit, { run: 'c' });
      assert.deepEqual(early, ['a', 'b', 'c']);
      assert.deepEqual(late, ['b']);
      assert.deepEqual(
        lines.filter((l) => l.includes('emitting')),
        ['info [engine] emitting a', 'info [engine] emitting b', 'info [engine] emitting c'],
      );
    } finally {
      engine.dispose();
    }
  });

  it('keeps handlers across restart()', async () => {
    const { engine } = client();
    const seen: string[] = [];
    try {
      engine.onNotification(EngineNotifications.runsChanged, ({ run }) => seen.push(run));
      await engine.request(emit, { run: 'before' });
      const before = engine.pid;
      await engine.restart();
      assert.notEqual(engine.pid, before);
      await engine.request(emit, { run: 'after' });
      assert.deepEqual(seen, ['before', 'after']);
    } finally {
      engine.dispose();
    }
  });
});

describe('EngineClient lifecycle', () => {
  it('reports starting, running, then stopped on dispose', async () => {
    const { engine } = client();
    const states: string[] = [];
    engine.onDidChangeState((e) => states.push(e.state));
    assert.equal(engine.state, 'stopped');
    const info = await engine.request(EngineMethods.ping, {});
    assert.equal(info.pid, engine.pid);
    assert.equal(engine.state, 'running');
    engine.dispose();
    assert.deepEqual(states, ['starting', 'running', 'stopped']);
    assert.equal(engine.state, 'stopped');
  });

  it('restart() during a start in flight reports no failure, and the earlier caller gets the new engine', async () => {
    const { engine, lines } = client();
    const states: string[] = [];
    engine.onDidChangeState((e) => states.push(e.state));
    try {
      const first = engine.ensureStarted();
      const firstPid = engine.pid;
      await engine.restart();
      await first;
      assert.ok(firstPid !== undefined);
      assert.notEqual(engine.pid, firstPid);
      const info = await engine.request(EngineMethods.ping, {});
      assert.equal(info.pid, engine.pid);
      assert.deepEqual(states, ['starting', 'restarting', 'running']);
      assert.deepEqual(lines.filter((l) => l.startsWith('error')), []);
    } finally {
      engine.dispose();
    }
  });
});
