// The token source: logged ids > tokenizer.json > approximate pre-tokenizer (docs/algorithms.md#token-source).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { ApproximateVocabulary, approximatePieces } from '../../../src/core/tokenize/approximate';
import { loadTokenizer } from '../../../src/core/tokenize/tokenizerFile';
import { tokenizeGroup, tokenizeResponse } from '../../../src/core/tokenize/tokenSource';
import { trainedSpans, trainedText } from '../../../src/core/tokenize/trainedTurns';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { prng } from '../analysis/helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-lens-tok-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A tiny byte-level BPE tokenizer.json: "hello world!" → hello | Ġworld | ! */
function writeTinyTokenizer(file: string): void {
  const pieces = ['h', 'e', 'l', 'o', 'Ġ', 'w', 'r', 'd', 'he', 'll', 'hell', 'hello', 'Ġw', 'or', 'Ġwor', 'ld', 'Ġworld', '!'];
  const spec = {
    version: '1.0',
    added_tokens: [
      {
        id: 18,
        content: '<|end|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(pieces.map((p, i) => [p, i])),
      merges: ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld'],
    },
  };
  fs.writeFileSync(file, JSON.stringify(spec));
}

const TOKENIZER = path.join(dir, 'tokenizer.json');
writeTinyTokenizer(TOKENIZER);

describe('approximate pre-tokenizer', () => {
  test('words, whitespace runs and each punctuation mark are tokens', () => {
    assert.deepEqual(approximatePieces('Hello,  world!\n\nx=1.5'), ['Hello', ',', '  ', 'world', '!', '\n\n', 'x', '=', '1', '.', '5']);
  });
  test('a shared vocabulary gives equal strings equal ids', () => {
    const v = new ApproximateVocabulary();
    const a = tokenizeResponse({ response: 'the cat' }, { vocabulary: v });
    const b = tokenizeResponse({ response: 'the dog' }, { vocabulary: v });
    assert.equal(a.source, 'approximate');
    assert.equal(a.exact, false);
    assert.deepEqual(a.ids.slice(0, 2), b.ids.slice(0, 2));
    assert.notEqual(a.ids[2], b.ids[2]);
  });
  test('pieces concatenate back to the text (seeded random texts)', () => {
    const rnd = prng(5);
    const alphabet = ['a', 'Z', '9', ' ', '\n', '\t', '.', ',', 'é', '日', '🙂', '\\', '$', '_', '\u0301'];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: rnd.int(0, 40) }, () => rnd.pick(alphabet)).join('');
      assert.equal(approximatePieces(text).join(''), text);
    }
  });
});

describe('logged ids', () => {
  test('are exact, with response_tokens as texts', () => {
    const t = tokenizeResponse({
      response: 'hi there',
      responseIds: [1, 2],
      responseTokens: ['hi', ' there'],
    });
    assert.deepEqual(t, { ids: [1, 2], texts: ['hi', ' there'], exact: true, source: 'logged' });
  });
  test('take their texts from the tokenizer when response_tokens are absent', () => {
    const t = tokenizeResponse({ response: 'hello world', responseIds: [11, 16] }, { tokenizer: loadTokenizer(TOKENIZER) });
    assert.deepEqual(t, { ids: [11, 16], texts: ['hello', ' world'], exact: true, source: 'logged' });
  });
  test('have empty texts with neither tokens nor tokenizer', () => {
    assert.deepEqual(tokenizeResponse({ response: 'x', responseIds: [7, 8] }).texts, ['', '']);
  });
  test('ignore response_tokens of the wrong length', () => {
    assert.deepEqual(tokenizeResponse({ response: 'x', responseIds: [7, 8], responseTokens: ['x'] }).texts, ['', '']);
  });
});

describe('tokenizer.json', () => {
  test('re-tokenises the text: source tokenizer, not exact', () => {
    const t = tokenizeResponse({ response: 'hello world!<|end|>' }, { tokenizer: loadTokenizer(TOKENIZER) });
    assert.deepEqual(t, {
      ids: [11, 16, 17, 18],
      texts: ['hello', ' world', '!', '<|end|>'],
      exact: false,
      source: 'tokenizer',
    });
  });
  test('a missing file is an Unreadable error naming it', () => {
    const missing = path.join(dir, 'nope', 'tokenizer.json');
    assert.throws(
      () => loadTokenizer(missing),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.Unreadable && e.message.includes(missing),
    );
  });
  const invalid: Array<[string, string, RegExp]> = [
    ['not JSON', '{"model": ', /not valid JSON/],
    ['JSON without a model', '{"vocab": {}}', /no "model" object/],
    ['an unsupported model', '{"model": {"type": "NoSuchModel"}}', /unsupported tokenizer\.json/],
  ];
  for (const [name, content, re] of invalid) {
    test(`${name} is a BadInput error naming the file`, () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(file, content);
      assert.throws(
        () => loadTokenizer(file),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput && e.message.startsWith(file) && re.test(e.message),
      );
    });
  }
});

describe('tokenizeGroup', () => {
  test('uses logged ids when every response has them', () => {
    const g = tokenizeGroup([
      { response: 'a', responseIds: [1] },
      { response: 'b', responseIds: [2] },
    ]);
    assert.deepEqual(
      g.map((t) => t.source),
      ['logged', 'logged'],
    );
  });
  test('with a tokenizer, mixes logged ids and re-tokenised text (one vocabulary)', () => {
    const g = tokenizeGroup([{ response: 'hello', responseIds: [11] }, { response: 'hello world' }], {
      tokenizer: loadTokenizer(TOKENIZER),
    });
    assert.deepEqual(
      g.map((t) => [t.source, t.ids]),
      [
        ['logged', [11]],
        ['tokenizer', [11, 16]],
      ],
    );
  });
  test('without a tokenizer and with some ids missing, approximates every response in one id space', () => {
    const g = tokenizeGroup([{ response: 'x y', responseIds: [900] }, { response: 'x z' }]);
    assert.deepEqual(
      g.map((t) => t.source),
      ['approximate', 'approximate'],
    );
    assert.equal(g[0]?.ids[0], g[1]?.ids[0]);
  });
});

describe('multi-turn: only trained turns are actions', () => {
  const turns = [
    { role: 'assistant' as const, content: 'call tool. ', trained: true },
    { role: 'tool' as const, content: 'RESULT 42. ', trained: false },
    { role: 'assistant' as const, content: 'answer 42', trained: true },
  ];
  const response = turns.map((t) => t.content).join('');

  test('trainedText and trainedSpans', () => {
    assert.equal(trainedText(turns), 'call tool. answer 42');
    assert.deepEqual(trainedSpans(turns), [
      { start: 0, end: 11 },
      { start: 22, end: 31 },
    ]);
  });
  test('without a loss mask, logged ids are dropped and the trained text is tokenised', () => {
    const t = tokenizeResponse({ response, turns, responseIds: [1, 2, 3, 4, 5] });
    assert.equal(t.source, 'approximate');
    assert.equal(t.texts.join(''), 'call tool. answer 42');
  });
  test('with a loss mask, logged ids are filtered and stay exact', () => {
    const t = tokenizeResponse({
      response,
      turns,
      responseIds: [1, 2, 3, 4],
      responseTokens: ['a', 'b', 'c', 'd'],
      lossMask: [1, 0, 0, 1],
    });
    assert.deepEqual(t, { ids: [1, 4], texts: ['a', 'd'], exact: true, source: 'logged' });
  });
  test('all-trained turns change nothing', () => {
    const t = tokenizeResponse({
      response: 'ab',
      turns: [{ role: 'assistant', content: 'ab', trained: true }],
      responseIds: [1],
    });
    assert.equal(t.source, 'logged');
  });
});
