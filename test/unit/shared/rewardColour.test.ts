import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REWARD_SCALE, rewardColour } from '../../../src/shared/rewardColour';

describe('rewardColour', () => {
  it('maps the range onto red → amber → green, linear between the stops', () => {
    assert.deepEqual(
      [0, 0.25, 0.5, 0.75, 1].map((r) => rewardColour(r, 0, 1)),
      ['rgb(220, 38, 38)', 'rgb(233, 98, 25)', 'rgb(245, 158, 11)', 'rgb(134, 161, 43)', 'rgb(22, 163, 74)'],
    );
    assert.deepEqual(REWARD_SCALE, ['rgb(220, 38, 38)', 'rgb(245, 158, 11)', 'rgb(22, 163, 74)']);
  });

  it('is relative to the group: −1 is red on [−1, 3], 1 amber, 3 green', () => {
    assert.deepEqual(
      [-1, 1, 3].map((r) => rewardColour(r, -1, 3)),
      ['rgb(220, 38, 38)', 'rgb(245, 158, 11)', 'rgb(22, 163, 74)'],
    );
  });

  it('clamps outside the range, gives amber to a group of equal rewards and grey to a non-finite reward', () => {
    assert.equal(rewardColour(5, 0, 1), 'rgb(22, 163, 74)');
    assert.equal(rewardColour(-5, 0, 1), 'rgb(220, 38, 38)');
    assert.equal(rewardColour(1, 1, 1), 'rgb(245, 158, 11)');
    assert.equal(rewardColour(Number.NaN, 0, 1), 'rgb(128, 128, 128)');
    assert.equal(rewardColour(0.5, 0, Number.POSITIVE_INFINITY), 'rgb(245, 158, 11)');
  });
});
