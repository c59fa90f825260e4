import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approximateTokenCount,
  extractStudentAnswer,
  verifierPrompt,
  verifierScore,
} from '../../../src/core/rewards/verifier/generalReasoner';

const close = (actual: number, expected: number): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9, `expected ${expected}, got ${actual}`);

/** A token counter where each test controls the lengths exactly: one token per character. */
const chars = (s: string): number => s.length;

describe('General-Reasoner score rule (docs/rewards.md#llm-verifier-general-reasoner)', () => {
  it('pass, d = 0 → 1.0', () => close(verifierScore('abc', 'xyz', 'ok. Final Decision: Yes', chars).score, 1.0));
  it('pass, d = 3 → 0.85', () => close(verifierScore('abcdef', 'xyz', 'Final Decision: Yes', chars).score, 0.85));
  it('pass, d ≥ 10 → 0.5', () => close(verifierScore('a'.repeat(40), 'x', 'Final Decision: Yes', chars).score, 0.5));
  it('extraction failed, fail → −0.5', () => close(verifierScore(null, 'x', 'Final Decision: No', chars).score, -0.5));
  it('extracted, fail → 0.0', () => close(verifierScore('abc', 'x', 'Final Decision: No', chars).score, 0.0));
  it('extraction failed but verifier passed "No Answer", d = 2 → 0.4', () => {
    const r = verifierScore(null, 'No Answ', 'Final Decision: Yes', chars);
    assert.equal(r.shown, 'No Answer');
    assert.equal(r.lengthDiff, 2);
    close(r.score, 0.4);
  });
  it('treats an empty extraction as "No Answer" without the −0.5', () => {
    close(verifierScore('', 'No Answer', 'Final Decision: Yes', chars).score, 1.0);
  });
  it('counts words when no tokenizer is given (approximate)', () => {
    assert.equal(approximateTokenCount('  x = 3 \n and y'), 5);
  });
});

describe('verifier prompt (docs/rewards.md#llm-verifier-general-reasoner)', () => {
  it('is byte-exact', () => {
    assert.equal(
      verifierPrompt('Q?', '42', '41'),
      'User: ### Question: Q?\n\n### Ground Truth Answer: 42\n\n### Student Answer: 41\n\n' +
        "For the above question, please verify if the student's answer is equivalent to the ground truth answer.\n" +
        "Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.\n" +
        'If the student\'s answer is correct, output "Final Decision: Yes". If the student\'s answer is incorrect, output "Final Decision: No". Assistant:',
    );
  });
});

describe('student-answer extraction (docs/rewards.md#general-reasoner)', () => {
  it('prefers the last box', () => assert.equal(extractStudentAnswer('Answer: 3\n so \\boxed{4} and \\boxed{5}'), '5'));
  it('takes the cue match that starts last, case-insensitively', () => {
    assert.equal(extractStudentAnswer('The answer is: 3\nmore\nfinal answer:  7 \nbye'), '7');
  });
  it('needs a trailing newline after the answer', () => {
    assert.equal(extractStudentAnswer('Answer: 7'), null);
    assert.equal(extractStudentAnswer('Answer: 7\n'), '7');
  });
  it('strips a trailing end-of-text marker', () => assert.equal(extractStudentAnswer('Answer: 7<|im_end|>\n'), '7'));
  it('returns null when nothing matches', () => assert.equal(extractStudentAnswer('I do not know'), null));
});
