// The one effective-gradient rule (docs/algorithms.md#effective-gradient), used by the step metrics
// (from group aggregates) and by the re-score comparison (from each side's rewards).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSamples, effectiveSamplesOf } from '../../../src/core/analysis/groupAggregates';

describe('effective samples of a group', () => {
  it('counts every sample of a group whose rewards differ, none of an all-equal group or a singleton', () => {
    assert.deepEqual(
      [effectiveSamples(4, 0, 1), effectiveSamples(4, 1, 1), effectiveSamples(1, 0.5, 0.5), effectiveSamples(0, null, null)],
      [4, 0, 0, 0],
    );
    assert.deepEqual(
      [
        effectiveSamplesOf([1, 0, 0, 1]),
        effectiveSamplesOf([0.1, 0.1, 0.1]),
        effectiveSamplesOf([1]),
        effectiveSamplesOf([]),
        effectiveSamplesOf([-0.5, 0.85]),
      ],
      [4, 0, 0, 0, 2],
    );
  });
});
