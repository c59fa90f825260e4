// EngineClient against a stand-in engine process (a few lines of JSON-RPC over the IPC channel), so
// the lifecycle and the notification dispatch are tested without SQLite: handlers registered at any
// time, Disposables, the state events, and restart() while a start is in flight.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineMethods, EngineNotifications } from '../../../src/shared/protocol/engine';
import { standInClient as client, emit } from './standInEngine';

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
        ['info emitting a', 'info emitting b', 'info emitting c'],
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
      assert.deepEqual(
        lines.filter((l) => l.startsWith('error')),
        [],
      );
    } finally {
      engine.dispose();
    }
  });
});
