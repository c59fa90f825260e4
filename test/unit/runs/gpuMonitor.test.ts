// GPU monitor against a stand-in nvidia-smi (test/fixtures/nvidia-smi: output constructed from
// NVIDIA's documented CSV format, not recorded from a real GPU; no GPU exists on these machines).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { GpuMonitor, parseAppsCsv, parseGpuCsv, queryGpus } from '../../../src/core/runs/gpuMonitor';
import { RunSupervisor } from '../../../src/core/runs/supervisor';
import { FIXTURES, manualTimers, tempDir, waitFor } from '../../helpers';
import type { Timers } from '../../../src/shared/timers';
import { TRAINERS, assertNoProcesses, killGroup, readPids, waitForFile, workspace } from './helpers';

const DIR = path.join(FIXTURES, 'nvidia-smi');

/** PATH with the stand-in first (copied, so a lost executable bit in a checkout does not matter). */
function standIn(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = tempDir('rl-nvsmi-');
  fs.copyFileSync(path.join(DIR, 'bin', 'nvidia-smi'), path.join(bin, 'nvidia-smi'));
  fs.chmodSync(path.join(bin, 'nvidia-smi'), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env['PATH']}`, NVSMI_FIXTURE_DIR: DIR, ...extra };
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups) await c();
});

/** Test-driven timers that record each delay asked for; `fireNext` runs the due poll and waits for the next schedule. */
function scheduled(): { timers: Timers; delays: number[]; fireNext(): Promise<void>; readonly pending: number } {
  const clock = manualTimers();
  const delays: number[] = [];
  let wake: (() => void) | undefined;
  const timers: Timers = {
    set: (fn, ms) => {
      delays.push(ms);
      wake?.();
      return clock.timers.set(fn, ms);
    },
    clear: (h) => clock.timers.clear(h),
  };
  return {
    timers,
    delays,
    async fireNext() {
      const next = new Promise<void>((resolve) => (wake = resolve));
      clock.advance(delays[delays.length - 1]!);
      await next;
    },
    get pending() {
      return clock.pending;
    },
  };
}

describe('GPU monitor', () => {
  it('parses the query-gpu CSV, including [N/A] and [Not Supported] fields', () => {
    const h100 = parseGpuCsv(fs.readFileSync(path.join(DIR, 'gpu-h100x2.csv'), 'utf8'));
    assert.deepEqual(h100[0], {
      index: 0,
      uuid: 'GPU-8f3c2a51-7d4e-4b0a-9c1e-2f6d8a9b0c11',
      name: 'NVIDIA H100 80GB HBM3',
      utilGpu: 37,
      utilMem: 12,
      memUsedMiB: 20480,
      memTotalMiB: 81559,
      tempC: 45,
      powerW: 250.12,
      powerLimitW: 700,
    });
    const na = parseGpuCsv(fs.readFileSync(path.join(DIR, 'gpu-na.csv'), 'utf8'));
    assert.deepEqual(
      na.map((g) => [g.utilGpu, g.utilMem, g.powerW, g.powerLimitW]),
      [
        [null, null, null, 400],
        [99, 61, 389.41, null],
      ],
    );
    assert.deepEqual(parseGpuCsv('garbage\n\n1, 2\n'), []);
  });

  it('parses the compute-apps CSV', () => {
    assert.deepEqual(parseAppsCsv('123, GPU-a, 10240\n456, GPU-b, [N/A]\nbad line\n'), [
      { pid: 123, gpuUuid: 'GPU-a', usedMiB: 10240 },
      { pid: 456, gpuUuid: 'GPU-b', usedMiB: null },
    ]);
  });

  it('reads GPUs and processes through nvidia-smi on PATH', async () => {
    const s = await queryGpus({ env: standIn() });
    assert.ok(s.available);
    assert.deepEqual(
      s.snapshot.gpus.map((g) => [g.index, g.memUsedMiB]),
      [
        [0, 20480],
        [1, 4],
      ],
    );
    assert.deepEqual(
      s.snapshot.apps.map((a) => a.pid),
      [0, 0, 0, 424242],
    );
  });

  it('reports "no NVIDIA GPU found" for no nvidia-smi, no device and no driver', async () => {
    const states = [
      await queryGpus({ env: { PATH: '/nonexistent' } }),
      await queryGpus({ env: standIn({ NVSMI_MODE: 'no-devices' }) }),
      await queryGpus({ env: standIn({ NVSMI_MODE: 'no-driver' }) }),
    ];
    assert.deepEqual(
      states.map((s) => (s.available ? 'available' : s.reason)),
      [
        'no NVIDIA GPU found (nvidia-smi is not on PATH)',
        'no NVIDIA GPU found (nvidia-smi: No devices were found)',
        'no NVIDIA GPU found (nvidia-smi cannot talk to the NVIDIA driver)',
      ],
    );
  });

  it('backs off while no GPU is found instead of polling every interval', async () => {
    const dir = tempDir();
    const calls = (f: string): number => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').length : 0);
    const none = path.join(dir, 'none.calls');
    const ok = path.join(dir, 'ok.calls');
    const a = scheduled();
    const b = scheduled();
    const without = new GpuMonitor({ intervalMs: 40, timers: a.timers, env: standIn({ NVSMI_MODE: 'no-devices', NVSMI_CALLS: none }) });
    const withGpu = new GpuMonitor({ intervalMs: 40, timers: b.timers, env: standIn({ NVSMI_CALLS: ok }) });
    without.start();
    withGpu.start();
    for (let i = 0; i < 4; i++) {
      await a.fireNext();
      await b.fireNext();
    }
    await without.stop();
    await withGpu.stop();
    // The delay each next poll was scheduled with: doubling without a GPU, the interval with one.
    assert.deepEqual(a.delays, [0, 80, 160, 320, 640]);
    assert.deepEqual(b.delays, [0, 40, 40, 40, 40]);
    // Four polls each: one nvidia-smi call when it finds no device, two (GPUs, processes) otherwise.
    assert.equal(calls(none), 4);
    assert.equal(calls(ok), 8);
    const st = without.state;
    assert.ok(st && !st.available);
    assert.equal(st.reason, 'no NVIDIA GPU found (nvidia-smi: No devices were found)');
    assert.equal(a.pending, 0);
  });

  it("attributes GPU memory to the run's own processes (group and forked workers) and stores samples per run", async () => {
    const ws = workspace([
      {
        name: 'gpu',
        command: 'python3',
        args: [path.join(TRAINERS, 'forking_trainer.py'), '1000', '0.05', '${runDir}/pids'],
      },
    ]);
    const pidsFile = path.join(ws.dir, '.rollout-lens', 'runs', 'gpu', 'pids');
    const sup = new RunSupervisor(ws.store, {
      pollMs: 100,
      gpu: { intervalMs: 100, env: standIn({ NVSMI_PIDS_FILE: pidsFile }) },
    });
    let pid: number | null = null;
    cleanups.push(async () => (await sup.dispose(), killGroup(pid), ws.store.close()));
    pid = (await sup.launch(ws.profiles, 'gpu')).pid;
    await waitForFile(pidsFile);
    await waitFor(
      () => {
        const rows = sup.runs.latestGpu(sup.runs.latest('gpu')!.id);
        return rows.length === 2 && rows[0]!.run_mem_mib === 18432;
      },
      10_000,
      'a GPU sample with the workers attributed',
    );
    const [s] = await sup.status('gpu');
    assert.deepEqual(
      { ...s!.gpu!, at: typeof s!.gpu!.at },
      {
        available: true,
        reason: null,
        at: 'number',
        gpus: 2,
        utilization: 18.5,
        memoryUsedMiB: 20484,
        memoryTotalMiB: 163118,
        runMemoryMiB: 18434,
      },
    );
    const rows = sup.runs.latestGpu(sup.runs.latest('gpu')!.id);
    assert.deepEqual(
      rows.map((r) => [r.gpu, r.name, r.run_mem_mib, r.power_w]),
      [
        [0, 'NVIDIA H100 80GB HBM3', 18432, 250.12],
        [1, 'NVIDIA H100 80GB HBM3', 2, 69.85],
      ],
    );
    const end = await sup.stop('gpu');
    assert.equal(end.state, 'stopped');
    assertNoProcesses(end.pid, readPids(pidsFile));
  });

  it('shows {available: false, reason} for a local run on a machine without a GPU', async () => {
    const ws = workspace([{ name: 'cpu', command: 'sh', args: ['-c', 'sleep 5'] }]);
    const sup = new RunSupervisor(ws.store, {
      pollMs: 100,
      gpu: { intervalMs: 50, env: { PATH: `/nonexistent:${process.env['PATH']}`, NVSMI_FIXTURE_DIR: DIR } },
    });
    let pid: number | null = null;
    cleanups.push(async () => (await sup.dispose(), killGroup(pid), ws.store.close()));
    pid = (await sup.launch(ws.profiles, 'cpu')).pid;
    await waitFor(() => sup['gpu']?.state !== undefined, 5000, 'first GPU poll');
    const [s] = await sup.status('cpu');
    assert.deepEqual(
      { available: s!.gpu!.available, reason: s!.gpu!.reason, gpus: s!.gpu!.gpus },
      { available: false, reason: 'no NVIDIA GPU found (nvidia-smi is not on PATH)', gpus: 0 },
    );
    await sup.stop('cpu');
    assertNoProcesses(pid);
  });
});
