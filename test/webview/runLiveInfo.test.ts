// The dashboard's run sections from the run supervisor's methods, against a fake engine client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineClient } from '../../src/extension/engineClient';
import { RunLiveInfoSource, statusView, type LogPageLike, type RunInfoMethods, type RunStatusLike } from '../../src/extension/webviews/runLiveInfo';
import { ErrorCode, LensError } from '../../src/shared/errors';

const methods = { status: { name: 'runs/status' }, log: { name: 'runs/log' } } as unknown as RunInfoMethods;

function status(at: number, util: number): RunStatusLike {
  return {
    run: 'r1', profile: 'grpo-small', backend: 'local', state: 'running', startedAt: 1000, endedAt: null, exitCode: null,
    signal: null, exitNote: null, message: null, lastStep: 12, totalSteps: 100, etaSeconds: 300,
    gpu: { available: true, at, gpus: 2, utilization: util, memoryUsedMiB: 40_000, memoryTotalMiB: 163_118 },
  };
}

function fakeEngine(log: string, statuses: () => RunStatusLike[]): EngineClient {
  return {
    request: async (m: { name: string }, p: { offset?: number; limit?: number }): Promise<unknown> => {
      if (m.name === 'runs/status') return statuses();
      const offset = p.offset ?? 0;
      const page: LogPageLike = { text: log.slice(offset, offset + (p.limit ?? log.length)), offset, size: log.length };
      return page;
    },
  } as unknown as EngineClient;
}

describe('run status line', () => {
  it('leaves out the routine exit note of a recorded exit, keeps the one of an unknown exit', () => {
    const ended = { ...status(1, 0), state: 'succeeded' as const, endedAt: 9000, exitCode: 0, exitNote: 'recorded by the keeper', lastStep: 20, totalSteps: 20, etaSeconds: null };
    assert.equal(statusView(ended).message, 'step 20 of 20');
    const lost = { ...ended, state: 'lost' as const, exitCode: null, exitNote: 'exit status unknown' };
    assert.equal(statusView(lost).message, 'step 20 of 20 · exit status unknown');
  });
});

describe('run live info for the dashboard', () => {
  it('maps the status, tails the log and keeps the GPU history', async () => {
    let reading = status(5000, 40);
    const log = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const src = new RunLiveInfoSource(fakeEngine(log, () => [reading]), methods);
    const first = await src.info('r1', new AbortController().signal);
    assert.deepEqual(first?.status, {
      state: 'running',
      backend: 'local',
      command: 'profile grpo-small',
      started_at: 1000,
      exit_code: null,
      message: 'step 12 of 100, about 5 min left',
    });
    assert.equal(first?.logTail?.lines.length, 400);
    assert.equal(first?.logTail?.lines.at(-1), 'line 999');
    assert.equal(first?.logTail?.truncated, true);
    reading = status(7000, 90);
    src.record(status(6000, 60)); // a runs/statusChanged notification between refreshes
    const second = await src.info('r1', new AbortController().signal);
    assert.deepEqual(second?.gpu?.[0]?.samples, [
      [5000, 40, 40_000],
      [6000, 60, 40_000],
      [7000, 90, 40_000],
    ]);
    assert.equal(second?.gpu?.[0]?.name, '2 GPUs (mean)');
  });

  it('has nothing to say about a run the supervisor did not launch, or an engine without the methods', async () => {
    assert.equal(await new RunLiveInfoSource(fakeEngine('', () => []), methods).info('r1', new AbortController().signal), undefined);
    const old = { request: async () => Promise.reject(new LensError(ErrorCode.MethodNotFound, 'unknown method "runs/status"')) } as unknown as EngineClient;
    assert.equal(await new RunLiveInfoSource(old, methods).info('r1', new AbortController().signal), undefined);
  });
});
