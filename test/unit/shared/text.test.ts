import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { counted, promptQuestion, timelineTitle } from '../../../src/shared/text';

describe('counted', () => {
  test('singular for one, plural otherwise', () => {
    assert.equal(counted(1, 'branch point'), '1 branch point');
    assert.equal(counted(7, 'branch point'), '7 branch points');
    assert.equal(counted(0, 'step'), '0 steps');
    assert.equal(counted(1, 'match', 'matches'), '1 match');
    assert.equal(counted(29, 'match', 'matches'), '29 matches');
  });
});

describe('promptQuestion', () => {
  test('TRL/verl prompts decoded without special tokens lose the role lines', () => {
    assert.equal(promptQuestion('user\n8+8=\nassistant\n'), '8+8=');
  });
  test('ChatML: the last user turn, without the generation header', () => {
    assert.equal(
      promptQuestion(
        '<|im_start|>system\nReason step by step.<|im_end|>\n<|im_start|>user\nWhat is 12+7?<|im_end|>\n<|im_start|>assistant\n',
      ),
      'What is 12+7?',
    );
  });
  test('Llama 3 headers', () => {
    assert.equal(
      promptQuestion(
        '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHow many?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
      ),
      'How many?',
    );
  });
  test('a plain prompt is kept, including a word "assistant" inside it', () => {
    assert.equal(promptQuestion('Solve: the assistant bought 3 pens'), 'Solve: the assistant bought 3 pens');
  });
});

describe('timelineTitle', () => {
  test("names a prompt by its question's opening words, not its hash", () => {
    assert.equal(
      timelineTitle(
        '<|im_start|>user\nA train travels 120 km in 1.5 hours. What is its average speed?<|im_end|>\n<|im_start|>assistant\n',
        'realistic-grpo',
      ),
      '"A train travels 120 km in 1.5 hours.…" over time · realistic-grpo',
    );
    assert.equal(timelineTitle('What is 2+2?', 'r'), '"What is 2+2?" over time · r');
    assert.equal(timelineTitle('', 'r'), '"empty prompt" over time · r');
  });
});
