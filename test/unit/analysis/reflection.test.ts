// Reflection keyword detection (docs/algorithms.md#reflection).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REFLECTION_PRESETS, reflectionMatcher, reflectionStats, type ReflectionMode } from '../../../src/core/analysis/reflection';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { prng } from './helpers';

const SIMPLERL_TEST = 'Wait, let me recheck. However, alternatively... WAIT; awaiting';

describe('presets', () => {
  test('keyword lists are the published ones', () => {
    assert.deepEqual(REFLECTION_PRESETS.simplerl, ['recheck', 'rethink', 'try again', 'wait', 'alternatively', 'retry', 'however']);
    assert.deepEqual(REFLECTION_PRESETS['oat-zero-qwen'], ['recheck', 'rethink', 'try again']);
    assert.deepEqual(REFLECTION_PRESETS['oat-zero-deepseek'], [
      'reevaluate',
      'reevaluation',
      'recheck',
      'rethink',
      'check again',
      're-evaluate',
      'try again',
      're-examine',
    ]);
    assert.deepEqual(REFLECTION_PRESETS['oat-zero-llama'], ['recheck', 'rethink', 'check again', 're-evaluate', 'try again', 're-examine']);
    assert.equal(REFLECTION_PRESETS['understand-r1-zero'].length, 15);
    assert.deepEqual(REFLECTION_PRESETS['deepseek-r1'], [
      'wait',
      'mistake',
      'however',
      'but',
      'retry',
      'error',
      'verify',
      'wrong',
      'evaluate',
      'check',
    ]);
  });
  test('an unknown preset is an error listing the presets', () => {
    assert.throws(
      () => reflectionMatcher({ preset: 'simple-rl' }),
      (e: unknown) =>
        e instanceof LensError && e.code === ErrorCode.BadInput && /simple-rl/.test(e.message) && /simplerl, oat-zero-qwen/.test(e.message),
    );
  });
});

describe('substring mode (SimpleRL-compatible)', () => {
  const m = reflectionMatcher({ preset: 'simplerl', mode: 'substring' });
  test('the docs/algorithms.md#reflection test string counts 6 ("awaiting" counts as "wait")', () => {
    assert.equal(m.count(SIMPLERL_TEST), 6);
  });
  test('keywords are counted independently, so overlapping ones both count (Python str.count per keyword)', () => {
    // "retry" and "try again" overlap in "retry again".
    assert.equal(m.count('retry again'), 2);
  });
  test('occurrences of one keyword do not overlap, like Python "aaaa".count("aa") == 2', () => {
    assert.equal(reflectionMatcher({ keywords: ['aa'], mode: 'substring' }).count('aaaa'), 2);
    assert.equal(reflectionMatcher({ keywords: ['aa'], mode: 'substring' }).count('aaa'), 1);
  });
  test('hits index the original text', () => {
    assert.deepEqual(
      m.hits(SIMPLERL_TEST).map((h) => [h.keyword, h.start, h.end]),
      [
        ['wait', 0, 4],
        ['recheck', 13, 20],
        ['however', 22, 29],
        ['alternatively', 31, 44],
        ['wait', 48, 52],
        ['wait', 55, 59],
      ],
    );
  });
  test('spans stay on the original text when lower-casing changes its length (İ → i̇)', () => {
    const text = 'İİ WAIT';
    const [hit] = m.hits(text);
    assert.equal(text.slice(hit?.start, hit?.end), 'WAIT');
  });
});

describe('word mode (default)', () => {
  const m = reflectionMatcher();
  test('the docs/algorithms.md#reflection test string counts 5: whole words only, case-insensitive', () => {
    assert.equal(m.mode, 'word');
    assert.equal(m.count(SIMPLERL_TEST), 5);
  });
  test('phrases match across any whitespace and report the canonical keyword', () => {
    const hits = m.hits('Let me TRY\n again.');
    assert.deepEqual(hits, [{ keyword: 'try again', start: 7, end: 17 }]);
  });
  test('a phrase wins over its head word', () => {
    const r1 = reflectionMatcher({ keywords: ['check', 'check again'] });
    assert.deepEqual(
      r1.hits('check again').map((h) => h.keyword),
      ['check again'],
    );
  });
  test('hyphenated keywords and non-ASCII neighbours', () => {
    const r = reflectionMatcher({ preset: 'understand-r1-zero' });
    assert.equal(r.count('Let me double-check: re-examine. doublecheck reexamined'), 2);
    assert.equal(r.count('éreconsider reconsiderá reconsider'), 1);
  });
});

describe('user keyword lists', () => {
  test('are lower-cased, trimmed and de-duplicated', () => {
    const m = reflectionMatcher({ keywords: [' Hmm ', 'hmm', 'Aha'] });
    assert.deepEqual(m.keywords, ['hmm', 'aha']);
    assert.equal(m.count('Hmm... AHA!'), 2);
  });
  test('empty or non-string keywords are refused', () => {
    assert.throws(() => reflectionMatcher({ keywords: [] }), /empty/);
    assert.throws(() => reflectionMatcher({ keywords: ['ok', '  '] }), /keyword 1/);
    assert.throws(() => reflectionMatcher({ keywords: ['ok', 3 as unknown as string] }), /keyword 1/);
  });
  test('regex metacharacters are literal', () => {
    assert.equal(reflectionMatcher({ keywords: ['a.b'], mode: 'substring' }).count('axb a.b'), 1);
    assert.equal(reflectionMatcher({ keywords: ['(?)'], mode: 'word' }).count('x (?) y'), 1);
  });
  test('a matcher is compiled once per list and mode', () => {
    assert.equal(reflectionMatcher({ preset: 'deepseek-r1' }), reflectionMatcher({ preset: 'deepseek-r1' }));
  });
});

describe('reflectionStats', () => {
  test('mean per response, share of responses and of groups, precision and recall', () => {
    const s = reflectionStats([
      { group: 'a', count: 3, correct: true },
      { group: 'a', count: 0, correct: true },
      { group: 'b', count: 1, correct: false },
      { group: 'c', count: 0, correct: null },
    ]);
    assert.deepEqual(s, {
      mean_per_response: 1,
      share_responses: 0.5,
      share_groups: 2 / 3,
      precision: 0.5,
      recall: 0.5,
    });
  });
});

describe('properties (seeded random texts)', () => {
  const rnd = prng(31337);
  const words = ['Wait', 'wait', 'awaiting', 'however', 'HOWEVER,', 'try', 'again', 'retry', 'x', 'rethink.', 'İ', '\n', ' '];
  const texts = Array.from({ length: 300 }, () =>
    Array.from({ length: rnd.int(0, 30) }, () => rnd.pick(words)).join(rnd.pick([' ', '', '  '])),
  );

  for (const mode of ['word', 'substring'] as ReflectionMode[]) {
    test(`${mode}: count equals the number of hits, and every hit spells its keyword`, () => {
      const m = reflectionMatcher({ mode });
      for (const t of texts) {
        const hits = m.hits(t);
        assert.equal(m.count(t), hits.length);
        for (const h of hits) assert.equal(t.slice(h.start, h.end).toLowerCase().replace(/\s+/g, ' '), h.keyword);
      }
    });
  }
  test('with single spaces between words, substring mode never counts fewer than word mode', () => {
    // Word mode also matches "try  again" across any whitespace, which substring mode does not.
    const w = reflectionMatcher({ mode: 'word' });
    const s = reflectionMatcher({ mode: 'substring' });
    const plain = words.filter((x) => x.trim() !== '');
    for (let i = 0; i < 300; i++) {
      const t = Array.from({ length: rnd.int(0, 30) }, () => rnd.pick(plain)).join(' ');
      assert.ok(s.count(t) >= w.count(t), JSON.stringify(t));
    }
  });
});
