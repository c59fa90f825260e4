import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggestedMetric } from '../../webview/dashboard/suggestedMetric';

describe('the metric "Add chart" offers first', () => {
  it('TRL keys: the reward, not clip_ratio/high_max (the first alphabetically)', () => {
    assert.equal(
      suggestedMetric([
        'clip_ratio/high_max',
        'clip_ratio/high_mean',
        'completions/mean_length',
        'entropy',
        'grad_norm',
        'loss',
        'reward',
        'reward_std',
      ]),
      'reward',
    );
  });
  it('a reward component when no total reward is logged', () => {
    assert.equal(
      suggestedMetric(['clip_ratio/low_min', 'rewards/correctness/mean', 'rewards/correctness/std']),
      'rewards/correctness/mean',
    );
  });
  it('verl keys', () => {
    assert.equal(suggestedMetric(['actor/entropy', 'actor/pg_loss', 'critic/score/max', 'critic/score/mean']), 'critic/score/mean');
  });
  it('otherwise the first key that is not a min/max/std companion', () => {
    assert.equal(suggestedMetric(['a/max', 'a/min', 'throughput', 'zeta']), 'throughput');
    assert.equal(suggestedMetric(['a_max']), 'a_max');
    assert.equal(suggestedMetric([]), undefined);
  });
});
