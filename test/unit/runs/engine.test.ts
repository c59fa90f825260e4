// The run methods of the engine protocol, both ends in memory (RpcEndpoint ⇄ EngineServer).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { RunMethods, RunNotifications } from '../../../src/shared/protocol/runs';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import type { LogPage, ProfileInfo, RunStatus } from '../../../src/shared/runs';
import { tempDir, transportPair, waitFor } from '../../helpers';
import { TRAINERS, assertNoProcesses, killGroup } from './helpers';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function engine(trusted: boolean): Promise<{ client: RpcEndpoint; notes: RunStatus[]; workspace: string }> {
  const [a, b] = transportPair();
  const server = new EngineServer(new RpcEndpoint(b));
  const client = new RpcEndpoint(a);
  const notes: RunStatus[] = [];
  client.onNotification(RunNotifications.runStatus, (s) => notes.push(s));
  const workspace = tempDir('rl-engine-');
  fs.mkdirSync(path.join(workspace, '.rollout-lens'));
  fs.writeFileSync(
    path.join(workspace, '.rollout-lens', 'runs.json'),
    JSON.stringify({
      profiles: [
        {
          name: 'train',
          description: 'forks workers',
          command: 'python3',
          args: [path.join(TRAINERS, 'forking_trainer.py'), '1000', '0.05', '${runDir}/pids'],
          outputs: { paths: ['${runDir}/out'], format: 'native' },
        },
        {
          name: 'verl-job',
          trainer: 'verl',
          backend: 'slurm',
          command: 'python3',
          args: ['-m', 'verl.trainer.main_ppo'],
          slurm: { partition: 'gpu', gres: 'gpu:8' },
        },
      ],
    }),
  );
  await client.request('initialize', { db: path.join(workspace, 'lens.db'), settings: { trusted } });
  cleanups.push(() => server.dispose());
  return { client, notes, workspace };
}

describe('engine run methods', () => {
  it('lists the profiles of a workspace with expanded commands, outputs and warnings', async () => {
    const { client, workspace } = await engine(false);
    const list = (await client.request(RunMethods.profiles.name, { workspace })) as ProfileInfo[];
    assert.deepEqual(
      list.map((p) => [p.name, p.backend, p.trainer, p.format, p.outputs, p.warnings.length]),
      [
        ['train', 'local', 'native', 'native', [path.join(workspace, '.rollout-lens', 'runs', 'train', 'out')], 0],
        ['verl-job', 'slurm', 'verl', 'verl', [], 1],
      ],
    );
    assert.match(list[0]!.commandLine, /^python3 \/\S+\/forking_trainer\.py 1000 0\.05 \/\S+\/runs\/train\/pids$/);
  });

  it('refuses to launch in an untrusted workspace, saying why', async () => {
    const { client, workspace } = await engine(false);
    await assert.rejects(client.request(RunMethods.launch.name, { workspace, profile: 'train' }), (e: unknown) => {
      assert.ok(e instanceof LensError);
      assert.equal(e.code, ErrorCode.Untrusted);
      assert.match(e.message, /^launching profile "train" refused: this workspace is not trusted, and a run profile executes commands/);
      return true;
    });
  });

  it('launches, notifies runs/statusChanged, answers status and log pages, and stops the run', async () => {
    const { client, notes, workspace } = await engine(true);
    const started = (await client.request(RunMethods.launch.name, {
      workspace,
      profile: 'train',
      run: 'train-a',
    })) as RunStatus;
    cleanups.push(async () => killGroup(started.pid));
    assert.deepEqual([started.run, started.profile, started.state, started.following], ['train-a', 'train', 'running', true]);
    await waitFor(() => notes.some((n) => n.run === 'train-a' && (n.lastStep ?? 0) >= 2), 15_000, 'a runs/statusChanged with step 2');
    const [st] = (await client.request(RunMethods.status.name, {})) as RunStatus[];
    assert.deepEqual([st!.run, st!.state, st!.pid], ['train-a', 'running', started.pid]);
    const page = (await client.request(RunMethods.log.name, {
      run: 'train-a',
      offset: 0,
      limit: 4096,
    })) as LogPage;
    assert.match(page.text, / sup started pid \d+: python3 /);
    assert.ok(page.nextOffset > 0 && page.nextOffset <= 4096);
    const stopped = (await client.request(RunMethods.stop.name, { run: 'train-a' })) as RunStatus;
    assert.deepEqual([stopped.state, stopped.signal], ['stopped', 'SIGINT']);
    assert.equal(notes.at(-1)!.state, 'stopped');
    assertNoProcesses(started.pid);
  });

  it('validates params and names unknown runs', async () => {
    const { client, workspace } = await engine(true);
    await assert.rejects(client.request(RunMethods.log.name, { run: 'x', limit: 0 }), /^LensError: runs\/log: limit: /);
    await assert.rejects(client.request(RunMethods.stop.name, { run: 'never' }), /run "never" was never launched/);
    await assert.rejects(
      client.request(RunMethods.launch.name, { workspace, profile: 'missing' }),
      /no profile named "missing" \(profiles: train, verl-job\)/,
    );
  });
});
