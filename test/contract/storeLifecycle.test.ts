// The engine server's StoreLifecycle hook: an area (the run supervisor) is told when a database
// opened, and is awaited while that database is still open before it closes or another one opens.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../src/engine/server';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { tempDir, transportPair } from '../helpers';

describe('StoreLifecycle', () => {
  it('opens after initialize, and finishes with the old database before it closes', async () => {
    const dir = tempDir();
    const [a, b] = transportPair();
    const server = new EngineServer(new RpcEndpoint(b));
    const client = new RpcEndpoint(a);
    const events: string[] = [];
    server.onStore({
      opened: (store) => void events.push(`opened ${path.basename(store.file)}`),
      closing: async () => {
        await new Promise((r) => setImmediate(r));
        // Still open while the area finishes with it.
        events.push(`closing ${path.basename(server.requireStore().file)}`);
      },
    });
    await client.request('initialize', { db: path.join(dir, 'one.db') });
    await client.request('initialize', { db: path.join(dir, 'two.db') });
    await server.dispose();
    assert.deepEqual(events, ['opened one.db', 'closing one.db', 'opened two.db', 'closing two.db']);
    assert.throws(() => server.requireStore(), /no database open/);
  });
});
