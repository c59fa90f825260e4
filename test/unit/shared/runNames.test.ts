import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextRunName } from '../../../src/shared/runs';

describe('a new launch of a profile whose run name is taken (issue #25 item 9)', () => {
  it('keeps the profile name while it is free', () => {
    assert.equal(nextRunName('realistic-grpo', new Set(['sample-grpo'])), 'realistic-grpo');
  });
  it('suggests the first free -N suffix', () => {
    assert.equal(nextRunName('sample-grpo', new Set(['sample-grpo'])), 'sample-grpo-2');
    assert.equal(nextRunName('sample-grpo', new Set(['sample-grpo', 'sample-grpo-2', 'sample-grpo-4'])), 'sample-grpo-3');
  });
});
