// The `math-verify` spec against Math-Verify's own test suite (test/fixtures/math-verify/cases.json,
// huggingface/Math-Verify tests/ @ 5d148cf) and golden cases for each of its rules.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { gradeWithSpec } from '../../../src/core/rewards/grade';
import { mathVerifyAgreement } from '../../../src/core/rewards/mathVerify/agreement';
import { MATH_VERIFY_DEFAULTS, MathVerifyGrader, parseAnswer } from '../../../src/core/rewards/mathVerify/grader';
import { extractBoxedContent, normalizeLatex } from '../../../src/core/rewards/mathVerify/normalize';
import { parse } from '../../../src/core/rewards/mathVerify/value';
import { createScorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import { ROOT } from '../../helpers';

const CASES = path.join(ROOT, 'test', 'fixtures', 'math-verify', 'cases.json');

describe("agreement with Math-Verify's test suite", () => {
  it('agrees on 266 of its 269 parametrized cases (a regression lowers the count)', async () => {
    const a = await mathVerifyAgreement(CASES);
    assert.equal(a.commit, '5d148cfaaf99214c2e4ffb4bc497ab042c592a7a');
    assert.deepEqual([a.total, a.agree], [269, 266]);
    assert.deepEqual(a.expected_true, { total: 231, agree: 228 });
    assert.deepEqual(a.expected_false, { total: 38, agree: 38 });
    assert.deepEqual(
      a.cases.filter((c) => c.got !== c.expected).map((c) => c.id),
      [
        'tests/test_numina_cases.py::test_numina_cases[3]',
        'tests/test_numina_cases.py::test_numina_cases[9]',
        'tests/test_yujianll.py::test_string_extraction[5]',
      ],
    );
  });
});

describe('normalisation (latex2sympy2_extended normalize_latex)', () => {
  it('keeps the last run of boxes, joined by commas', () => {
    assert.equal(extractBoxedContent('\\boxed{1} and \\boxed{2}', 'last'), '1,2');
    assert.equal(extractBoxedContent('\\boxed{1} no no no no no no \\boxed{2}', 'last'), '2');
  });
  it('removes units, \\left/\\right and dollars; fixes \\frac12 and \\sqrt3; "and" becomes a comma', () => {
    assert.equal(normalizeLatex('\\frac{1}{3} \\text{meters}', 'all'), '\\frac{1}{3}');
    assert.equal(normalizeLatex('125\\textnormal{ miles}', 'all'), '125');
    assert.equal(normalizeLatex('\\left( \\frac13 \\right)', 'all'), '( \\frac{1}{3} )');
    assert.equal(normalizeLatex('\\sqrt3', 'all'), '\\sqrt{3}');
    assert.equal(normalizeLatex('6 \\text{ and } 8', 'all'), '6, 8');
    assert.equal(normalizeLatex('28 percent', 'all'), '28\\%');
  });
});

describe('parsing the answer', () => {
  it('intervals keep their bracket types; three or more entries are a tuple', () => {
    assert.deepEqual(parse('[0,1)'), {
      k: 'interval',
      lo: { k: 'expr', tex: '0' },
      hi: { k: 'expr', tex: '1' },
      lopen: false,
      ropen: true,
    });
    assert.equal(parse('(6,31,-1)')?.k, 'tuple');
  });
  it('a comma list is a set; "a = 1, 2" assigns the set; thousands separators make one number', () => {
    assert.equal(parse('-2,1')?.k, 'set');
    assert.deepEqual(parse('11,111,111,100'), { k: 'expr', tex: '11111111100' });
    assert.equal(parse('n=1, 2, 3')?.k, 'rel');
  });
  it('an unknown command fails the parse, as in latex2sympy', () => assert.equal(parse('\\zzz + 1'), null));
  it('extraction: boxed first at priority 0; the rightmost "final answer" otherwise', () => {
    const cfg = { targets: MATH_VERIFY_DEFAULTS.targets, boxedMatchPriority: 0 };
    assert.equal(parseAnswer('We get $x=3$, so $\\boxed{7}$ is it, or $8$.', cfg).text, '7');
    assert.equal(parseAnswer('The final answer is $12$. I hope it is correct.', cfg).text, '12');
    assert.equal(parseAnswer('the number is 1,000.99€', { ...cfg, targets: ['expr'] }).text, '1000.99');
    // "4 × 13" is tried first (same end, starts earlier) but is no Python, so the number after it wins;
    // the first string tried is still the fallback. "4 + 21" is Python: 25, as in the source.
    assert.deepEqual(parseAnswer('so it is 4 × 13.', { ...cfg, targets: ['expr'] }), {
      value: { k: 'expr', tex: '13' },
      text: '4 × 13.',
    });
    assert.deepEqual(parseAnswer('Let me think about 4 + 21 carefully.', { ...cfg, targets: ['expr'] }).value, {
      k: 'expr',
      tex: '4 + 21',
    });
  });
});

describe('equivalence rules', () => {
  const grader = new MathVerifyGrader({ ...MATH_VERIFY_DEFAULTS, boxedMatchPriority: 0 });
  after(() => grader.dispose());
  const cases: Array<[string, string, boolean, string]> = [
    ['$[0,1)$', '$(0,1]$', false, 'different'],
    ['$(1,3)$', '${1,3}$', true, 'set'],
    ['$28\\%$', 'it is $\\boxed{28}$ pct', true, 'structure'],
    ['$x \\leq 5$', '$5 \\geq x$', true, 'relation'],
    ['$x < 1$', '$x > -1$', false, 'different'],
    ['$k=1$', '$\\boxed{1}$', true, 'structure'],
    ['$2x+4y-3=0$', '$y=-\\frac{1}{2}x+\\frac{3}{4}$', true, 'relation'],
    ['$\\text{Evelyn}$', '$\\boxed{\\text{evelyn}}$', true, 'symbol'],
    ['$\\frac{1}{12}$', '$0.0833333333333333$', true, 'leaf'],
    ['$\\tan^2(y)+1$', '$\\sec^2(y)$', true, 'leaf'],
    [
      '$\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}$',
      '$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$',
      true,
      'matrix',
    ],
    ['$\\pm 2021$', '${-2021, 2021}$', true, 'set'],
    ['$12:00$', '$1:00$', false, 'different'],
  ];
  for (const [gold, pred, equal, stage] of cases) {
    it(`${gold} vs ${pred} → ${equal} (${stage})`, async () => {
      const r = await grader.grade(gold, pred);
      assert.deepEqual([r.equal, r.stage], [equal, stage]);
    });
  }
});

describe('the math-verify spec', () => {
  it('grades one answer; the result says which stage decided and that it is approximate', async () => {
    const r = await gradeWithSpec({
      reward: 'math-verify(boxedMatchPriority=0)',
      response: 'So $x = \\boxed{\\dfrac{3}{4}}$.',
      groundTruth: '0.75',
      trusted: true,
    });
    assert.deepEqual(
      [r.score, r.correct, r.extracted, r.stage, r.approximate, r.spec_approximate],
      [1, true, '\\frac{3}{4}', 'leaf', true, true],
    );
  });
  it('unknown options are named', () => {
    assert.throws(() => parseRewardSpec('math-verify(precision=5, strict=false)'), /math-verify: Unrecognized key: "precision"/);
  });
  it('a sample it cannot grade is marked with the reason; the rest of the batch is scored', async () => {
    const scorer = await createScorer(parseRewardSpec('math-verify'), { trusted: true, baseDir: ROOT });
    try {
      const base = { prompt: '', data_source: null, extra: {} };
      const out = await scorer.score([
        { ...base, id: 'a', response: '$\\boxed{2}$', ground_truth: '$2$' },
        { ...base, id: 'b', response: '$\\boxed{2}$', ground_truth: null },
        { ...base, id: 'c', response: '$\\boxed{3}$', ground_truth: '$2$' },
      ]);
      assert.deepEqual(
        out.map((o) => [o.score, o.error ?? null]),
        [
          [1, null],
          [null, 'math-verify: the sample has no ground_truth to compare with'],
          [0, null],
        ],
      );
    } finally {
      await scorer.dispose();
    }
  });
});
