// The advantages / reflect / knapsack CLI commands: JSON shapes and errors naming file and field.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../../../src/cli/output';
import { LensError } from '../../../src/shared/errors';
import { run, tempInputs } from './cliRun';
import { assertAllClose, assertClose } from './helpers';

const { dir, file } = tempInputs();

const GROUPS = {
  groups: [
    {
      uid: 'a',
      samples: [
        { reward: 1, tokens: [5, 6, 7, 8] },
        { reward: 0, tokens: [5, 6, 9] },
        { reward: 0, tokens: [5, 10, 11, 12] },
        { reward: 1, tokens: [5, 6, 7, 13] },
      ],
    },
    { uid: 'b', samples: [{ reward: 0.5, tokens: [1] }] },
  ],
};

describe('advantages', () => {
  const input = file('groups.json', GROUPS);

  test('grpo --json gives per-group mean, std and advantages; a singleton reports μ = 0, s = 1', async () => {
    const { code, out } = await run(['advantages', '--estimator', 'grpo', '--input', input, '--json']);
    assert.equal(code, 0);
    const r = JSON.parse(out) as {
      groups: Array<{ uid: string; mean: number; std: number; samples: Array<{ advantage: number }> }>;
    };
    assert.deepEqual(
      r.groups.map((g) => [g.uid, g.mean, g.std === null ? null : Number(g.std.toFixed(5))]),
      [
        ['a', 0.5, 0.57735],
        ['b', 0, 1],
      ],
    );
    assertAllClose(r.groups[1]?.samples.map((s) => s.advantage) ?? [], [0.4999995]);
  });

  test('tempo --json adds token_advantages (docs/algorithms.md#tree-output vector)', async () => {
    const { out } = await run(['advantages', '--estimator', 'tempo', '--input', input, '--json']);
    const r = JSON.parse(out) as {
      groups: Array<{ samples: Array<{ advantage: number; token_advantages: number[] }> }>;
    };
    const s0 = r.groups[0]?.samples[0];
    assertClose(s0?.advantage, 0.8660239037870368);
    assertAllClose(s0?.token_advantages ?? [], [0.8660239037870368, 1.1546985383827153, 1.4433731729783945, 0.8660239037870368]);
  });

  test('tempo --no-std gives unnormalised token advantages', async () => {
    const { out } = await run(['advantages', '--estimator', 'tempo', '--no-std', '--input', input, '--json']);
    const r = JSON.parse(out) as { groups: Array<{ samples: Array<{ token_advantages: number[] }> }> };
    assertAllClose(r.groups[0]?.samples[2]?.token_advantages ?? [], [-0.5, -1.0, -0.5, -0.5]);
  });

  test('rloo and drgrpo', async () => {
    const rloo = JSON.parse((await run(['advantages', '--estimator', 'rloo', '--input', input, '--json'])).out) as {
      groups: Array<{ samples: Array<{ advantage: number }> }>;
    };
    assertAllClose(rloo.groups[0]?.samples.map((s) => s.advantage) ?? [], [2 / 3, -2 / 3, -2 / 3, 2 / 3]);
    const dr = JSON.parse((await run(['advantages', '--estimator', 'drgrpo', '--input', input, '--json'])).out) as {
      groups: Array<{ samples: Array<{ advantage: number }> }>;
    };
    assertAllClose(dr.groups[0]?.samples.map((s) => s.advantage) ?? [], [0.5, -0.5, -0.5, 0.5]);
  });

  test('prints a table without --json', async () => {
    const { out } = await run(['advantages', '--estimator', 'grpo', '--input', input]);
    assert.match(out.split('\n')[0] ?? '', /^uid\s+sample\s+reward\s+mean\s+std\s+advantage$/);
  });

  test('an unknown estimator is a usage error', async () => {
    await assert.rejects(run(['advantages', '--estimator', 'ppo', '--input', input]), UsageError);
  });

  const badInputs: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"groups": [', /not valid JSON/],
    [
      'a string reward',
      JSON.stringify({ groups: [{ uid: 'a', samples: [{ reward: 'x' }] }] }),
      /groups\[0\]\.samples\[0\]\.reward must be a number/,
    ],
    [
      'an overflowing reward',
      '{"groups":[{"uid":"q","samples":[{"reward":1},{"reward":1e999}]}]}',
      /group "q": sample 1 has a non-finite reward/,
    ],
    ['no groups array', '{"data": []}', /groups must be an array/],
  ];
  for (const [name, content, re] of badInputs) {
    test(`${name} is a LensError naming the file and field`, async () => {
      const f = file(`${name.replace(/\W+/g, '-')}.json`, content);
      await assert.rejects(
        run(['advantages', '--estimator', 'grpo', '--input', f]),
        (e: unknown) => e instanceof LensError && e.message.startsWith(f) && re.test(e.message),
      );
    });
  }
  test('tempo without tokens names the sample', async () => {
    const f = file('no-tokens.json', { groups: [{ uid: 'a', samples: [{ reward: 1 }] }] });
    await assert.rejects(run(['advantages', '--estimator', 'tempo', '--input', f]), /groups\[0\]\.samples\[0\]\.tokens/);
  });
  test('a missing file names it', async () => {
    const f = path.join(dir, 'absent.json');
    await assert.rejects(
      run(['advantages', '--estimator', 'grpo', '--input', f]),
      (e: unknown) => e instanceof LensError && e.message.includes(f),
    );
  });
});

describe('reflect', () => {
  const TEXT = 'Wait, let me recheck. However, alternatively... WAIT; awaiting';
  test('--mode substring --json on the docs/algorithms.md#reflection string → count 6 with spans', async () => {
    const { out } = await run(['reflect', '--mode', 'substring', '--text', TEXT, '--json']);
    const r = JSON.parse(out) as {
      count: number;
      hits: Array<{ keyword: string; start: number; end: number }>;
    };
    assert.equal(r.count, 6);
    assert.deepEqual(r.hits[5], { keyword: 'wait', start: 55, end: 59 });
  });
  test('default word mode → 5', async () => {
    const r = JSON.parse((await run(['reflect', '--text', TEXT, '--json'])).out) as { count: number };
    assert.equal(r.count, 5);
  });
  test('--keywords takes a user list', async () => {
    const r = JSON.parse((await run(['reflect', '--keywords', 'let me,hmm', '--text', TEXT, '--json'])).out) as { count: number };
    assert.equal(r.count, 1);
  });
  test('--preset and --keywords together, or a bad mode, are usage errors', async () => {
    await assert.rejects(run(['reflect', '--preset', 'simplerl', '--keywords', 'x', '--text', 't']), UsageError);
    await assert.rejects(run(['reflect', '--mode', 'regex', '--text', 't']), UsageError);
  });
  test('an unknown preset lists the presets', async () => {
    await assert.rejects(run(['reflect', '--preset', 'nope', '--text', 't']), /presets: simplerl/);
  });
});

describe('knapsack', () => {
  test('docs/algorithms.md#knapsack allocation as JSON', async () => {
    const ps = [0, 0.125, 0.5, 0.875, 1, 0.25, null, 0.625].map((p) => (p === null ? { valid: false } : { valid: true, p }));
    const f = file('ks.json', { n: 8, min_n: 2, max_n: 32, prompts: ps });
    const r = JSON.parse((await run(['knapsack', '--input', f, '--json'])).out) as Record<string, unknown>;
    assert.deepEqual(r, {
      allocation: [2, 19, 7, 5, 2, 13, 8, 8],
      budget: 64,
      fallback: false,
      fallback_effective_ratio: null,
    });
  });
  test('docs/algorithms.md#knapsack fallback as JSON', async () => {
    const f = file('ks-fb.json', {
      n: 8,
      min_n: 2,
      max_n: 16,
      prompts: [0, 0, 0.5, 1].map((p) => ({ valid: true, p })),
    });
    const r = JSON.parse((await run(['knapsack', '--input', f, '--json'])).out) as Record<string, unknown>;
    assert.deepEqual(r, {
      allocation: [13, 12, 5, 2],
      budget: 32,
      fallback: true,
      fallback_effective_ratio: 0.125,
    });
  });
  test('bad fields are named', async () => {
    const f = file('ks-bad.json', { n: 8, min_n: 2, prompts: [{ valid: true, p: 0.5 }] });
    await assert.rejects(run(['knapsack', '--input', f]), /ks-bad\.json: max_n must be an integer/);
    const g = file('ks-bad2.json', { n: 8, min_n: 2, max_n: 8, prompts: [{ valid: 'yes', p: 0.5 }] });
    await assert.rejects(run(['knapsack', '--input', g]), /prompts\[0\]\.valid must be true or false/);
    const h = file('ks-bad3.json', { n: 1, min_n: 2, max_n: 8, prompts: [{ valid: true, p: 0.5 }] });
    await assert.rejects(run(['knapsack', '--input', h]), /ks-bad3\.json: knapsack: the budget/);
  });
});
