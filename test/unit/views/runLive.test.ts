// The dashboard's run sections: the supervisor's status line and log tail (built in the engine), and
// the GPU history the host keeps from every reading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLiveSections, statusView, type LogPageLike, type RunStatusLike, type SupervisorReads } from '../../../src/core/views/runLive';
import { GpuHistory } from '../../../src/extension/webviews/gpuHistory';

function status(at: number, util: number): RunStatusLike {
  return {
    run: 'r1',
    profile: 'grpo-small',
    backend: 'local',
    state: 'running',
    startedAt: 1000,
    endedAt: null,
    exitCode: null,
    signal: null,
    exitNote: null,
    message: null,
    lastStep: 12,
    totalSteps: 100,
    etaSeconds: 300,
    gpu: { available: true, at, gpus: 2, utilization: util, memoryUsedMiB: 40_000, memoryTotalMiB: 163_118 },
  };
}

function fakeSupervisor(log: string, statuses: () => RunStatusLike[]): SupervisorReads {
  return {
    status: async () => statuses(),
    log: async (_run, offset = 0, limit): Promise<LogPageLike> => ({
      text: log.slice(offset, offset + (limit ?? log.length)),
      offset,
      size: log.length,
    }),
  };
}

describe('run status line', () => {
  it('leaves out the routine exit note of a recorded exit, keeps the one of an unknown exit', () => {
    const ended = {
      ...status(1, 0),
      state: 'succeeded' as const,
      endedAt: 9000,
      exitCode: 0,
      exitNote: 'recorded by the keeper',
      lastStep: 20,
      totalSteps: 20,
      etaSeconds: null,
    };
    assert.equal(statusView(ended).message, 'step 20 of 20');
    const lost = { ...ended, state: 'lost' as const, exitCode: null, exitNote: 'exit status unknown' };
    assert.equal(statusView(lost).message, 'step 20 of 20 · exit status unknown');
  });
});

describe('run sections for the dashboard', () => {
  it('maps the status, tails the log, and the host keeps the GPU history', async () => {
    let reading = status(5000, 40);
    const log = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const sup = fakeSupervisor(log, () => [reading]);
    const history = new GpuHistory();
    const first = await runLiveSections(sup, 'r1');
    assert.deepEqual(first?.status, {
      state: 'running',
      backend: 'local',
      command: 'profile grpo-small',
      started_at: 1000,
      exit_code: null,
      message: 'step 12 of 100, about 5 min left',
    });
    assert.equal(first?.logTail.lines.length, 400);
    assert.equal(first?.logTail.lines.at(-1), 'line 999');
    assert.equal(first?.logTail.truncated, true);
    history.record('r1', first?.gpu ?? null);
    reading = status(7000, 90);
    history.record('r1', status(6000, 60).gpu); // a runs/statusChanged notification between loads
    history.record('r1', (await runLiveSections(sup, 'r1'))?.gpu ?? null);
    history.record('r1', status(6500, 10).gpu); // an older reading arriving late is not kept
    assert.deepEqual(history.series('r1')[0]?.samples, [
      [5000, 40, 40_000],
      [6000, 60, 40_000],
      [7000, 90, 40_000],
    ]);
    assert.equal(history.series('r1')[0]?.name, '2 GPUs (mean)');
    assert.deepEqual(history.series('other'), []);
  });

  it('has nothing to say about a run the supervisor did not launch', async () => {
    assert.equal(
      await runLiveSections(
        fakeSupervisor('', () => []),
        'r1',
      ),
      undefined,
    );
  });
});
