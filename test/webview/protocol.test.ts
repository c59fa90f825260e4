// The webview protocols and the host-side rules, in plain Node: message validation (what the host
// drops), the estimators, the DTO converters, the page's CSP, and the snapshot channel's lifecycle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWebviewHtml, contentSecurityPolicy } from '../../src/extension/webviews/html';
import { SnapshotChannel, type Outbound } from '../../src/extension/webviews/panelLoading';
import { outcomeAdvantageValues } from '../../src/shared/advantages';
import { DASHBOARD_INBOUND, toStepColumns } from '../../src/shared/protocol/webviews/dashboard';
import { GROUP_INBOUND, expandRuns, groupCheckpointSchema, runLengths } from '../../src/shared/protocol/webviews/group';
import { MAX_INBOUND_CHARS, parseFromWebview, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import { RESCORE_INBOUND, fromEngineComparison, rescoreComparisonSchema } from '../../src/shared/protocol/webviews/rescore';
import { rescoreFixture, stepRows } from './fixtures';

const close = (a: readonly number[], b: readonly number[]): void => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - (b[i] as number)) < 1e-9, `${x} ≈ ${b[i]}`));
};

describe('messages from a webview', () => {
  it('accepts a valid request and returns its typed params', () => {
    assert.deepEqual(parseFromWebview(GROUP_INBOUND, { kind: 'request', id: 3, method: 'group/sample', params: { index: 5 } }), {
      ok: true,
      kind: 'request',
      id: 3,
      method: 'group/sample',
      params: { index: 5 },
    });
  });

  it('drops an unknown method, keeping the id so the request can be answered', () => {
    const r = parseFromWebview(GROUP_INBOUND, { kind: 'request', id: 4, method: 'engine/exec', params: {} });
    assert.deepEqual(r, { ok: false, error: 'unknown method "engine/exec"', id: 4 });
  });

  it('drops params that fail the schema (extra keys, wrong types, out of range)', () => {
    for (const params of [{ index: -1 }, { index: 1.5 }, { index: '1' }, { index: 1, sql: 'DROP TABLE samples' }, null]) {
      const r = parseFromWebview(GROUP_INBOUND, { kind: 'notify', method: 'group/compare', params });
      assert.equal(r.ok, false, JSON.stringify(params));
    }
  });

  it('drops a notification sent as a request and a bad envelope', () => {
    assert.match(
      (parseFromWebview(GROUP_INBOUND, { kind: 'request', id: 1, method: 'group/compare', params: { index: 1 } }) as { error: string })
        .error,
      /must be sent as a notify/,
    );
    for (const raw of [
      undefined,
      'ready',
      { method: 'ready' },
      { kind: 'response', id: 1, ok: true, result: 1 },
      { kind: 'notify', method: 'ready', params: {}, extra: 1 },
    ]) {
      assert.equal(parseFromWebview(GROUP_INBOUND, raw).ok, false, JSON.stringify(raw));
    }
  });

  it('drops oversized messages before parsing them', () => {
    const r = parseFromWebview(DASHBOARD_INBOUND, {
      kind: 'notify',
      method: 'dashboard/pickMetrics',
      params: { keys: ['x'.repeat(MAX_INBOUND_CHARS)] },
    });
    assert.match((r as { error: string }).error, /exceeds/);
  });

  it('checks the step range of filterSteps', () => {
    assert.equal(parseFromWebview(DASHBOARD_INBOUND, { kind: 'notify', method: 'filterSteps', params: { from: 10, to: 20 } }).ok, true);
    assert.equal(parseFromWebview(DASHBOARD_INBOUND, { kind: 'notify', method: 'filterSteps', params: { from: 20, to: 10 } }).ok, false);
  });

  it('accepts openDiff only with a complete sample reference', () => {
    const ref = { run: 'r', split: 'train', step: 1, group: 'g', index: 0 };
    assert.equal(parseFromWebview(RESCORE_INBOUND, { kind: 'notify', method: 'rescore/openDiff', params: { ref } }).ok, true);
    assert.equal(
      parseFromWebview(RESCORE_INBOUND, { kind: 'notify', method: 'rescore/openDiff', params: { ref: { ...ref, split: 'test' } } }).ok,
      false,
    );
  });
});

describe('checkpoints', () => {
  const ok = {
    v: 1,
    ref: { run: 'r', split: 'train', step: 2, group: 'g' },
    selectedNode: 3,
    selectedSample: null,
    estimator: 'tempo',
    sort: { column: 'reward', descending: true },
    filter: { text: '', finish: 'any', correct: 'any', throughSelected: false },
    collapsed: [1, 2],
    tokenHeat: true,
  };

  it('restores a checkpoint of this version', () => {
    assert.deepEqual(readCheckpoint(groupCheckpointSchema, ok), ok);
  });

  it('restores a checkpoint sorted by a box column, and one written before box columns existed', () => {
    const byIou = { ...ok, sort: { column: 'iou', descending: true } };
    assert.deepEqual(readCheckpoint(groupCheckpointSchema, byIou), byIou);
    // `ok` is a checkpoint as written before the box columns (and the token mode) existed.
    assert.deepEqual(readCheckpoint(groupCheckpointSchema, ok), ok);
    assert.equal(readCheckpoint(groupCheckpointSchema, { ...ok, sort: { column: 'giou', descending: true } }), undefined);
  });

  it('ignores another version or shape', () => {
    assert.equal(readCheckpoint(groupCheckpointSchema, { ...ok, v: 2 }), undefined);
    assert.equal(readCheckpoint(groupCheckpointSchema, { ...ok, estimator: 'ppo' }), undefined);
    assert.equal(readCheckpoint(groupCheckpointSchema, undefined), undefined);
  });
});

describe('advantage estimators (docs/algorithms.md#advantages vectors)', () => {
  it('GRPO, Dr.GRPO and RLOO on [1,0,0,0]', () => {
    close(outcomeAdvantageValues([1, 0, 0, 0], 'grpo'), [1.499997000006, -0.499999000002, -0.499999000002, -0.499999000002]);
    close(outcomeAdvantageValues([1, 0, 0, 0], 'drgrpo'), [0.75, -0.25, -0.25, -0.25]);
    close(outcomeAdvantageValues([1, 0, 0, 0], 'rloo'), [1, -1 / 3, -1 / 3, -1 / 3]);
  });

  it('GRPO on the old SimpleRL reward and a singleton', () => {
    close(outcomeAdvantageValues([1, -0.5, -1, 1], 'grpo'), [0.84887386409855, -0.60633847435611, -1.09140925384099, 0.84887386409855]);
    close(outcomeAdvantageValues([1], 'grpo'), [0.999999000001]);
    close(outcomeAdvantageValues([1], 'rloo'), [1]);
  });

  it('a degenerate group gets exactly 0 from every estimator (a float mean of 0.1s is not 0.1)', () => {
    for (const e of ['grpo', 'drgrpo', 'rloo'] as const) assert.deepEqual(outcomeAdvantageValues([0.1, 0.1, 0.1], e), [0, 0, 0]);
  });
});

describe('DTO converters', () => {
  it('run-length encodes token advantages losslessly', () => {
    const xs = [0.5, 0.5, 0.5, 1.2, 0.5, 0.5, -0.3];
    assert.deepEqual(runLengths(xs), [
      [0.5, 3],
      [1.2, 1],
      [0.5, 2],
      [-0.3, 1],
    ]);
    assert.deepEqual(expandRuns(runLengths(xs)), xs);
  });

  it('turns step statistics into aligned columns', () => {
    const cols = toStepColumns(stepRows(3));
    assert.deepEqual(cols.step, [0, 1, 2]);
    assert.equal(cols.length_unit, 'tokens');
    assert.deepEqual(Object.keys(cols.pass_at_k), ['1', '4', '8']);
    assert.equal(cols.difficulty.medium.length, 3);
    assert.equal(cols.reflection_share.length, 3);
  });

  it('maps the engine comparison to the view DTO (tp/fp/fn/tn, flips)', () => {
    const c = fromEngineComparison(
      {
        summary: {
          agreement: 0.75,
          confusion: { correct_correct: 2, correct_incorrect: 1, incorrect_correct: 0, incorrect_incorrect: 1 },
          flips: { correct_to_incorrect: 1, incorrect_to_correct: 0, advantage_sign: 2 },
        },
        steps: [
          {
            split: 'train',
            step: 1,
            mean_reward_before: 0.75,
            mean_reward_after: 0.5,
            effective_gradient_ratio_before: 1,
            effective_gradient_ratio_after: 1,
          },
        ],
        samples: [
          { split: 'train', step: 1, group: 'g', index: 2, before: 1, after: 0, delta: -1, correct_before: true, correct_after: false },
        ],
      },
      { id: 3, run: 'r', spec: 'math', status: 'complete' },
      new Map([['train/1/g/2', 'no boxed answer']]),
    );
    assert.deepEqual(c.confusion, { tp: 2, fp: 0, fn: 1, tn: 1 });
    assert.deepEqual(c.flips, { correctness: 1, advantage_sign: 2 });
    assert.deepEqual(c.samples[0], {
      ref: { run: 'r', split: 'train', step: 1, group: 'g', index: 2 },
      before: 1,
      after: 0,
      delta: -1,
      flipped: true,
      rationale: 'no boxed answer',
    });
    assert.equal(rescoreComparisonSchema.safeParse(c).success, true);
  });

  it('rejects a comparison with non-finite scores', () => {
    const bad = rescoreFixture(2);
    bad.samples[0]!.after = Number.NaN;
    assert.equal(rescoreComparisonSchema.safeParse(bad).success, false);
  });
});

describe('the page', () => {
  const html = buildWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://x/dist/webview/group.js',
    styleUri: 'https://x/dist/webview/group.css',
    title: 'Group <g>',
    nonce: 'abc123',
  });

  it('has a default-src none policy with a nonce for scripts', () => {
    assert.equal(
      contentSecurityPolicy('https://src', 'N'),
      "default-src 'none'; script-src 'nonce-N'; style-src https://src 'nonce-N'; font-src https://src; img-src https://src data:; base-uri 'none'; form-action 'none'",
    );
    assert.ok(html.replace(/&#39;/g, "'").includes(`content="default-src 'none'; script-src 'nonce-abc123';`));
  });

  it('loads the bundle by nonce and has no inline script', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, /nonce="abc123" src="https:\/\/x\/dist\/webview\/group.js"/);
    assert.equal(scripts[0]![2], '');
    assert.ok(html.includes('<title>Group &lt;g&gt;</title>'));
  });

  it('refuses a nonce that could break out of the attribute', () => {
    assert.throws(() => buildWebviewHtml({ cspSource: 's', scriptUri: 'u', styleUri: 'u', title: 't', nonce: '"><script>' }));
  });
});

describe('snapshot channel', () => {
  const setup = (visible: boolean): { ch: SnapshotChannel; sent: Outbound[] } => {
    const sent: Outbound[] = [];
    return { ch: new SnapshotChannel((m) => (sent.push(m), Promise.resolve(true)), visible), sent };
  };
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('posts nothing before ready', () => {
    const { ch, sent } = setup(true);
    ch.offer({ method: 's', params: 1 });
    assert.deepEqual(sent, []);
    ch.markReady();
    assert.deepEqual(sent, [{ method: 's', params: 1 }]);
  });

  it('keeps only the latest snapshot while hidden and posts it once visible and ready again', async () => {
    const { ch, sent } = setup(true);
    ch.markReady();
    ch.setVisible(false);
    for (let i = 1; i <= 5; i++) ch.offer({ method: 's', params: i });
    await tick();
    assert.deepEqual(sent, []);
    ch.setVisible(true);
    assert.deepEqual(sent, [], 'a shown panel has a new document: wait for its ready');
    ch.markReady();
    assert.deepEqual(sent, [{ method: 's', params: 5 }]);
  });

  it('re-posts the kept snapshot to a reloaded document', async () => {
    const { ch, sent } = setup(true);
    ch.markReady();
    ch.offer({ method: 's', params: 1 });
    await tick();
    ch.markReady();
    assert.equal(sent.length, 2);
  });
});
