import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasThinkAnswerFormat, simpleRLReward } from '../../../src/core/rewards/rules/format';
import {
  boxSizeReward,
  guiG1Iou,
  hitReward,
  iouReward,
  parseGroundTruthBox,
  parsePredictedBox,
} from '../../../src/core/rewards/rules/guiG1';
import { linearLengthPenalty, overlongPenaltyPaper, overlongPenaltyVerl } from '../../../src/core/rewards/rules/length';

const close = (actual: number, expected: number, tol = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

describe('SimpleRL-Zoo reward tables (docs/rewards.md#simplerl)', () => {
  // [correct, boxed, mix, independent, legacy]
  const TABLE: ReadonlyArray<[boolean, boolean, number, number, number]> = [
    [true, true, 1, 1, 1],
    [true, false, 1, 0.5, -1],
    [false, true, 0, -0.5, -0.5],
    [false, false, 0, -1, -1],
  ];
  for (const [correct, boxed, mix, independent, legacy] of TABLE) {
    it(`correct=${correct} boxed=${boxed} → mix ${mix}, independent ${independent}, legacy ${legacy}`, () => {
      assert.equal(simpleRLReward('mix', correct, boxed), mix);
      assert.equal(simpleRLReward('independent', correct, boxed), independent);
      assert.equal(simpleRLReward('legacy', correct, boxed), legacy);
    });
  }
  it('uses FORMAT_PENALTY_VALUE for the penalty cells', () => {
    assert.equal(simpleRLReward('independent', false, false, -2), -2);
    assert.equal(simpleRLReward('legacy', true, false, -3), -3);
    assert.equal(simpleRLReward('independent', true, false, -2), 0.5);
  });
});

describe('DAPO overlong shaping (docs/rewards.md#format-overlong-length)', () => {
  it('verl form, 20480/4096, factor 1', () => {
    assert.equal(overlongPenaltyVerl(1000, 20480, 4096, 1), 0);
    assert.equal(overlongPenaltyVerl(16384, 20480, 4096, 1), 0);
    assert.equal(overlongPenaltyVerl(16385, 20480, 4096, 1), -0.000244140625);
    assert.equal(overlongPenaltyVerl(18432, 20480, 4096, 1), -0.5);
    assert.equal(overlongPenaltyVerl(20480, 20480, 4096, 1), -1.0);
  });
  it('verl form scales with the penalty factor and has no cap at max', () => {
    assert.equal(overlongPenaltyVerl(18432, 20480, 4096, 2), -1);
    assert.equal(overlongPenaltyVerl(24576, 20480, 4096, 1), -2);
  });
  it('paper form: −1 beyond L_max', () => {
    assert.equal(overlongPenaltyPaper(20481, 20480, 4096), -1);
    assert.equal(overlongPenaltyPaper(16384, 20480, 4096), 0);
  });
  it('TRL-style vectors (max 100, cache 20)', () => {
    assert.equal(overlongPenaltyPaper(50, 100, 20), 0);
    assert.equal(overlongPenaltyPaper(90, 100, 20), -0.5);
    assert.equal(overlongPenaltyPaper(110, 100, 20), -1);
  });
  it('linear penalty: 0 to free, −1 at max', () => {
    assert.deepEqual(
      [100, 150, 200, 300].map((l) => linearLengthPenalty(l, 100, 200)),
      [0, -0.5, -1, -1],
    );
  });
});

describe('GUI-G1 rewards (docs/rewards.md#gui-g1)', () => {
  const gt = [100, 100, 200, 150] as const;
  const pred = [110, 90, 190, 160] as const;
  it('matches the spec vector: IoU 0.6060606, iou 0.1515151515, box 0.1231218274, hit 1', () => {
    close(guiG1Iou(pred, gt), 0.6060606, 1e-7);
    close(iouReward(pred, gt), 0.1515151515, 1e-10);
    close(boxSizeReward(pred, gt, 1000, 500), 0.1231218274, 1e-10);
    assert.equal(hitReward(pred, gt), 1);
  });
  it('counts a centre on the edge as a hit and outside as a miss', () => {
    assert.equal(hitReward([180, 140, 220, 160], gt), 1);
    assert.equal(hitReward([300, 300, 400, 400], gt), 0);
  });
  it('gives 0 for a box term with a zero factor (the source raises)', () => {
    assert.equal(boxSizeReward([1100, 100, 200, 150], gt, 1000, 500), 0);
  });
  it('parses the last bbox_2d of a response and boxes in ground truth', () => {
    assert.deepEqual(
      parsePredictedBox('x {"bbox_2d": [1,2,3,4]} then ```json\n[{"bbox_2d": [110, 90, 190, 160]}]```'),
      [110, 90, 190, 160],
    );
    assert.equal(parsePredictedBox('no box'), null);
    assert.deepEqual(parseGroundTruthBox('{"bbox": [1,2,3,4], "width": 10, "height": 20}'), {
      box: [1, 2, 3, 4],
      width: 10,
      height: 20,
    });
    assert.equal(parseGroundTruthBox('not json'), null);
  });
});

describe('think/answer format', () => {
  it('accepts the two blocks in order and nothing else when strict', () => {
    assert.equal(hasThinkAnswerFormat('<think>a\nb</think>\n<answer>4</answer>'), true);
    assert.equal(hasThinkAnswerFormat('x<think>a</think><answer>4</answer>'), false);
    assert.equal(hasThinkAnswerFormat('x<think>a</think><answer>4</answer>', false), true);
    assert.equal(hasThinkAnswerFormat('<answer>4</answer><think>a</think>'), false);
  });
});
