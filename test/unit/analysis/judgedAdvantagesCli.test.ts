// `advantages --estimator brpo|multi-rm|verifree`: the --input additions (votes and reference,
// components, p_reward / logp_reward), the options, the JSON shapes with literal values (worked in
// judgedAdvantages.test.ts and in the comments here), and bad input naming the file and the field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../../src/cli/output';
import { LensError } from '../../../src/shared/errors';
import { run, tempInputs } from './cliRun';

const { file } = tempInputs();

/** Rounds every number to 12 significant digits, so literals compare without the last ulp. */
function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

async function json(args: string[]): Promise<unknown> {
  const { code, out } = await run(['advantages', ...args, '--json']);
  assert.equal(code, 0);
  return rounded(JSON.parse(out) as unknown);
}

const WON = [
  { order: 'ab', win: true },
  { order: 'ba', win: true },
];
const SPLIT = [
  { order: 'ab', win: true },
  { order: 'ba', win: false },
];
const LOST = [
  { order: 'ab', win: false },
  { order: 'ba', win: false },
];
const TIED = [
  { order: 'ab', win: true },
  { order: 'ba', win: null },
];

describe('advantages --estimator brpo', () => {
  // A TRL-style batch: the reward column is 0 and ignored; the reference carries no votes.
  const input = file('brpo.json', {
    groups: [
      { uid: 'w1', reference: 0, samples: [{ reward: 0 }, { reward: 0, votes: WON }, { votes: SPLIT }, { votes: LOST }] },
      { uid: 'w2', reference: 1, samples: [{ votes: WON }, {}, { votes: WON }, { votes: TIED }] },
      { uid: 'w3', reference: 0, samples: [{}, { votes: WON }, { votes: WON }, { votes: WON }] },
    ],
  });
  const s = (verdict: number | null, advantage: number): { verdict: number | null; advantage: number } => ({ verdict, advantage });

  test('defaults τ = 0.6, ties lose, rule all; the skewed group is dropped with every advantage 0', async () => {
    // w1: [0, +1, −1, −1], Σ = −1, 1/4 = 0.25 kept, preference 1/3.
    // w2: reference 1; the tie loses → [+1, 0, +1, −1], Σ = 1, 0.25 kept, preference 2/3.
    // w3: [0, +1, +1, +1], Σ = 3, 3/4 = 0.75 > 0.6 → dropped, all 0, preference 1.
    assert.deepEqual(await json(['--estimator', 'brpo', '--input', input]), {
      estimator: 'brpo',
      tau: 0.6,
      ties: 'lose',
      rule: 'all',
      groups: [
        {
          uid: 'w1',
          reference: 0,
          skew: 0.25,
          dropped: false,
          preference: 0.333333333333,
          samples: [s(0, 0), s(1, 1), s(-1, -1), s(-1, -1)],
        },
        {
          uid: 'w2',
          reference: 1,
          skew: 0.25,
          dropped: false,
          preference: 0.666666666667,
          samples: [s(1, 1), s(0, 0), s(1, 1), s(-1, -1)],
        },
        { uid: 'w3', reference: 0, skew: 0.75, dropped: true, preference: 1, samples: [s(0, 0), s(1, 0), s(1, 0), s(1, 0)] },
      ],
      warnings: [],
    });
  });

  test('--ties win makes w2 skewed (dropped); --tau 0.8 keeps w3', async () => {
    // w2 with ties winning: [+1, 0, +1, +1], Σ = 3 → 0.75 > 0.6 → dropped. w3 at τ = 0.8: 0.75 ≤ 0.8 → kept.
    const r = (await json(['--estimator', 'brpo', '--ties', 'win', '--tau', '0.8', '--input', input])) as {
      tau: number;
      ties: string;
      groups: Array<{ dropped: boolean; samples: Array<{ advantage: number }> }>;
    };
    assert.equal(r.tau, 0.8);
    assert.equal(r.ties, 'win');
    assert.deepEqual(
      r.groups.map((g) => [g.dropped, g.samples.map((x) => x.advantage)]),
      [
        [false, [0, 1, -1, -1]],
        [false, [1, 0, 1, 1]],
        [false, [0, 1, 1, 1]],
      ],
    );
    const d = (await json(['--estimator', 'brpo', '--ties', 'win', '--input', input])) as { groups: Array<{ dropped: boolean }> };
    assert.deepEqual(
      d.groups.map((g) => g.dropped),
      [false, true, true],
    );
  });

  test('--rule majority, and a sample with no votes (verdict null, advantage 0, a warning)', async () => {
    // m1, 4 votes each: sample 1 wins 3 → all −1, majority +1; sample 2 wins 1 → −1 either way.
    //   all: [0, −1, −1], Σ = −2, 2/3 > 0.6 → dropped; majority: [0, +1, −1], Σ = 0 → kept.
    // m2: sample 2 unjudged: [+1, 0, null], Σ = 1 over G = 3 → 1/3 kept; preference 1/1.
    const three = [
      { order: 'ab', win: true },
      { order: 'ab', win: true },
      { order: 'ba', win: true },
      { order: 'ba', win: false },
    ];
    const one = three.map((v) => ({ ...v, win: !v.win }));
    const f = file('brpo-majority.json', {
      groups: [
        { uid: 'm1', reference: 0, samples: [{}, { votes: three }, { votes: one }] },
        { uid: 'm2', reference: 1, samples: [{ votes: WON }, {}, { votes: [] }] },
      ],
    });
    const all = (await json(['--estimator', 'brpo', '--input', f])) as { groups: Array<{ dropped: boolean; samples: unknown[] }> };
    assert.equal(all.groups[0]?.dropped, true);
    assert.deepEqual(await json(['--estimator', 'brpo', '--rule', 'majority', '--input', f]), {
      estimator: 'brpo',
      tau: 0.6,
      ties: 'lose',
      rule: 'majority',
      groups: [
        { uid: 'm1', reference: 0, skew: 0, dropped: false, preference: 0.5, samples: [s(0, 0), s(1, 1), s(-1, -1)] },
        { uid: 'm2', reference: 1, skew: 0.333333333333, dropped: false, preference: 1, samples: [s(1, 1), s(0, 0), s(null, 0)] },
      ],
      warnings: ['group "m2": sample 2 has no votes: no verdict, advantage 0'],
    });
  });

  test('the table shows the reference, verdict, advantage, skew and dropped', async () => {
    const { out } = await run(['advantages', '--estimator', 'brpo', '--input', input]);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^uid\s+sample\s+reference\s+verdict\s+advantage\s+skew\s+dropped$/);
    assert.match(lines[12] ?? '', /^w3\s+3\s+0\s+1\s+0\s+0\.7500\s+true$/);
  });
});

describe('advantages --estimator multi-rm', () => {
  // lw: the 3 × 3 vector of judgedAdvantages.test.ts (len [0,1,2], write [4,2,0], fmt [1,1,4]).
  // lw2: len [5, 3]: μ = 4, s = √2 → ±1/(√2 + 1e-6) = ±0.707106281187; write [1, 1] → 0; fmt
  // missing in sample 1 → [0, 0] → 0. Mean: ±0.707106281187 / 3 = ±0.235702093729.
  const input = file('multi.json', {
    groups: [
      {
        uid: 'lw',
        samples: [
          { components: { len: 0, write: 4, fmt: 1 } },
          { components: { len: 1, write: 2, fmt: 1 } },
          { components: { len: 2, write: 0, fmt: 4 } },
        ],
      },
      { uid: 'lw2', samples: [{ components: { len: 5, write: 1, fmt: 0 } }, { components: { len: 3, write: 1 } }] },
    ],
  });
  const pm = (len: number, write: number, fmt: number): Record<string, number> => ({ len, write, fmt });

  test('each model normalised in its group, then the mean; a missing score counts 0 and is warned', async () => {
    assert.deepEqual(await json(['--estimator', 'multi-rm', '--input', input]), {
      estimator: 'multi-rm',
      models: ['len', 'write', 'fmt'],
      weights: { len: 1, write: 1, fmt: 1 },
      groups: [
        {
          uid: 'lw',
          samples: [
            { advantage: -0.192449811952, per_model: pm(-0.999999000001, 0.9999995, -0.577349935856) },
            { advantage: -0.192449978619, per_model: pm(0, 0, -0.577349935856) },
            { advantage: 0.384899790571, per_model: pm(0.999999000001, -0.9999995, 1.15469987171) },
          ],
        },
        {
          uid: 'lw2',
          samples: [
            { advantage: 0.235702093729, per_model: pm(0.707106281187, 0, 0) },
            { advantage: -0.235702093729, per_model: pm(-0.707106281187, 0, 0) },
          ],
        },
      ],
      warnings: ['group "lw2": sample 1 has no "fmt" score: it counts as 0'],
    });
  });

  test('--weights picks the models and weighs them: Σ w·A / Σ w', async () => {
    // lw with len 2, write 1, fmt 1 (worked in judgedAdvantages.test.ts); lw2: 2·(±0.707106281187)/4.
    const r = (await json(['--estimator', 'multi-rm', '--weights', 'len=2,write=1,fmt=1', '--input', input])) as {
      weights: Record<string, number>;
      groups: Array<{ samples: Array<{ advantage: number }> }>;
    };
    assert.deepEqual(r.weights, { len: 2, write: 1, fmt: 1 });
    assert.deepEqual(
      r.groups.map((g) => g.samples.map((x) => x.advantage)),
      [
        [-0.394337108965, -0.144337483964, 0.538674592929],
        [0.353553140593, -0.353553140593],
      ],
    );
    // Only `write`: constant in lw2 → 0; in lw its own advantages.
    const w = (await json(['--estimator', 'multi-rm', '--weights', 'write=1', '--input', input])) as typeof r & { models: string[] };
    assert.deepEqual(w.models, ['write']);
    assert.deepEqual(
      w.groups.map((g) => g.samples.map((x) => x.advantage)),
      [
        [0.9999995, 0, -0.9999995],
        [0, 0],
      ],
    );
  });

  test('the table has a column per model', async () => {
    const { out } = await run(['advantages', '--estimator', 'multi-rm', '--input', input]);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^uid\s+sample\s+advantage\s+A_len\s+A_write\s+A_fmt$/);
    assert.match(lines[4] ?? '', /^lw2\s+0\s+0\.2357\s+0\.7071\s+0\s+0$/);
  });
});

describe('advantages --estimator verifree', () => {
  test('RLOO on p_reward, or exp(logp_reward), null logp = 0', async () => {
    // p = [0.5, exp(ln 0.5) = 0.5, 0, 0.2]: μ = 1.2/4 = 0.3, s = √((0.04 + 0.04 + 0.09 + 0.01)/3) = √0.06
    // = 0.244948974278; A = (R − μ)·4/3 = [0.266666666667, 0.266666666667, −0.4, −0.133333333333].
    // A singleton keeps A = R (warned).
    const f = file('verifree.json', {
      groups: [
        {
          uid: 'v',
          samples: [{ p_reward: 0.5, reward: 9 }, { logp_reward: -0.6931471805599453 }, { logp_reward: null }, { p_reward: 0.2 }],
        },
        { uid: 'one', samples: [{ p_reward: 0.25 }] },
      ],
    });
    assert.deepEqual(await json(['--estimator', 'verifree', '--input', f]), {
      estimator: 'verifree',
      groups: [
        {
          uid: 'v',
          mean: 0.3,
          std: 0.244948974278,
          samples: [
            { reward: 0.5, advantage: 0.266666666667 },
            { reward: 0.5, advantage: 0.266666666667 },
            { reward: 0, advantage: -0.4 },
            { reward: 0.2, advantage: -0.133333333333 },
          ],
        },
        { uid: 'one', mean: 0, std: null, samples: [{ reward: 0.25, advantage: 0.25 }] },
      ],
      warnings: ['group "one" has one sample: its advantage is the raw reward, not 0'],
    });
  });
});

describe('advantages: bad judged input names the file and the field', () => {
  const g = (o: object): unknown => ({ groups: [{ uid: 'a', ...o }] });
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['brpo', 'no reference', g({ samples: [{}, { votes: WON }] }), /groups\[0\]\.reference is needed by the brpo estimator/],
    [
      'brpo',
      'a reference out of the group',
      g({ reference: 2, samples: [{}, {}] }),
      /groups\[0\]\.reference names sample 2, but the group has 2/,
    ],
    [
      'brpo',
      'a vote with win "yes"',
      g({ reference: 0, samples: [{}, { votes: [{ order: 'ab', win: 'yes' }] }] }),
      /groups\[0\]\.samples\[1\]\.votes\[0\]\.win must be true, false or null/,
    ],
    [
      'brpo',
      'a vote order "ac"',
      g({ reference: 0, samples: [{}, { votes: [{ order: 'ac', win: true }] }] }),
      /groups\[0\]\.samples\[1\]\.votes\[0\]\.order must be "ab" or "ba"/,
    ],
    [
      'brpo',
      'votes on the reference',
      g({ reference: 0, samples: [{ votes: WON }, {}] }),
      /groups\[0\]\.samples\[0\]\.votes must be absent: this sample is the group reference/,
    ],
    [
      'multi-rm',
      'no components',
      g({ samples: [{ components: { a: 1 } }, { reward: 1 }] }),
      /groups\[0\]\.samples\[1\]\.components is needed by the multi-rm estimator/,
    ],
    [
      'multi-rm',
      'a string score',
      g({ samples: [{ components: { len: '3' } }] }),
      /groups\[0\]\.samples\[0\]\.components\.len must be a finite number, got "3"/,
    ],
    [
      'verifree',
      'p above 1',
      g({ samples: [{ p_reward: 1.5 }] }),
      /groups\[0\]\.samples\[0\]\.p_reward must be a probability in \[0, 1\], got 1\.5/,
    ],
    [
      'verifree',
      'a positive logp',
      g({ samples: [{ logp_reward: 0.3 }] }),
      /groups\[0\]\.samples\[0\]\.logp_reward must be a log-probability ≤ 0 or null/,
    ],
    [
      'verifree',
      'neither p nor logp',
      g({ samples: [{ p_reward: 0.1 }, { reward: 1 }] }),
      /groups\[0\]\.samples\[1\]\.p_reward is needed by the verifree estimator/,
    ],
  ];
  for (const [estimator, name, content, re] of cases) {
    test(`${estimator}: ${name}`, async () => {
      const f = file(`bad-${estimator}-${name.replace(/\W+/g, '-')}.json`, content);
      await assert.rejects(
        run(['advantages', '--estimator', estimator, '--input', f]),
        (e: unknown) => e instanceof LensError && e.message.startsWith(`${f}: `) && re.test(e.message),
      );
    });
  }
  test('--weights naming a model no sample has names the file', async () => {
    const f = file('multi-typo.json', g({ samples: [{ components: { len: 1 } }] }));
    await assert.rejects(
      run(['advantages', '--estimator', 'multi-rm', '--weights', 'lenght=1', '--input', f]),
      (e: unknown) => e instanceof LensError && e.message === `${f}: --weights names "lenght", in no sample's components`,
    );
  });
  test('options of another estimator, or bad values, are usage errors', async () => {
    const f = file('ok.json', g({ samples: [{ reward: 1 }] }));
    const usage: Array<[string[], RegExp]> = [
      [['--estimator', 'grpo', '--tau', '0.5'], /--tau applies to the brpo estimator only/],
      [['--estimator', 'brpo', '--weights', 'a=1'], /--weights applies to the multi-rm estimator only/],
      [['--estimator', 'brpo', '--no-std'], /--no-std applies to grpo and tempo/],
      [['--estimator', 'brpo', '--tau=-1'], /--tau must be a number ≥ 0, got "-1"/],
      [['--estimator', 'brpo', '--ties', 'half'], /--ties must be win or lose, got "half"/],
      [['--estimator', 'brpo', '--rule', 'any'], /--rule must be all or majority, got "any"/],
      [['--estimator', 'multi-rm', '--weights', 'a=x'], /--weights takes name=w,… with each w ≥ 0, got "a=x"/],
      [['--estimator', 'multi-rm', '--weights', 'a=1,a=2'], /--weights names "a" twice/],
      [['--estimator', 'multi-rm', '--weights', 'a=0'], /--weights must not all be 0/],
    ];
    for (const [args, re] of usage) {
      await assert.rejects(
        run(['advantages', ...args, '--input', f]),
        (e: unknown) => e instanceof UsageError && re.test(e.message),
        args.join(' '),
      );
    }
  });
});
