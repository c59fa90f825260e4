import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractAnswer, extractLastBoxed, preprocessResponse } from '../../../src/core/rewards/math/qwenExtract';
import { fixASlashB, fixFracs, stripString } from '../../../src/core/rewards/math/stripString';

// strip_string golden vectors (docs/rewards.md#strip-string): input → extract_answer, and whether extract_last_boxed finds a box.
const GOLDEN: ReadonlyArray<[string, string, boolean]> = [
  ['So the answer is \\boxed{\\dfrac{1}{2}}.', '\\frac{1}{2}', true],
  ['We get $x = \\boxed{5}$ and then \\boxed{7}', '7', true],
  ['The final answer is $\\boxed{10\\%}$', '10', true],
  ['Thus \\boxed{\\frac{\\sqrt{\\frac{1}{2}}}{2}}', '\\frac{\\sqrt{\\frac{1}{2}}}{2}', false],
  ['answer \\boxed 42$ done', '42', false],
  ['The answer is 1,234.', '1,234', false],
  ['no numbers here', '', false],
  ['Total: 3.50 dollars. The answer is: 3.50', '3.50', false],
  ['\\boxed{x+a}', 'x+', true],
  ['\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}', '(3,\\frac{\\pi}{2})', true],
  ['\\boxed{\\text{(C)}}', '(C)', true],
  ['\\boxed{90^\\circ}', '90', true],
  ['\\boxed{k = 5}', '5', true],
  ['\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}', true],
  ['\\boxed{2 \\text{ inches}}', '2', true],
  ['\\boxed{\\{1,2\\}}', '{1,2}', true],
  ['\\boxed{.5}', '0.5', true],
  ['\\boxed{5.000}', '5', true],
  ['\\boxed{3j}', '3i', true],
  ['\\boxed{\\frac12}', '\\frac{1}{2}', true],
  ['\\boxed{7/8}', '\\frac{7}{8}', true],
  ['\\boxed{(-\\infty,\\infty)}', '\\mathbb{R}', true],
  ['\\boxed{\\emptyset}', '{}', true],
  ['\\boxed{\\sqrt2}', '\\sqrt{2}', true],
  ['\\boxed{\\tfrac{3}{4}}', '\\frac{3}{4}', true],
  ['\\boxed{x \\in [2, 5)}', 'x\\in[2,5)', true],
  ['\\boxed{\\$18.90}', '18.90', true],
];

describe('Qwen extract_answer golden vectors (docs/rewards.md#strip-string)', () => {
  for (const [input, expected, boxed] of GOLDEN) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}, boxed=${boxed}`, () => {
      const r = extractAnswer(input);
      assert.equal(r.answer, expected);
      assert.equal(r.boxed, boxed);
      assert.equal(extractLastBoxed(input) !== null, boxed);
    });
  }
});

describe('extract_answer pre-processing and priorities (docs/rewards.md#math)', () => {
  it('drops text before the assistant turn and cuts at the first end marker', () => {
    assert.equal(preprocessResponse('user 99 <|im_start|>assistant 12 <|im_end|> 13'), '<|im_start|>assistant 12 ');
    assert.equal(extractAnswer('user \\boxed{99} <|im_start|>assistant so 12<|endoftext|>\\boxed{13}').answer, '12');
  });
  it('removes "ки" before extracting', () => {
    assert.equal(extractAnswer('The answer is 4ки').answer, '4');
  });
  it('prefers the Minerva "final answer is $…$. I hope" form over a box', () => {
    assert.equal(extractAnswer('\\boxed{1} Final: The final answer is $17$. I hope it is correct.').answer, '17');
  });
  it('takes the text after the first 答案是 up to a blank line', () => {
    assert.equal(extractAnswer('所以答案是 12\n\n其他 34').answer, '12');
  });
  it('takes the last number without commas when no cue matches', () => {
    assert.equal(extractAnswer('first 3, then 1,000,000 and -2.5 at last').answer, '-2.5');
  });
  it('takes the brace-balanced content at any depth', () => {
    assert.equal(extractAnswer('\\boxed{\\frac{\\sqrt{\\frac{\\sqrt{3}}{2}}}{2}}').raw, '\\frac{\\sqrt{\\frac{\\sqrt{3}}{2}}}{2}');
  });
});

describe('strip_string steps (docs/rewards.md#strip-string)', () => {
  it('turns number words into the number (step 11)', () => {
    assert.equal(stripString('seven days'), '7');
    assert.equal(stripString('twenty-one'), '21');
  });
  it('keeps the source quirks under qwenCompat and fixes them without it', () => {
    assert.equal(stripString('x+a'), 'x+');
    assert.equal(stripString('x+a', { qwenCompat: false }), 'x+a');
    assert.equal(stripString('p\\land q'), 'p\\lq');
    assert.equal(stripString('p\\land q', { qwenCompat: false }), 'p\\landq');
    assert.equal(stripString("'5'"), "'5'");
    assert.equal(stripString("'5'", { qwenCompat: false }), '5');
  });
  it('removes unit words only as whole words and not when skipUnit is set', () => {
    assert.equal(stripString('5 inches', { units: ['inches'] }), '5');
    assert.equal(stripString('5 inches', { units: ['inches'], skipUnit: true }), '5inches');
    assert.equal(stripString('5 pinches', { units: ['inches'] }), '5pinches');
    assert.equal(stripString('5 inch', { units: ['inch'] }), '5');
    assert.equal(stripString('5 inchs', { units: ['inch'] }), '5');
    assert.equal(stripString('12 cm', { units: ['cm'] }), '12');
  });
  it('removes x= literally but keeps "x \\in" with a space until spaces go (step 13)', () => {
    assert.equal(stripString('x=3'), '3');
    assert.equal(stripString('x\\in(0,1)'), '(0,1)');
  });
  it('keeps the right side of a short equation (step 24)', () => {
    assert.equal(stripString('ab=3'), '3');
    assert.equal(stripString('abc=3'), 'abc=3');
  });
  it('fixes shorthand fractions and integer slashes only', () => {
    assert.equal(fixFracs('\\frac1{72}'), '\\frac{1}{72}');
    assert.equal(fixFracs('\\frac1'), '\\frac1');
    assert.equal(fixASlashB('-3/4'), '\\frac{-3}{4}');
    assert.equal(fixASlashB('03/4'), '03/4');
    assert.equal(fixASlashB('1.5/2'), '1.5/2');
  });
});
