import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../../src/core/runs/procfs';
import { RunSupervisor, type SupervisorOptions } from '../../../src/core/runs/supervisor';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import type { RunStatus } from '../../../src/shared/runs';
import { nativeRows, sleep, waitFor, writeJsonl } from '../../helpers';
import { TRAINERS, assertNoProcesses, killGroup, quickStop, readPids, waitForFile, workspace, type Workspace } from './helpers';

const fast: SupervisorOptions = { pollMs: 100, ingestPollMs: 100, gpu: false };
const forking = path.join(TRAINERS, 'forking_trainer.py');
const ignoring = path.join(TRAINERS, 'ignores_sigint.sh');
const opened: Array<{ ws: Workspace; sup: RunSupervisor; pids: Array<number | null> }> = [];

function setup(profiles: unknown[], opts: SupervisorOptions = {}): { ws: Workspace; sup: RunSupervisor; pids: Array<number | null> } {
  const ws = workspace(profiles);
  const entry = {
    ws,
    sup: new RunSupervisor(ws.store, { ...fast, ...opts }),
    pids: [] as Array<number | null>,
  };
  opened.push(entry);
  return entry;
}

after(async () => {
  for (const { ws, sup, pids } of opened) {
    await sup.dispose();
    pids.forEach(killGroup);
    ws.store.close();
  }
});

function metric(ws: Workspace, run: string, key: string): Array<[number, number | null]> {
  return ws.store.db
    .prepare(
      `SELECT m.step, m.value FROM metrics m JOIN metric_keys k ON k.id = m.key_id JOIN runs r ON r.id = m.run_id
        WHERE r.name = ? AND k.key = ? ORDER BY m.step`,
    )
    .raw()
    .all(run, key) as Array<[number, number | null]>;
}

async function launched(
  t: { sup: RunSupervisor; ws: Workspace; pids: Array<number | null> },
  profile: string,
  run?: string,
): Promise<RunStatus> {
  const s = await t.sup.launch(t.ws.profiles, profile, run ? { run } : {});
  t.pids.push(s.pid);
  return s;
}

describe('local runs', () => {
  it('runs a forking trainer to success: stamped log, exit code 0, verl metrics from the log, nothing left running', async () => {
    const t = setup([{ name: 'ok', command: 'python3', args: [forking, '3', '0.05', '${runDir}/pids'] }]);
    const started = await launched(t, 'ok');
    assert.deepEqual([started.state, started.backend, started.attempt, typeof started.pid], ['running', 'local', 1, 'number']);
    const end = await t.sup.waitForEnd('ok', 15_000);
    assert.deepEqual(
      {
        state: end.state,
        exitCode: end.exitCode,
        signal: end.signal,
        exitNote: end.exitNote,
        lastStep: end.lastStep,
      },
      { state: 'succeeded', exitCode: 0, signal: null, exitNote: 'recorded by the keeper', lastStep: 3 },
    );
    const log = fs.readFileSync(end.logPath, 'utf8').split('\n');
    assert.match(
      log.find((l) => l.includes('step:1 '))!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out step:1 - actor\/pg_loss:0\.5 - /,
    );
    assert.match(
      log.find((l) => l.includes('heartbeat 1'))!,
      / err worker heartbeat 1$/,
    );
    assert.match(log.at(-2)!, / sup exited with code 0$/);
    assert.deepEqual(metric(t.ws, 'ok', 'critic/score/mean'), [
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
    ]);
    assertNoProcesses(end.pid, readPids(path.join(end.runDir, 'pids')));
  });

  it('records a failing exit code as failed', async () => {
    const t = setup([{ name: 'bad', command: 'python3', args: [forking, '1', '0', '${runDir}/pids', '--exit', '3'] }]);
    await launched(t, 'bad');
    const end = await t.sup.waitForEnd('bad', 15_000);
    assert.deepEqual([end.state, end.exitCode, end.signal], ['failed', 3, null]);
    assertNoProcesses(end.pid);
  });

  it('records a run that exits at once', async () => {
    const t = setup([{ name: 'quick', command: 'sh', args: ['-c', 'echo done'] }]);
    await launched(t, 'quick');
    const end = await t.sup.waitForEnd('quick', 10_000);
    assert.deepEqual([end.state, end.exitCode], ['succeeded', 0]);
    assert.match(fs.readFileSync(end.logPath, 'utf8'), / out done\n/);
  });

  it('refuses a command that is not found, and records the failed launch', async () => {
    const t = setup([{ name: 'nope', command: 'no-such-trainer-xyz', args: ['--x'] }]);
    await assert.rejects(t.sup.launch(t.ws.profiles, 'nope'), (e: unknown) => {
      assert.ok(e instanceof LensError);
      assert.equal(e.code, ErrorCode.BadInput);
      assert.match(e.message, /^profile nope: command not found: no-such-trainer-xyz: not on PATH/);
      return true;
    });
    const [s] = await t.sup.status('nope');
    assert.deepEqual([s!.state, s!.exitNote, s!.pid], ['failed', 'did not start', null]);
    assert.match(s!.message!, /command not found: no-such-trainer-xyz/);
  });

  it('refuses a cwd that does not exist', async () => {
    const t = setup([{ name: 'nocwd', command: 'sh', args: ['-c', 'true'], cwd: '${workspaceFolder}/missing' }]);
    await assert.rejects(
      t.sup.launch(t.ws.profiles, 'nocwd'),
      /^LensError: profile nocwd: cwd \/.*\/missing does not exist or is not a folder$/,
    );
  });

  it('refuses to launch a run that is already going', async () => {
    const t = setup([{ name: 'twice', command: 'sh', args: [ignoring], stopTimeouts: quickStop }]);
    await launched(t, 'twice');
    await assert.rejects(t.sup.launch(t.ws.profiles, 'twice'), /run twice is already running \(attempt 1\); stop it first/);
    const end = await t.sup.stop('twice');
    assert.equal(end.state, 'stopped');
  });

  it('stops a trainer and its forked workers with SIGINT to the process group', async () => {
    const t = setup([{ name: 'fork', command: 'python3', args: [forking, '1000', '0.05', '${runDir}/pids'] }]);
    const s = await launched(t, 'fork');
    await waitForFile(path.join(s.runDir, 'pids'));
    const pids = readPids(path.join(s.runDir, 'pids'));
    assert.equal(
      pids.every((p) => isAlive(p)),
      true,
    );
    const end = await t.sup.stop('fork');
    assert.deepEqual(
      { state: end.state, signal: end.signal, exitCode: end.exitCode, message: end.message },
      { state: 'stopped', signal: 'SIGINT', exitCode: null, message: 'stopped with SIGINT' },
      fs.readFileSync(end.logPath, 'utf8').split('\n').slice(-15).join('\n'),
    );
    assertNoProcesses(end.pid, pids);
  });

  it('escalates to SIGTERM for a trainer that ignores SIGINT', async () => {
    const t = setup([{ name: 'deaf', command: 'sh', args: [ignoring], stopTimeouts: quickStop }]);
    const s = await launched(t, 'deaf');
    await waitFor(() => fs.existsSync(s.logPath) && fs.readFileSync(s.logPath, 'utf8').includes('tick 2'), 10_000, 'ticks');
    const end = await t.sup.stop('deaf');
    // The message says SIGINT was tried first; how long it waited is the bench's business, not a test's.
    assert.deepEqual([end.state, end.signal, end.message], ['stopped', 'SIGTERM', 'did not stop on SIGINT; stopped with SIGTERM']);
    assertNoProcesses(end.pid);
  });

  it('escalates to SIGKILL for a trainer that ignores SIGINT and SIGTERM, and says the exit status is unknown', async () => {
    const t = setup([{ name: 'stubborn', command: 'sh', args: [ignoring, '--ignore-term'], stopTimeouts: quickStop }]);
    const s = await launched(t, 'stubborn');
    await waitFor(() => fs.existsSync(s.logPath) && fs.readFileSync(s.logPath, 'utf8').includes('tick 2'), 10_000, 'ticks');
    const end = await t.sup.stop('stubborn');
    assert.deepEqual([end.state, end.signal, end.exitCode], ['stopped', 'SIGKILL', null]);
    assert.equal(end.message, 'did not stop on SIGINT, then SIGTERM; stopped with SIGKILL');
    assert.match(end.exitNote!, /^killed with SIGKILL by the supervisor; the keeper died with it/);
    assertNoProcesses(end.pid);
  });

  it('terminates workers a finished trainer left behind, and says so', async () => {
    const t = setup([{ name: 'leaky', command: 'python3', args: [forking, '1', '0', '${runDir}/pids', '--leave-workers'] }]);
    await launched(t, 'leaky');
    const end = await t.sup.waitForEnd('leaky', 15_000);
    const pids = readPids(path.join(end.runDir, 'pids'));
    assert.equal(end.state, 'succeeded');
    assert.match(
      end.message!,
      new RegExp(`^2 process\\(es\\) of the run were still running after it ended \\(pids ${pids[1]}, ${pids[2]}\\); terminated$`),
    );
    assertNoProcesses(end.pid, pids);
  });

  it('keeps a run going across a supervisor restart; the new supervisor reattaches, records the exit and parses the rest', async () => {
    const t = setup([{ name: 'long', command: 'python3', args: [forking, '12', '0.1', '${runDir}/pids'] }]);
    const s = await launched(t, 'long');
    await waitFor(() => (t.sup.runs.latest('long')?.last_step ?? 0) >= 2, 10_000, 'step 2 parsed');
    await t.sup.dispose();
    assert.equal(isAlive(s.pid!), true, 'the run outlives its supervisor');
    const before = t.sup.runs.latest('long')!;
    assert.equal(before.owner_pid, null, 'ownership released');
    const second = new RunSupervisor(t.ws.store, fast);
    opened.push({ ws: { ...t.ws, store: t.ws.store }, sup: second, pids: [] });
    const adopted = await second.reattach();
    assert.deepEqual(
      adopted.map((a) => [a.run, a.state, a.following]),
      [['long', 'running', true]],
    );
    const end = await second.waitForEnd('long', 20_000);
    assert.deepEqual([end.state, end.exitCode, end.lastStep], ['succeeded', 0, 12]);
    assert.deepEqual(
      metric(t.ws, 'long', 'actor/pg_loss').map(([step]) => step),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    const row = second.runs.latest('long')!;
    assert.equal(row.log_offset, fs.statSync(row.log_path).size);
    assertNoProcesses(end.pid);
  });

  it('records the end of a run that finished while nobody followed it, and drains its outputs then', async () => {
    const t = setup([
      {
        name: 'unwatched',
        command: 'sh',
        args: ['-c', 'mkdir -p out && cp "$SRC" out/rollouts.jsonl && echo \'{"step": 2, "metrics": {"loss": 0.5}}\''],
        cwd: '${runDir}',
        env: { SRC: '${workspaceFolder}/src.jsonl' },
        outputs: { paths: ['${runDir}/out'], format: 'native' },
      },
    ]);
    writeJsonl(path.join(t.ws.dir, 'src.jsonl'), nativeRows({ steps: 2, prompts: 2, g: 4 }));
    fs.mkdirSync(path.join(t.ws.dir, '.rollout-lens', 'runs', 'unwatched'), { recursive: true });
    const s = await launched(t, 'unwatched');
    await t.sup.dispose();
    await waitFor(() => !isAlive(s.pid!), 10_000, 'the run to end');
    assert.equal(t.sup.runs.latest('unwatched')!.state, 'running', 'nobody has seen the end yet');
    const b = new RunSupervisor(t.ws.store, { ...fast, adopt: true });
    opened.push({ ws: t.ws, sup: b, pids: [] });
    await waitFor(() => t.sup.runs.latest('unwatched')!.drained === 1, 10_000, 'the adopting supervisor to drain it');
    const [end] = await b.status('unwatched');
    assert.deepEqual([end!.state, end!.exitCode, end!.lastStep, end!.following], ['succeeded', 0, 2, false]);
    assert.equal(t.ws.store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 16);
    assert.deepEqual(metric(t.ws, 'unwatched', 'loss'), [[2, 0.5]]);
  });

  it('does not mistake a reused pid for the run (start time differs)', async () => {
    const t = setup([{ name: 'ghost', command: 'sh', args: ['-c', 'true'] }]);
    const row = t.sup.runs.insertLaunch({
      run: 'ghost',
      profileName: 'ghost',
      profile: JSON.stringify({ outputs: [], format: 'auto', logMetrics: true }),
      backend: 'local',
      runDir: path.join(t.ws.dir, 'g'),
      logPath: path.join(t.ws.dir, 'g.log'),
      owner: { pid: 1, start: 0 },
    });
    // This test process is alive, but it is not the run: its start time is not the recorded one.
    t.sup.runs.update(row.id, { state: 'running', pid: process.pid, pid_start: 1 });
    const [s] = await t.sup.status('ghost');
    assert.equal(s!.state, 'lost');
    assert.match(s!.exitNote!, /ended without writing .*run-1\.exit\.json: killed from outside/);
  });

  it("ingests the run's outputs while it runs and after a final drain", async () => {
    const t = setup([
      {
        name: 'writer',
        command: 'sh',
        args: ['-c', 'mkdir -p out && while IFS= read -r l; do printf "%s\\n" "$l" >> out/rollouts.jsonl; sleep 0.01; done < "$SRC"'],
        cwd: '${runDir}',
        env: { SRC: '${workspaceFolder}/src.jsonl' },
        outputs: { paths: ['${runDir}/out'], format: 'native' },
      },
    ]);
    writeJsonl(path.join(t.ws.dir, 'src.jsonl'), nativeRows({ steps: 4, prompts: 2, g: 4 }));
    fs.mkdirSync(path.join(t.ws.dir, '.rollout-lens', 'runs', 'writer'), { recursive: true });
    const seen: number[] = [];
    const sup = t.sup;
    await sup.launch(t.ws.profiles, 'writer');
    await waitFor(
      () => (sup.runs.maxStep(sup.runs.latest('writer')!.run_id) ?? 0) >= 1 || sup.runs.latest('writer')!.state !== 'running',
      10_000,
      'first step ingested',
    );
    seen.push(t.ws.store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get() as number);
    const end = await sup.waitForEnd('writer', 15_000);
    assert.equal(end.state, 'succeeded');
    assert.equal(t.ws.store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 32);
    assert.equal(end.lastStep, 4);
    assert.ok(seen[0]! < 32, `some samples were stored while the run was going (${seen[0]})`);
  });

  it('a re-run under the same name starts without the last step of the run before, and says it stored nothing new', async () => {
    const t = setup([
      {
        name: 'rerun',
        command: 'sh',
        args: ['-c', 'mkdir -p out && rm -f out/rollouts.jsonl && cp "$SRC" out/rollouts.jsonl'],
        cwd: '${runDir}',
        env: { SRC: '${workspaceFolder}/src.jsonl' },
        outputs: { paths: ['${runDir}/out'], format: 'native' },
      },
    ]);
    writeJsonl(path.join(t.ws.dir, 'src.jsonl'), nativeRows({ steps: 3, prompts: 2, g: 2 }));
    fs.mkdirSync(path.join(t.ws.dir, '.rollout-lens', 'runs', 'rerun'), { recursive: true });
    await t.sup.launch(t.ws.profiles, 'rerun');
    const first = await t.sup.waitForEnd('rerun', 15_000);
    assert.deepEqual([first.attempt, first.lastStep, first.message], [1, 3, null]);
    // Same identities (step, group, index), other text: what a re-run with another seed writes.
    writeJsonl(
      path.join(t.ws.dir, 'src.jsonl'),
      nativeRows({ steps: 3, prompts: 2, g: 2 }).map((r) => ({ ...r, response: `${String(r['response'])} again` })),
    );
    const second = await t.sup.launch(t.ws.profiles, 'rerun');
    assert.deepEqual([second.attempt, second.lastStep], [2, null]);
    const end = await t.sup.waitForEnd('rerun', 15_000);
    assert.equal(t.ws.store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 12);
    assert.deepEqual(
      [end.attempt, end.lastStep, end.message],
      [2, null, 'no new samples: the 12 read were already stored (same run, steps and groups); launch under another run name to keep both'],
    );
  });

  it('parses a fast-growing log in bounded passes without losing its last line', async () => {
    const t = setup([{ name: 'flood', command: 'sh', args: [path.join(TRAINERS, 'flood.sh'), '150000'] }]);
    await launched(t, 'flood');
    const end = await t.sup.waitForEnd('flood', 30_000);
    assert.equal(end.state, 'succeeded');
    const row = t.sup.runs.latest('flood')!;
    assert.ok(row.log_offset > 10_000_000, `log is ${row.log_offset} bytes`);
    assert.equal(row.log_offset, fs.statSync(row.log_path).size);
    assert.deepEqual(metric(t.ws, 'flood', 'loss'), [[1, 0.25]]);
  });

  it('restarts a stopped run as attempt 2 with its own log', async () => {
    const t = setup([{ name: 'again', command: 'sh', args: [ignoring], stopTimeouts: quickStop }]);
    const first = await launched(t, 'again');
    await sleep(200);
    const second = await t.sup.restart('again');
    t.pids.push(second.pid);
    assert.deepEqual([second.attempt, second.state, path.basename(second.logPath)], [2, 'running', 'run-2.log']);
    assertNoProcesses(first.pid);
    const end = await t.sup.stop('again');
    assert.deepEqual([end.attempt, end.state], [2, 'stopped']);
    assertNoProcesses(end.pid);
  });
});
