// The Slurm backend against a real one-node Slurm (scripts/slurm-setup.mjs installs and starts it;
// the `slurm` suite calls ensureSlurm() before these tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SlurmBackend, batchScript } from '../../src/core/runs/slurmBackend';
import { RunSupervisor, type SupervisorOptions } from '../../src/core/runs/supervisor';
import { ErrorCode, LensError } from '../../src/shared/errors';
import { ROOT, tempDir } from '../helpers';
import { workspace, type Workspace } from '../unit/runs/helpers';

const opened: Array<{ ws: Workspace; sup: RunSupervisor }> = [];
const jobs: string[] = [];

function setup(profiles: unknown[], opts: SupervisorOptions = {}): { ws: Workspace; sup: RunSupervisor } {
  const ws = workspace(profiles);
  const sup = new RunSupervisor(ws.store, { pollMs: 200, ingestPollMs: 200, gpu: false, ...opts });
  opened.push({ ws, sup });
  return { ws, sup };
}

/** A configuration whose controller port nothing listens on: Slurm "down", answering at once. */
function downConf(): string {
  const conf = fs.readFileSync(process.env['SLURM_CONF'] ?? '/etc/slurm/slurm.conf', 'utf8');
  const file = path.join(tempDir('rl-slurm-'), 'down.conf');
  fs.writeFileSync(file, conf.replace(/^SlurmctldPort=.*\n/m, '') + 'SlurmctldPort=7\nMessageTimeout=1\nTCPTimeout=1\n');
  return file;
}

function squeue(id: string): string {
  return spawnSync('squeue', ['-j', id, '-h', '-o', '%T'], {
    encoding: 'utf8',
    timeout: 10_000,
  }).stdout.trim();
}

before(() => {
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0 || !/idle|mix|alloc/.test(r.stdout)) {
    throw new Error(
      `Slurm is not answering with a usable node (sinfo: ${(r.stdout + r.stderr).trim() || r.error?.message}); run \`node scripts/slurm-setup.mjs\` as root first`,
    );
  }
});

after(async () => {
  for (const id of jobs) spawnSync('scancel', [id], { timeout: 10_000 });
  for (const { ws, sup } of opened) {
    await sup.dispose();
    ws.store.close();
  }
});

const shell = (name: string, script: string, slurm: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  backend: 'slurm',
  command: 'sh',
  args: ['-c', script],
  slurm: { partition: 'debug', time: '00:05:00', ...slurm },
});

describe('Slurm runs (real Slurm)', () => {
  it('submits a batch job, follows PENDING/RUNNING to COMPLETED, reads its output file and metrics', async () => {
    const { ws, sup } = setup([
      shell('ok', 'echo "step:1 - loss:0.5 - reward:0.25"; sleep 1; echo "step:2 - loss:0.25"; echo "to stderr" >&2', {
        sbatch: ['--cpus-per-task=1', '#SBATCH --mem=100M'],
      }),
    ]);
    const started = await sup.launch(ws.profiles, 'ok');
    jobs.push(started.jobId!);
    assert.deepEqual([started.backend, started.pid, /^\d+$/.test(started.jobId!)], ['slurm', null, true]);
    assert.equal(started.logPath, path.join(started.runDir, `slurm-1-${started.jobId}.out`));
    const script = fs.readFileSync(path.join(started.runDir, 'run-1.sbatch'), 'utf8');
    assert.match(
      script,
      /^#!\/bin\/bash\n#SBATCH --job-name=ok\n#SBATCH --output=\S+\/slurm-1-%j\.out\n#SBATCH --chdir=\S+\n#SBATCH --partition=debug\n#SBATCH --time=00:05:00\n#SBATCH --cpus-per-task=1\n#SBATCH --mem=100M\n/,
    );
    const end = await sup.waitForEnd('ok', 60_000);
    assert.deepEqual([end.state, end.exitCode, end.signal, end.lastStep], ['succeeded', 0, null, 2]);
    assert.match(end.exitNote!, new RegExp(`^scontrol show job ${end.jobId}: JobState=COMPLETED ExitCode=0:0`));
    assert.equal(fs.readFileSync(end.logPath, 'utf8'), 'step:1 - loss:0.5 - reward:0.25\nstep:2 - loss:0.25\nto stderr\n');
    const loss = ws.store.db
      .prepare("SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'loss' ORDER BY m.step")
      .raw()
      .all();
    assert.deepEqual(loss, [
      [1, 0.5],
      [2, 0.25],
    ]);
    assert.equal(squeue(end.jobId!), '');
  });

  it('records a failing job with its exit code', async () => {
    const { ws, sup } = setup([shell('bad', 'echo failing; exit 3')]);
    const s = await sup.launch(ws.profiles, 'bad');
    jobs.push(s.jobId!);
    const end = await sup.waitForEnd('bad', 60_000);
    assert.deepEqual([end.state, end.exitCode], ['failed', 3]);
    assert.equal(end.exitNote, `scontrol show job ${end.jobId}: JobState=FAILED ExitCode=3:0, reason NonZeroExitCode`);
  });

  it('cancels a running job with scancel', async () => {
    const { ws, sup } = setup([shell('cancel', 'echo started; sleep 300')]);
    const s = await sup.launch(ws.profiles, 'cancel');
    jobs.push(s.jobId!);
    const t0 = Date.now();
    for (;;) {
      if (squeue(s.jobId!) === 'RUNNING') break;
      if (Date.now() - t0 > 30_000) throw new Error('the job did not start within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const end = await sup.stop('cancel');
    assert.equal(end.state, 'stopped');
    assert.match(end.exitNote!, new RegExp(`^scontrol show job ${s.jobId}: JobState=CANCELLED `));
    assert.equal(squeue(s.jobId!), '');
  });

  it("reports a job sbatch rejects (unknown partition) with Slurm's reason", async () => {
    const { ws, sup } = setup([shell('nopart', 'true', { partition: 'no-such-partition' })]);
    await assert.rejects(sup.launch(ws.profiles, 'nopart'), (e: unknown) => {
      assert.ok(e instanceof LensError);
      assert.equal(e.code, ErrorCode.BadInput);
      assert.match(
        e.message,
        /^sbatch rejected the job \(profile nopart, script \S+\/run-1\.sbatch\): invalid partition specified: no-such-partition; Batch job submission failed: Invalid partition name specified$/,
      );
      return true;
    });
    const [st] = await sup.status('nopart');
    assert.deepEqual([st!.state, st!.exitNote], ['failed', 'did not start']);
  });

  // Slurm's own retries would take a minute: the test's timeout catches them, no timed assertion.
  it("says Slurm is down when its controller does not answer, at once, and keeps a running job's state", { timeout: 45_000 }, async () => {
    const down = { SLURM_CONF: downConf() };
    const { ws, sup } = setup([shell('down', 'true')], {
      backends: { slurm: new SlurmBackend({ env: { ...process.env, ...down } }) },
    });
    await assert.rejects(
      sup.launch(ws.profiles, 'down'),
      /^LensError: Slurm is down or unreachable \(sbatch\): Batch job submission failed: Unable to contact slurm controller \(connect failure\)$/,
    );
    const live = setup([shell('live', 'sleep 300')]);
    const s = await live.sup.launch(live.ws.profiles, 'live');
    jobs.push(s.jobId!);
    await live.sup.dispose();
    // Another supervisor whose Slurm is unreachable: the run stays as it was, with a message.
    const blind = new RunSupervisor(live.ws.store, {
      gpu: false,
      backends: { slurm: new SlurmBackend({ env: { ...process.env, ...down } }) },
    });
    opened.push({ ws: live.ws, sup: blind });
    const [st] = await blind.status('live');
    assert.ok(st!.state === 'pending' || st!.state === 'running', st!.state);
    assert.match(st!.message!, /^Slurm is down or unreachable \(squeue\): Unable to contact slurm controller \(connect failure\)$/);
    spawnSync('scancel', [s.jobId!], { timeout: 10_000 });
    const t1 = Date.now();
    while (squeue(s.jobId!) !== '' && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 200));
    assert.equal(squeue(s.jobId!), '', 'the job is gone');
  });

  it(
    "says Slurm is not configured when its configuration file is missing, without Slurm's 60 s of retries",
    { timeout: 30_000 },
    async () => {
      const { ws, sup } = setup([shell('noconf', 'true')], {
        backends: {
          slurm: new SlurmBackend({ env: { ...process.env, SLURM_CONF: '/nonexistent/slurm.conf' } }),
        },
      });
      await assert.rejects(
        sup.launch(ws.profiles, 'noconf'),
        /^LensError: Slurm is not configured on this machine \(SLURM_CONF=\/nonexistent\/slurm\.conf\): s_p_parse_file: cannot stat file \/nonexistent\/slurm\.conf/,
      );
    },
  );

  it('writes #SBATCH lines for GPUs, nodes, account and QOS', () => {
    const script = batchScript(
      {
        name: 'p',
        description: null,
        trainer: 'verl',
        backend: 'slurm',
        command: 'python3',
        args: ['-m', 'verl.trainer.main_ppo', 'a b'],
        cwd: '/w',
        env: { HF_HOME: '/cache dir' },
        outputs: [],
        format: 'verl',
        logMetrics: true,
        sigintMs: 1,
        sigtermMs: 1,
        warnings: [],
        ray: {},
        slurm: {
          partition: 'gpu',
          nodes: 2,
          gres: 'gpu:8',
          gpusPerNode: 8,
          cpusPerTask: 32,
          mem: '500G',
          time: '2-00:00:00',
          account: 'rl',
          qos: 'high',
          sbatch: ['--exclusive'],
        },
      },
      { run: 'r', run_dir: '/w/.rollout-lens/runs/r', attempt: 2 },
      '/w/.rollout-lens/runs/r/slurm-2-%j.out',
    );
    assert.equal(
      script,
      [
        '#!/bin/bash',
        '#SBATCH --job-name=r',
        '#SBATCH --output=/w/.rollout-lens/runs/r/slurm-2-%j.out',
        '#SBATCH --chdir=/w',
        '#SBATCH --partition=gpu',
        '#SBATCH --nodes=2',
        '#SBATCH --gres=gpu:8',
        '#SBATCH --gpus-per-node=8',
        '#SBATCH --cpus-per-task=32',
        '#SBATCH --mem=500G',
        '#SBATCH --time=2-00:00:00',
        '#SBATCH --account=rl',
        '#SBATCH --qos=high',
        '#SBATCH --exclusive',
        '',
        '# Written by Rollout Lens for this launch; the environment below comes from the profile.',
        "export HF_HOME='/cache dir'",
        'export ROLLOUT_LENS_RUN=r',
        'export ROLLOUT_LENS_RUN_DIR=/w/.rollout-lens/runs/r',
        'export ROLLOUT_LENS_ATTEMPT=2',
        "python3 -m verl.trainer.main_ppo 'a b'",
        '',
      ].join('\n'),
    );
  });

  it('runs the real sample GRPO run (TRL on CPU) as a Slurm job and ingests its rollouts and metrics', async (t) => {
    let python: string;
    try {
      const { ensurePythonEnv } = (await import(path.join(ROOT, 'scripts', 'python-env.mjs'))) as {
        ensurePythonEnv: (o: { quiet: boolean }) => Promise<string>;
      };
      python = await ensurePythonEnv({ quiet: true });
    } catch (e) {
      t.skip(`the sample run's Python environment could not be provisioned: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    assert.ok(fs.existsSync(python));
    // The shipped profile, pointed at this repository instead of ${workspaceFolder}, with fewer steps.
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'sample-grpo', 'runs.json'), 'utf8')) as {
      profiles: Array<Record<string, unknown>>;
    };
    const profile = JSON.parse(
      JSON.stringify(shipped.profiles.find((p) => p['name'] === 'sample-grpo-slurm')).replaceAll('${workspaceFolder}', ROOT),
    ) as Record<string, unknown>;
    const args = profile['args'] as string[];
    args[args.indexOf('--steps') + 1] = '4';
    const { ws, sup } = setup([profile]);
    const t0 = Date.now();
    const s = await sup.launch(ws.profiles, 'sample-grpo-slurm');
    jobs.push(s.jobId!);
    const end = await sup.waitForEnd('sample-grpo-slurm', 240_000);
    const seconds = (Date.now() - t0) / 1000;
    t.diagnostic(`sample run as Slurm job ${end.jobId}: ${seconds.toFixed(1)} s from sbatch to drained`);
    assert.deepEqual(
      [end.state, end.exitCode, end.lastStep],
      ['succeeded', 0, 4],
      fs.existsSync(end.logPath) ? fs.readFileSync(end.logPath, 'utf8').slice(-2000) : 'no log',
    );
    const db = ws.store.db;
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS samples, COUNT(DISTINCT group_id) AS groups FROM samples').get(), {
      samples: 64,
      groups: 8,
    });
    assert.equal(
      db.prepare('SELECT COUNT(*) FROM samples WHERE response_ids IS NOT NULL').pluck().get(),
      64,
      'native rollouts with token ids',
    );
    const reward = db
      .prepare("SELECT m.step FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE k.key = 'reward' ORDER BY m.step")
      .pluck()
      .all();
    assert.deepEqual(reward, [1, 2, 3, 4]);
    assert.match(fs.readFileSync(end.logPath, 'utf8'), /\[sample-grpo\] 4 GRPO steps in [\d.]+ s; 64 rollouts/);
  });
});
