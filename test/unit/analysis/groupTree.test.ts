// The group view / `tree --json` result: radix nodes, samples, decision tokens, branches (docs/algorithms.md#tree-output).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildGroupTree } from '../../../src/core/analysis/groupTree';
import type { TokenizedResponse } from '../../../src/core/tokenize/tokenSource';
import { tokenizeGroup } from '../../../src/core/tokenize/tokenSource';
import { assertAllClose, assertClose } from './helpers';

const logged = (ids: number[], texts = ids.map((i) => `<${i}>`)): TokenizedResponse => ({
  ids,
  texts,
  exact: true,
  source: 'logged',
});

// docs/algorithms.md#tree-output's group.
const GROUP = [
  { reward: 1, tokens: logged([5, 6, 7, 8]) },
  { reward: 0, tokens: logged([5, 6, 9]) },
  { reward: 0, tokens: logged([5, 10, 11, 12]) },
  { reward: 1, tokens: logged([5, 6, 7, 13]) },
];

describe('buildGroupTree on the docs/algorithms.md#tree-output group', () => {
  const t = buildGroupTree('q1', GROUP);

  test('has the CLI JSON keys', () => {
    assert.deepEqual(Object.keys(t).sort(), [
      'branches',
      'decision_tokens',
      'delta_token_fraction',
      'exact',
      'group',
      'mean',
      'nodes',
      'samples',
      'std',
      'warnings',
    ]);
    assert.equal(t.group, 'q1');
    assert.equal(t.exact, true);
    assert.deepEqual(t.warnings, []);
  });

  test('nodes are radix-compressed and listed parents first', () => {
    assert.deepEqual(
      t.nodes.map((n) => [n.id, n.parent, n.text, n.tokens, n.count, n.samples]),
      [
        [0, null, '', 0, 4, [0, 1, 2, 3]],
        [1, 0, '<5>', 1, 4, [0, 1, 2, 3]],
        [2, 1, '<6>', 1, 3, [0, 1, 3]],
        [3, 2, '<7>', 1, 2, [0, 3]],
        [4, 3, '<8>', 1, 1, [0]],
        [5, 3, '<13>', 1, 1, [3]],
        [6, 2, '<9>', 1, 1, [1]],
        [7, 1, '<10><11><12>', 3, 1, [2]],
      ],
    );
  });

  test('V(s) and δ per node', () => {
    assertAllClose(
      t.nodes.map((n) => n.value),
      [0.5, 0.5, 2 / 3, 1, 1, 1, 0, 0],
    );
    assertAllClose(
      t.nodes.map((n) => n.delta),
      [0, 0, 1 / 6, 1 / 3, 0, 0, -2 / 3, -0.5],
    );
  });

  test('branch nodes list their children’s values; branches give depth and fan-out', () => {
    assert.deepEqual(t.nodes[1]?.children_values, [2 / 3, 0]);
    assert.equal(t.nodes[4]?.children_values, undefined);
    assert.deepEqual(t.branches, [
      { node: 1, depth: 1, fan_out: 2 },
      { node: 2, depth: 2, fan_out: 2 },
      { node: 3, depth: 3, fan_out: 2 },
    ]);
  });

  test('decision tokens are the non-zero δ edges by |δ|, with their first token', () => {
    assert.deepEqual(
      t.decision_tokens.map((d) => [d.node, d.text, d.depth, d.count]),
      [
        [6, '<9>', 2, 1],
        [7, '<10>', 1, 1],
        [3, '<7>', 2, 2],
        [2, '<6>', 1, 3],
      ],
    );
    assertClose(t.decision_tokens[0]?.delta, -2 / 3);
    assertClose(t.decision_tokens[0]?.parent_value, 2 / 3);
  });

  test('samples carry GRPO’s advantage and TEMPO’s token advantages', () => {
    assert.deepEqual(
      t.samples.map((s) => [s.index, s.reward]),
      [
        [0, 1],
        [1, 0],
        [2, 0],
        [3, 1],
      ],
    );
    assertClose(t.samples[0]?.advantage, 0.8660239037870368);
    assertAllClose(t.samples[0]?.token_advantages ?? [], [0.8660239037870368, 1.1546985383827153, 1.4433731729783945, 0.8660239037870368]);
  });

  test('fraction of tokens with δ ≠ 0: 7 of 15', () => {
    // r0: tokens 6, 7; r1: 6, 9; r2: 10; r3: 6, 7.
    assertClose(t.delta_token_fraction, 7 / 15);
  });

  test('the decision-token list is capped by the option', () => {
    assert.equal(buildGroupTree('q1', GROUP, { decisions: 2 }).decision_tokens.length, 2);
  });
});

describe('buildGroupTree labels and warnings', () => {
  test('a singleton group warns and uses μ = 0, s = 1', () => {
    const t = buildGroupTree('solo', [{ reward: 1, tokens: logged([1, 2]) }]);
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0] ?? '', /solo.*one sample/);
    assert.equal(t.mean, 0);
    assert.equal(t.std, 1);
    assertAllClose(t.samples[0]?.token_advantages ?? [], [0.999999000001, 0.999999000001]);
  });

  test('approximate tokens give exact = false and an "approximate P2T" warning; node text is the original text', () => {
    const tokens = tokenizeGroup([{ response: 'The answer is 4.' }, { response: 'The answer is 5.' }]);
    const t = buildGroupTree('approx', [
      { reward: 1, tokens: tokens[0] as TokenizedResponse },
      { reward: 0, tokens: tokens[1] as TokenizedResponse },
    ]);
    assert.equal(t.exact, false);
    assert.ok(t.warnings.some((w) => /approximate P2T/.test(w)));
    assert.deepEqual(
      t.nodes.map((n) => n.text),
      ['', 'The answer is ', '4.', '5.'],
    );
    assert.deepEqual(
      t.decision_tokens.map((d) => d.text),
      ['4', '5'],
    );
  });

  test('non-finite rewards are rejected naming the group and sample', () => {
    assert.throws(
      () =>
        buildGroupTree('g9', [
          { reward: 1, tokens: logged([1]) },
          { reward: Infinity, tokens: logged([2]) },
        ]),
      /g9.*sample 1/,
    );
  });
});
