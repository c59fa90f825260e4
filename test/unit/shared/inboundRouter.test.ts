// The typed handler map of a webview surface: its allow-list is derived from the handlers, messages
// are validated by their descriptor before the handler sees them, and outbound names are refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GROUP_INBOUND, GroupMessages } from '../../../src/shared/protocol/webviews/group';
import { InboundRouter, inboundOf, type InboundHandlers } from '../../../src/shared/protocol/webviews/ipc';
import { RESCORE_INBOUND, RescoreMessages } from '../../../src/shared/protocol/webviews/rescore';

function groupRouter(calls: string[]): InboundRouter<typeof GroupMessages> {
  const handlers: InboundHandlers<typeof GroupMessages> = {
    ready: ({ checkpoint }) => void calls.push(`ready ${JSON.stringify(checkpoint ?? null)}`),
    sample: () => Promise.reject(new Error('not asked in these tests')),
    nodeTexts: ({ ids }) => Object.fromEntries(ids.map((id) => [String(id), `node ${id}`])),
    compare: ({ index }) => void calls.push(`compare ${index}`),
    rescore: () => void calls.push('rescore'),
    label: ({ index }) => void calls.push(`label ${index ?? 'group'}`),
    openSample: ({ index }) => void calls.push(`open ${index}`),
    tokens: () => Promise.reject(new Error('not asked in these tests')),
    image: () => Promise.reject(new Error('not asked in these tests')),
    frames: () => Promise.reject(new Error('not asked in these tests')),
    promptTimeline: () => void calls.push('timeline'),
    share: () => void calls.push('share'),
  };
  return new InboundRouter(GroupMessages, handlers);
}

describe('InboundRouter', () => {
  it('accepts exactly the methods its handlers cover, in the message table order', () => {
    assert.deepEqual(
      groupRouter([]).protocol.map((d) => `${d.type} ${d.method}`),
      [
        'notify ready',
        'request group/sample',
        'request group/nodeTexts',
        'notify group/compare',
        'notify group/rescore',
        'notify group/label',
        'notify group/openSample',
        'request group/tokens',
        'request group/image',
        'request group/frames',
        'notify group/promptTimeline',
        'notify group/share',
      ],
    );
    assert.deepEqual(
      GROUP_INBOUND.map((d) => d.method),
      [
        'ready',
        'group/sample',
        'group/nodeTexts',
        'group/compare',
        'group/rescore',
        'group/label',
        'group/openSample',
        'group/tokens',
        'group/image',
        'group/frames',
        'group/promptTimeline',
        'group/share',
      ],
    );
    assert.deepEqual(
      RESCORE_INBOUND.map((d) => d.method),
      ['ready', 'rescore/openDiff'],
    );
    assert.deepEqual(inboundOf(RescoreMessages), RESCORE_INBOUND);
  });

  it('dispatches validated params to the handler and returns a request result', async () => {
    const calls: string[] = [];
    const router = groupRouter(calls);
    const signal = new AbortController().signal;
    const texts = router.parse({ kind: 'request', id: 7, method: 'group/nodeTexts', params: { ids: [2, 5] } });
    assert.ok(texts.ok);
    assert.deepEqual(await router.dispatch(texts, signal), { '2': 'node 2', '5': 'node 5' });
    const compare = router.parse({ kind: 'notify', method: 'group/compare', params: { index: 3 } });
    assert.ok(compare.ok);
    await router.dispatch(compare, signal);
    const ready = router.parse({ kind: 'notify', method: 'ready', params: {} });
    assert.ok(ready.ok);
    await router.dispatch(ready, signal);
    for (const params of [{}, { index: 2 }]) {
      const label = router.parse({ kind: 'notify', method: 'group/label', params });
      assert.ok(label.ok);
      await router.dispatch(label, signal);
    }
    assert.equal(router.parse({ kind: 'notify', method: 'group/label', params: { index: -1 } }).ok, false);
    assert.deepEqual(calls, ['compare 3', 'ready null', 'label group', 'label 2']);
  });

  it('refuses bad params, unknown methods and the host’s own outbound names', () => {
    const router = groupRouter([]);
    assert.deepEqual(router.parse({ kind: 'notify', method: 'group/compare', params: { index: -1 } }), {
      ok: false,
      error: 'group/compare: invalid params: index: too_small (minimum 0)',
    });
    assert.deepEqual(router.parse({ kind: 'notify', method: 'group/snapshot', params: {} }), {
      ok: false,
      error: 'unknown method "group/snapshot"',
    });
    assert.deepEqual(router.parse({ kind: 'request', id: 2, method: 'engine/exec', params: {} }), {
      ok: false,
      error: 'unknown method "engine/exec"',
      id: 2,
    });
  });

  it('will not route to an outbound descriptor', () => {
    const wrong = { ready: () => undefined, snapshot: () => undefined } as unknown as InboundHandlers<typeof GroupMessages>;
    assert.throws(() => new InboundRouter(GroupMessages, wrong), /^Error: snapshot is not an inbound message of this surface$/);
  });
});
