// Ray backend against a stand-in Jobs API server (rayStandIn.ts) replaying the shapes captured
// from Ray 2.58: a real Ray dashboard cannot be installed on these machines.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { RayClient } from '../../../src/core/runs/rayBackend';
import { RunSupervisor } from '../../../src/core/runs/supervisor';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { sleep, waitFor } from '../../helpers';
import { workspace } from './helpers';
import { RayStandIn } from './rayStandIn';

const servers: RayStandIn[] = [];
const sups: Array<() => Promise<void>> = [];
after(async () => {
  for (const d of sups) await d();
  for (const s of servers) await s.close();
});

async function server(opts: ConstructorParameters<typeof RayStandIn>[0] = {}): Promise<RayStandIn> {
  const s = new RayStandIn(opts);
  servers.push(s);
  await s.start();
  return s;
}

/** A port nothing listens on: bound, then released. */
async function deadAddress(): Promise<string> {
  const s = new RayStandIn();
  const a = await s.start();
  await s.close();
  return a;
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LensError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

const VERL_LINES = [
  '(TaskRunner pid=81234) step:1 - actor/pg_loss:np.float64(-0.0031) - critic/score/mean:np.float64(0.25)',
  '(TaskRunner pid=81234) step:2 - actor/pg_loss:np.float64(-0.0062) - critic/score/mean:np.float64(0.5)',
  '(TaskRunner pid=81234) step:3 - actor/pg_loss:np.float64(-0.0093) - critic/score/mean:np.float64(0.75)',
];

function setup(address: string, extra: Record<string, unknown> = {}): { ws: ReturnType<typeof workspace>; sup: RunSupervisor } {
  const ws = workspace([
    {
      name: 'ray-run',
      backend: 'ray',
      trainer: 'verl',
      command: 'python3',
      args: ['-m', 'verl.trainer.main_ppo', "data.train_files=['/d/train.parquet']", 'trainer.total_epochs=1'],
      env: { WANDB_MODE: 'offline' },
      ray: {
        address,
        entrypointNumGpus: 8,
        runtimeEnv: { working_dir: '/code', env_vars: { A: '1' } },
        ...extra,
      },
    },
  ]);
  const sup = new RunSupervisor(ws.store, { pollMs: 50, gpu: false });
  sups.push(async () => (await sup.dispose(), ws.store.close()));
  return { ws, sup };
}

describe('Ray Jobs API client', () => {
  it('submits, follows PENDING → RUNNING → SUCCEEDED, reads logs, deletes', async () => {
    const s = await server({ lines: ['hello from rest FOO=bar'] });
    const c = new RayClient(s.address);
    assert.deepEqual(await c.version(), { version: '4', ray_version: '2.58.0' });
    const sub = await c.submit({ entrypoint: 'python -c "print(1)"', submission_id: 'raysubmit_test1' });
    assert.deepEqual(sub, { job_id: 'raysubmit_test1', submission_id: 'raysubmit_test1' });
    const seen: string[] = [];
    for (let i = 0; i < 100 && seen.at(-1) !== 'SUCCEEDED'; i++) {
      seen.push((await c.info('raysubmit_test1')).status);
      await sleep(20);
    }
    assert.deepEqual([...new Set(seen)], ['PENDING', 'RUNNING', 'SUCCEEDED']);
    const info = await c.info('raysubmit_test1');
    assert.deepEqual([info.driver_exit_code, info.message, info.type], [0, 'Job finished successfully.', 'SUBMISSION']);
    assert.match(
      await c.logs('raysubmit_test1'),
      /^\d{4}-\d\d-\d\d [\d:,]+\tINFO job_manager\.py:583 -- Runtime env is setting up\.\nRunning entrypoint for job raysubmit_test1: python -c "print\(1\)"\nhello from rest FOO=bar\n$/,
    );
    assert.equal(await c.stop('raysubmit_test1'), false, 'an ended job is not stopped again');
    assert.equal(await c.delete('raysubmit_test1'), true);
    await rejectsWith(
      c.info('raysubmit_test1'),
      ErrorCode.NotFound,
      /^Ray \(GET \/api\/jobs\/raysubmit_test1\): Job raysubmit_test1 does not exist \(HTTP 404\)$/,
    );
  });

  it('explains a duplicate submission (500 traceback), a bad body (400) and an unknown job (404)', async () => {
    const s = await server();
    const c = new RayClient(s.address);
    await c.submit({ entrypoint: 'true', submission_id: 'dup' });
    await rejectsWith(
      c.submit({ entrypoint: 'true', submission_id: 'dup' }),
      ErrorCode.BadInput,
      /^Ray refused POST \/api\/jobs\/ \(HTTP 500\): ValueError: Job with submission_id dup already exists\. Please use a different submission_id\.$/,
    );
    await rejectsWith(
      c.submit({ entry: 'x' }),
      ErrorCode.BadInput,
      /^Ray refused POST \/api\/jobs\/ \(HTTP 400\): Failed to parse request body/,
    );
    await rejectsWith(c.stop('nope'), ErrorCode.NotFound, /Job nope does not exist \(HTTP 404\)/);
  });

  it('says the dashboard is not reachable when nothing listens', async () => {
    const address = await deadAddress();
    await rejectsWith(
      new RayClient(address).version(),
      ErrorCode.Unreadable,
      new RegExp(`^Ray dashboard ${address} is not reachable \\(connection refused\\): is the cluster up and the address right\\?$`),
    );
  });
});

describe('Ray runs', () => {
  it('launches a job, mirrors its log, parses its verl metrics and records success', async () => {
    const s = await server({ lines: VERL_LINES });
    const { ws, sup } = setup(s.address);
    const started = await sup.launch(ws.profiles, 'ray-run');
    assert.deepEqual([started.state, started.backend, started.pid], ['pending', 'ray', null]);
    assert.match(started.jobId!, /^rollout-lens-ray-run-1-[0-9a-f]{8}$/);
    const body = s.jobs.get(started.jobId!)!.body;
    assert.deepEqual(body, {
      entrypoint: `python3 -m verl.trainer.main_ppo 'data.train_files=['\\''/d/train.parquet'\\'']' trainer.total_epochs=1`,
      submission_id: started.jobId,
      runtime_env: {
        working_dir: '/code',
        env_vars: { A: '1', WANDB_MODE: 'offline', ROLLOUT_LENS_RUN: 'ray-run', ROLLOUT_LENS_ATTEMPT: '1' },
      },
      metadata: { rollout_lens_run: 'ray-run', rollout_lens_attempt: '1' },
      entrypoint_num_gpus: 8,
    });
    const end = await sup.waitForEnd('ray-run', 10_000);
    assert.deepEqual(
      { state: end.state, exitCode: end.exitCode, lastStep: end.lastStep, note: end.exitNote },
      { state: 'succeeded', exitCode: 0, lastStep: 3, note: 'Ray job SUCCEEDED: Job finished successfully.' },
    );
    assert.match(
      fs.readFileSync(end.logPath, 'utf8'),
      /Running entrypoint for job rollout-lens-ray-run-1-\w+: python3 -m verl[^\n]*\n\(TaskRunner pid=81234\) step:1 - /,
    );
    const score = ws.store.db
      .prepare(
        "SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'critic/score/mean' ORDER BY m.step",
      )
      .raw()
      .all();
    assert.deepEqual(score, [
      [1, 0.25],
      [2, 0.5],
      [3, 0.75],
    ]);
    const page = await sup.log('ray-run', 0, 1 << 20);
    assert.equal(page.text, fs.readFileSync(end.logPath, 'utf8'));
  });

  it('records a failed job with its driver exit code', async () => {
    const s = await server({
      lines: ['Traceback (most recent call last):', 'RuntimeError: CUDA out of memory'],
    });
    const { ws, sup } = setup(s.address);
    (ws.profiles.profiles[0]!.args as string[]).push('; exit 3');
    await sup.launch(ws.profiles, 'ray-run');
    const end = await sup.waitForEnd('ray-run', 10_000);
    assert.deepEqual([end.state, end.exitCode], ['failed', 3]);
    assert.equal(end.exitNote, 'Ray job FAILED (JOB_ENTRYPOINT_COMMAND_ERROR): Job entrypoint command failed with exit code 3');
  });

  it('stops a running job through the API', async () => {
    const s = await server({ lines: Array.from({ length: 500 }, (_, i) => `tick ${i}`), pendingMs: 50 });
    const { ws, sup } = setup(s.address);
    const started = await sup.launch(ws.profiles, 'ray-run');
    await waitFor(() => sup.runs.latest('ray-run')!.state === 'running', 5000, 'RUNNING');
    const end = await sup.stop('ray-run');
    assert.deepEqual([end.state, end.exitNote], ['stopped', 'Ray job STOPPED: Job was intentionally stopped.']);
    assert.ok(s.requests.includes(`POST /api/jobs/${started.jobId}/stop`));
  });

  it('refuses a launch when the dashboard is down, and records why', async () => {
    const { ws, sup } = setup(await deadAddress());
    await rejectsWith(
      sup.launch(ws.profiles, 'ray-run'),
      ErrorCode.Unreadable,
      /^Ray dashboard http:\/\/127\.0\.0\.1:\d+ is not reachable \(connection refused\)/,
    );
    const [st] = await sup.status('ray-run');
    assert.deepEqual([st!.state, st!.exitNote], ['failed', 'did not start']);
  });

  it('keeps a run whose dashboard went away, saying so, and marks a job the cluster forgot as lost', async () => {
    const s = await server({ lines: Array.from({ length: 500 }, (_, i) => `tick ${i}`), pendingMs: 20 });
    const { ws, sup } = setup(s.address);
    const started = await sup.launch(ws.profiles, 'ray-run');
    await waitFor(() => sup.runs.latest('ray-run')!.state === 'running', 5000, 'RUNNING');
    const port = new URL(s.address).port;
    await s.close();
    await waitFor(() => /not reachable/.test(sup.runs.latest('ray-run')!.message ?? ''), 5000, 'unreachable message');
    assert.equal(sup.runs.latest('ray-run')!.state, 'running');
    await s.start(Number(port));
    await waitFor(() => sup.runs.latest('ray-run')!.message === null, 5000, 'message cleared once reachable');
    s.jobs.get(started.jobId!)!.deleted = true;
    const end = await sup.waitForEnd('ray-run', 5000);
    assert.equal(end.state, 'lost');
    assert.match(end.exitNote!, /^Ray no longer knows job rollout-lens-ray-run-1-\w+ \(deleted, or the cluster restarted\)/);
  });
});
