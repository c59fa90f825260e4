// alerts/list and the alert settings through the engine's own dispatch (in memory).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import type { AlertList } from '../../../src/shared/alerts';
import type { Page, StepRow } from '../../../src/shared/explorer';
import { EngineNotifications } from '../../../src/shared/protocol/engine';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../../helpers';
import { blankAnswerRun } from './fixtures';

function inMemoryEngine(): { client: RpcEndpoint; server: EngineServer } {
  const [a, b] = transportPair();
  return { client: new RpcEndpoint(a), server: new EngineServer(new RpcEndpoint(b)) };
}

describe('engine: alerts', () => {
  it('lists a run’s alerts with the addresses of their samples, and re-judges when the settings change', async () => {
    const dir = tempDir('rl-alerts-engine-');
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, blankAnswerRun());
    const { client, server } = inMemoryEngine();
    try {
      await client.request('initialize', { db: path.join(dir, 'a.db'), settings: { alerts: { enabled: true, degenerateShare: 0.2 } } });
      await client.request('ingest', { paths: [file], run: 'demo' });
      const list = (await client.request('alerts/list', { run: 'demo' })) as AlertList;
      assert.deepEqual(
        list.alerts.map((a) => [a.kind, a.split, a.step, a.score, a.samples, a.refs]),
        [
          [
            'degenerate_output',
            'train',
            9,
            0.25,
            [76, 80],
            [
              { id: 76, split: 'train', step: 9, group: 'g9-0', index: 3 },
              { id: 80, split: 'train', step: 9, group: 'g9-1', index: 3 },
            ],
          ],
        ],
      );
      assert.deepEqual(list.disabled, []);
      const steps = (await client.request('steps/list', { run: 'demo', offset: 9, limit: 1 })) as Page<StepRow>;
      assert.deepEqual(steps.rows[0]!.alerts, ['degenerate_output']);
      // A bound above 25% clears the badge without a new ingest (re-judged in the background, then announced).
      const announced = new Promise<unknown>((resolve) => client.onNotification(EngineNotifications.runsChanged, resolve));
      await client.request('configure', { alerts: { enabled: true, degenerateShare: 0.3 } });
      assert.deepEqual(await announced, { run: 'demo' });
      const after = (await client.request('steps/list', { run: 'demo', offset: 9, limit: 1 })) as Page<StepRow>;
      assert.deepEqual(after.rows[0]!.alerts, []);
      await assert.rejects(client.request('configure', { alerts: { degenerateShare: -1 } }), /alerts\.degenerateShare/);
      await assert.rejects(client.request('configure', { alerts: { lenghtRise: 1 } }), /alerts/);
    } finally {
      server.dispose();
    }
  });
});
