// What Compare with… previews and which pair Best ↔ worst opens (issue #25 item 20).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestWorstPair, compareCandidates, previewFrom } from '../../../src/shared/compare';

const OPEN = 'Let me compute 12 × 7 step by step. First, 12 × 7 = ';
const SAMPLES = [
  { index: 0, reward: 1, response: `${OPEN}84. So the answer is \\boxed{84}.` },
  { index: 1, reward: 0, response: 'I think it is 82. \\boxed{82}' },
  { index: 2, reward: 1, response: 'Twelve sevens: 84. \\boxed{84}' },
  { index: 3, reward: 0, response: `${OPEN}74. So the answer is \\boxed{74}.` },
];

describe('choosing what to compare', () => {
  it('previews each other sample from the word where it leaves the chosen one, latest to part first', () => {
    assert.deepEqual(compareCandidates(SAMPLES, 0), [
      { index: 3, reward: 0, common_chars: 52, preview: '…74. So the answer is \\boxed{74}.' },
      { index: 1, reward: 0, common_chars: 0, preview: 'I think it is 82. \\boxed{82}' },
      { index: 2, reward: 1, common_chars: 0, preview: 'Twelve sevens: 84. \\boxed{84}' },
    ]);
  });
  it('best ↔ worst takes the tied best and worst samples that diverge last, not the first of each', () => {
    assert.deepEqual(bestWorstPair(SAMPLES), { best: 0, worst: 3, common_chars: 52 });
  });
  it('has no pair when every reward is equal or there is one sample', () => {
    assert.equal(bestWorstPair(SAMPLES.map((s) => ({ ...s, reward: 1 }))), null);
    assert.equal(bestWorstPair(SAMPLES.slice(0, 1)), null);
  });
  it('cuts a preview at a word start and marks both cuts', () => {
    assert.equal(previewFrom('alpha beta gamma delta', 8, 10), '…beta gamma…');
  });
});
