// labels/* through the engine's own dispatch (in memory): typed params, the label filter, and the
// run announced as changed so the explorer and an open group view show the label.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import type { GroupRow, Page, SampleRow } from '../../../src/shared/explorer';
import type { GroupLabels, LabelAddResult, LabelEntry, LabelTagCount } from '../../../src/shared/labels';
import { EngineNotifications } from '../../../src/shared/protocol/engine';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../../helpers';

describe('engine: labels', () => {
  it('adds, lists, filters and removes labels, announcing each change', async () => {
    const dir = tempDir('rl-labels-engine-');
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(
      file,
      ['a', 'b'].flatMap((group) => [0, 1].map((i) => ({ step: 2, group, prompt: `p${group}`, response: `r${i}`, reward: i }))),
    );
    const [a, b] = transportPair();
    const client = new RpcEndpoint(a);
    const server = new EngineServer(new RpcEndpoint(b));
    try {
      await client.request('initialize', { db: path.join(dir, 'a.db') });
      await client.request('ingest', { paths: [file], run: 'demo' });
      const ref = { run: 'demo', split: 'train', step: 2, group: 'b' };
      const announced = new Promise<unknown>((resolve) => client.onNotification(EngineNotifications.runsChanged, resolve));
      const added = (await client.request('labels/add', { ...ref, index: 1, tag: 'reward-hack', note: 'n' })) as LabelAddResult;
      assert.deepEqual(await announced, { run: 'demo' });
      assert.deepEqual(
        [added.added, added.label.index, added.label.tag, added.label.note, added.label.missing],
        [true, 1, 'reward-hack', 'n', false],
      );
      await client.request('labels/add', { ...ref, tag: 'bad-gt' });
      const groups = (await client.request('groups/list', {
        run: 'demo',
        split: 'train',
        step: 2,
        offset: 0,
        limit: 10,
        filter: { label: 'reward-hack' },
      })) as Page<GroupRow>;
      assert.deepEqual(
        groups.rows.map((g) => [g.group, g.labels]),
        [['b', ['bad-gt', 'reward-hack']]],
      );
      const samples = (await client.request('samples/list', { ...ref, filter: { label: 'reward-hack' } })) as SampleRow[];
      assert.deepEqual(
        samples.map((s) => [s.index, s.labels]),
        [[1, ['reward-hack']]],
      );
      const gl = (await client.request('labels/group', ref)) as GroupLabels;
      assert.deepEqual([gl.group.map((l) => l.tag), gl.samples.map((s) => s.index)], [['bad-gt'], [1]]);
      assert.deepEqual((await client.request('labels/tags', { run: 'demo' })) as LabelTagCount[], [
        { tag: 'bad-gt', count: 1, missing: 0 },
        { tag: 'reward-hack', count: 1, missing: 0 },
      ]);
      assert.deepEqual(await client.request('labels/remove', { ...ref, tag: 'bad-gt' }), { removed: true });
      const left = (await client.request('labels/list', { run: 'demo' })) as LabelEntry[];
      assert.deepEqual(
        left.map((l) => [l.group, l.index, l.tag]),
        [['b', 1, 'reward-hack']],
      );
      await assert.rejects(client.request('labels/add', { ...ref, tag: 'two words' }), /invalid label tag "two words"/);
      await assert.rejects(client.request('labels/add', { ...ref, tag: 'x'.repeat(41) }), /tag/);
      await assert.rejects(client.request('labels/add', { ...ref, index: -1, tag: 'x' }), /index/);
    } finally {
      await server.dispose();
    }
  });
});
