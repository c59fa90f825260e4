// Re-scoring the real TRL run and the verl-shaped dump end to end through the CLI, with the
// comparison's numbers as literals: what a user sees when another reward is tried on their run.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { FIXTURES, runCliJson, tempDir } from '../../helpers';

interface Rescored {
  samples: number;
  scored: number;
  agreement: number;
  flips: { correct_to_incorrect: number; incorrect_to_correct: number; advantage_sign: number };
  mean_reward_before: number;
  mean_reward_after: number;
  effective_gradient_ratio_before: number;
  effective_gradient_ratio_after: number;
}

const db = path.join(tempDir(), 'a.db');
before(() => {
  runCliJson(['ingest', path.join(FIXTURES, 'verl', 'rollout'), '--db', db, '--run', 'verl']);
  runCliJson(['ingest', path.join(FIXTURES, 'trl-real'), '--format', 'native', '--db', db, '--run', 'trl']);
});

describe('re-scoring the fixture runs', () => {
  it('verl + DAPO (the reward it was trained with) agrees on every sample', () => {
    const r = runCliJson<Rescored>(['rescore', '--db', db, '--run', 'verl', '--reward', 'dapo']);
    assert.deepEqual([r.samples, r.scored, r.agreement, r.flips.incorrect_to_correct, r.flips.correct_to_incorrect], [96, 96, 1, 0, 0]);
    assert.equal(r.mean_reward_after, r.mean_reward_before);
  });

  it('verl + SimpleRL math extraction: 6 answers without an "Answer:" line flip to correct', () => {
    const r = runCliJson<Rescored>(['rescore', '--db', db, '--run', 'verl', '--reward', 'math']);
    assert.deepEqual([r.agreement, r.flips.incorrect_to_correct, r.flips.correct_to_incorrect, r.flips.advantage_sign], [0.9375, 6, 0, 6]);
    // Like with like: a math set is compared with the logged `acc` (1/0), not with DAPO's ±1 score.
    assert.equal(r.mean_reward_before, 64 / 96);
    assert.equal(r.mean_reward_after, 70 / 96);
  });

  it('the real TRL run + math: the same 8 correct answers as its logged correctness component, so nothing changes', () => {
    const r = runCliJson<Rescored>(['rescore', '--db', db, '--run', 'trl', '--reward', 'math']);
    assert.deepEqual(
      [r.samples, r.agreement, r.flips.incorrect_to_correct, r.flips.correct_to_incorrect, r.flips.advantage_sign],
      [48, 1, 0, 0, 0],
    );
    // Compared with the logged correctness (not correctness + format_reward, 31.5 / 48).
    assert.equal(r.mean_reward_before, 8 / 48);
    assert.equal(r.mean_reward_after, 8 / 48);
    assert.equal(r.effective_gradient_ratio_before, 7 / 12);
    assert.equal(r.effective_gradient_ratio_after, 7 / 12);
  });
});
