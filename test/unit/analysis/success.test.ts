import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampleOutcome } from '../../../src/core/analysis/success';
import { describeSuccessRule, joinRules } from '../../../src/shared/success';

describe('the success rule (docs/algorithms.md#success)', () => {
  test('a logged verdict wins over components and reward', () => {
    assert.deepEqual(sampleOutcome({ reward: 1.1, correct: false, components: { correctness: 1 } }, 0.5), {
      success: false,
      rule: 'verdict',
    });
    assert.deepEqual(sampleOutcome({ reward: -1, correct: 1 }, null), { success: true, rule: 'verdict' });
  });
  test('else a correctness component > 0: a 0.1 format bonus alone is not solved', () => {
    assert.deepEqual(sampleOutcome({ reward: 0.1, components: { correctness: 0, format: 0.1 } }, null), {
      success: false,
      rule: 'component:correctness',
    });
    assert.deepEqual(sampleOutcome({ reward: 0.5, components: '{"format":0.5,"accuracy":1}' }, null), {
      success: true,
      rule: 'component:accuracy',
    });
  });
  test('components are tried in the order correctness, accuracy, acc, correct', () => {
    assert.deepEqual(sampleOutcome({ reward: 0, components: { correct: 1, acc: 0 } }, null), { success: false, rule: 'component:acc' });
  });
  test('else the threshold the user set (reward ≥ threshold), else reward > 0', () => {
    assert.deepEqual(sampleOutcome({ reward: 0.5, components: { quality: 0.5 } }, 0.5), { success: true, rule: 'threshold' });
    assert.deepEqual(sampleOutcome({ reward: 0.49, components: null }, 0.5), { success: false, rule: 'threshold' });
    assert.deepEqual(sampleOutcome({ reward: 0.01 }, null), { success: true, rule: 'reward' });
    assert.deepEqual(sampleOutcome({ reward: 0 }, null), { success: false, rule: 'reward' });
  });
  test('the run lists its rules most certain first and says them in words', () => {
    assert.equal(joinRules(['reward', 'component:correctness', 'verdict', 'reward']), 'verdict,component:correctness,reward');
    assert.equal(describeSuccessRule('component:correctness', null), 'correctness component > 0');
    assert.equal(describeSuccessRule('verdict,reward', null), 'the logged verdict; some samples: reward > 0');
    assert.equal(describeSuccessRule('reward', null), 'reward > 0 (no verdict or correctness component logged)');
    assert.equal(describeSuccessRule('threshold', 0.7), "reward ≥ 0.7 (this run's success threshold)");
    assert.equal(describeSuccessRule(null, null), 'no samples yet');
  });
});
