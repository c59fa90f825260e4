// rollout-lens launch | status | stop, as child processes (Ctrl-C is a real SIGINT to the CLI).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../../src/core/runs/procfs';
import { RunSupervisor } from '../../../src/core/runs/supervisor';
import { Store } from '../../../src/core/store/store';
import { ROOT, tempDir, waitFor } from '../../helpers';
import { TRAINERS, assertNoProcesses, killGroup, readPids } from './helpers';

const RUNNER = path.join(ROOT, 'test', 'unit', 'runs', 'cliRunner.ts');
// The tests run the CLI in a temporary workspace, where a bare `--import tsx` would not resolve.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const forking = path.join(TRAINERS, 'forking_trainer.py');
const leftovers: number[] = [];
after(() => leftovers.forEach(killGroup));

function ws(profiles: unknown): string {
  const dir = tempDir('rl-cli-');
  fs.mkdirSync(path.join(dir, '.rollout-lens'));
  fs.writeFileSync(path.join(dir, '.rollout-lens', 'runs.json'), typeof profiles === 'string' ? profiles : JSON.stringify({ profiles }));
  return dir;
}

function cli(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, RUNNER, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run commands (CLI)', () => {
  it('launch --follow prints each step and the end, and exits 0 for a run that succeeded', () => {
    const dir = ws([{ name: 'train', command: 'python3', args: [forking, '3', '0.05', '${runDir}/pids'] }]);
    const r = cli(dir, ['launch', '--profile', 'train', '--follow']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'train step 1  critic/score/mean=0.1  actor/pg_loss=0.5',
      'train step 2  critic/score/mean=0.2  actor/pg_loss=0.25',
      'train step 3  critic/score/mean=0.3  actor/pg_loss=0.1667',
    ]);
    assert.equal(lines[3], `train: succeeded, exit code 0; last step 3; log ${dir}/.rollout-lens/runs/train/run-1.log`);
    assert.ok(fs.existsSync(path.join(dir, '.rollout-lens', 'rollout-lens.db')), 'default database next to the profiles');
  });

  it('Ctrl-C during launch --follow stops the run cleanly and drains; nothing is left running', async () => {
    const dir = ws([{ name: 'long', command: 'python3', args: [forking, '1000', '0.05', '${runDir}/pids'] }]);
    const child = spawn(process.execPath, ['--import', TSX, RUNNER, 'launch', '--profile', 'long', '--follow'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pidsFile = path.join(dir, '.rollout-lens', 'runs', 'long', 'pids');
    try {
      await waitFor(() => out.includes('long step 2 '), 20_000, 'step 2 printed');
      const pids = readPids(pidsFile);
      leftovers.push(pids[0]!);
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref())]);
      assert.equal(code, 0, err);
      assert.match(err, /stopping long cleanly, then reading what it wrote/);
      assert.match(out.trim().split('\n').at(-1)!, /^long: stopped, SIGINT \(stopped with SIGINT\); last step \d+; log /);
      assertNoProcesses(null, pids);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a follower killed with SIGKILL leaves the run going; a new supervisor adopts it and records its end', async () => {
    const dir = ws([{ name: 'orphan', command: 'python3', args: [forking, '30', '0.05', '${runDir}/pids'] }]);
    const child = spawn(process.execPath, ['--import', TSX, RUNNER, 'launch', '--profile', 'orphan', '--follow'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const pidsFile = path.join(dir, '.rollout-lens', 'runs', 'orphan', 'pids');
    try {
      await waitFor(() => out.includes('orphan step 2 '), 20_000, 'step 2 printed');
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    const pids = readPids(pidsFile);
    leftovers.push(pids[0]!);
    assert.equal(isAlive(pids[0]!), true, 'the run outlives its killed follower');
    const store = Store.open(path.join(dir, '.rollout-lens', 'rollout-lens.db'));
    const sup = new RunSupervisor(store, { pollMs: 100, gpu: false });
    try {
      const [adopted] = await sup.reattach();
      assert.deepEqual([adopted!.run, adopted!.state, adopted!.following], ['orphan', 'running', true]);
      const end = await sup.waitForEnd('orphan', 20_000);
      assert.deepEqual([end.state, end.exitCode, end.lastStep], ['succeeded', 0, 30]);
      assertNoProcesses(end.pid, pids);
    } finally {
      await sup.dispose();
      store.close();
    }
  });

  it('launch without --follow leaves the run going; status shows it; stop ends it', () => {
    const dir = ws([{ name: 'bg', command: 'python3', args: [forking, '1000', '0.05', '${runDir}/pids'] }]);
    const l = cli(dir, ['launch', '--profile', 'bg', '--json']);
    assert.equal(l.code, 0, l.stderr);
    const started = JSON.parse(l.stdout) as { pid: number; state: string };
    leftovers.push(started.pid);
    assert.equal(started.state, 'running');
    const st = cli(dir, ['status', '--json']);
    const [s] = JSON.parse(st.stdout) as Array<{ run: string; state: string; following: boolean }>;
    assert.deepEqual([s!.run, s!.state, s!.following], ['bg', 'running', false]);
    const table = cli(dir, ['status']).stdout.split('\n');
    assert.match(table[0]!, /^run\s+state\s+backend\s+pid\/job\s+attempt\s+step\s+exit\s+gpu\s+message$/);
    assert.match(table[1]!, new RegExp(`^bg\\s+running\\s+local\\s+${started.pid}\\s+1\\s`));
    const stop = cli(dir, ['stop', 'bg']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /^bg: stopped, SIGINT \(stopped with SIGINT\); last step/);
    assertNoProcesses(started.pid);
  });

  it('fails with one line naming the file and JSON path of a bad profile', () => {
    const dir = ws([{ name: 'x', command: 'python3', backend: 'k8s' }]);
    const r = cli(dir, ['launch', '--profile', 'x']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `rollout-lens: ${dir}/.rollout-lens/runs.json: $.profiles[0].backend: unknown backend "k8s" (use local, slurm, ray)\n`,
    );
    const s = cli(tempDir(), ['status']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /no database here; pass --db FILE\n$/);
  });
});
