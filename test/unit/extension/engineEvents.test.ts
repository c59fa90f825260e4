// EngineEvents: the engine's notifications fanned out, each to every sink that shows it, once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLORER_REFRESH_DELAY_MS, EngineEvents } from '../../../src/extension/engineEvents';
import type { RunStatus } from '../../../src/shared/runs';
import { emit, standInClient, status } from './standInEngine';

function sinks(calls: string[]): ConstructorParameters<typeof EngineEvents>[1] {
  return {
    explorer: { refresh: (_node, delayMs) => void calls.push(`explorer refresh in ${delayMs} ms`) },
    statusBar: { update: (s) => void calls.push(`status bar ${s.run} ${s.state}`) },
    runLogs: { touched: (run) => void calls.push(`log ${run}`) },
    webviews: {
      refresh: (run) => void calls.push(`views ${run ?? 'all'}`),
      runStatus: (s) => void calls.push(`views status ${s.run} ${s.state}`),
    },
  };
}

describe('EngineEvents', () => {
  it('fans runs/changed out to the explorer and the views of that run', async () => {
    const { engine } = standInClient();
    const calls: string[] = [];
    const events = new EngineEvents(engine, sinks(calls));
    try {
      await engine.request(emit, { run: 'grpo-1' });
      assert.deepEqual(calls, [`explorer refresh in ${EXPLORER_REFRESH_DELAY_MS} ms`, 'views grpo-1']);
      assert.equal(EXPLORER_REFRESH_DELAY_MS, 750);
    } finally {
      events.dispose();
      engine.dispose();
    }
  });

  it('fans runs/statusChanged out to the status bar, the run log, the views and the explorer; nothing after dispose', async () => {
    const { engine } = standInClient();
    const calls: string[] = [];
    const events = new EngineEvents(engine, sinks(calls));
    try {
      await engine.request(status, { run: 'grpo-1', state: 'running' });
      assert.deepEqual(calls, ['status bar grpo-1 running', 'log grpo-1', 'views status grpo-1 running', 'explorer refresh in 750 ms']);
      events.dispose();
      await engine.request(status, { run: 'grpo-1', state: 'stopped' });
      await engine.request(emit, { run: 'grpo-1' });
      assert.equal(calls.length, 4);
    } finally {
      engine.dispose();
    }
  });

  it("sends a launch command's answer the same way", () => {
    const calls: string[] = [];
    const events = new EngineEvents({ onNotification: () => ({ dispose: () => undefined }) }, sinks(calls));
    events.runStatus({ run: 'sample-grpo', state: 'pending' } as RunStatus);
    assert.deepEqual(calls, [
      'status bar sample-grpo pending',
      'log sample-grpo',
      'views status sample-grpo pending',
      'explorer refresh in 750 ms',
    ]);
  });
});
