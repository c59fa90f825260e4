// Golden vectors for the Vision-Zero decision and VLM-R1 REC ports (docs/rewards.md#vision-zero-decision,
// docs/rewards.md#vlm-r1-iou). Every expected value below was printed by the official Python functions
// at the pinned commits: test/fixtures/vision-rewards/golden.py (its README has the command).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import type { RewardInput, RewardOutput } from '../../../src/core/rewards/types';
import { digitValue, pyInt, pyStrip } from '../../../src/core/rewards/rules/pyText';
import {
  decisionFormatOk,
  decisionReward,
  extractThinking,
  extractVote,
  parseSpy,
  type Vote,
} from '../../../src/core/rewards/rules/visionZero';
import { parseRecAnswer, parseRecSolution, recFormatOk, recIouReward, rescaleBox } from '../../../src/core/rewards/rules/vlmR1';

// [case, spy, completion, vote, thinking characters, reward]
const VISION_ZERO: ReadonlyArray<[string, number, string, Vote, number, number]> = [
  ['think tags, right vote', 3, '<think>Player 3 said the cylinder is red; everyone else saw blue.</think>\n\\boxed{3}', 3, 58, 2.49],
  ['text before box, right vote', 3, 'Players 1, 2 and 4 agree on a blue cube; player 3 does not.\n\\boxed{3}', 3, 59, 2.49],
  ['bare box, right vote', 3, '\\boxed{3}', 3, 0, 1.89],
  ['wrong vote', 3, 'Player 2 was vague about the sphere, so I suspect them.\n\\boxed{2}', 2, 55, -0.8999999999999999],
  ['N/A', 3, 'The clues are all consistent with the picture, so I cannot tell.\n\\boxed{N/A}', 'N/A', 64, -0.3],
  ['lower-case na', 3, 'The clues are all consistent with the picture, so I cannot tell.\n\\boxed{ na }', 'N/A', 64, -0.3],
  ['answer tags fallback', 3, '<think>Player 3 mentions a green sphere that is not there.</think><answer>3</answer>', 3, 51, 2.49],
  ['no vote at all', 3, 'I think it is player three, whose clue about the metal cube was off.', null, 68, -1.5],
  ['player word in box', 3, 'Player three contradicts the others about the cube.\n\\boxed{Player 3}', 3, 51, 2.49],
  ['two-digit number', 3, 'Counting from the left, the odd one is the tenth.\n\\boxed{10}', null, 49, -0.8999999999999999],
  ['empty box', 3, 'I looked at every clue carefully and compared them.\n\\boxed{}', null, 51, -1.5],
  ['first number wins', 3, 'It is one of two players, hard to say which one.\n\\boxed{2 or 3}', 2, 48, -0.8999999999999999],
  ['double backslash', 3, 'The JSON-escaped answer from a log file reads\n\\\\boxed{3}', 3, 45, 2.49],
  ['empty think', 3, '<think></think>\\boxed{3}', 3, 0, 1.89],
  ['json true is player 1', 1, '<think>Reasoning about the clues carefully.</think><answer>{"spy": true}</answer>', 1, 36, 2.49],
  ['json full-width string', 3, '<think>Reasoning about the clues carefully.</think><answer>{"spy": "\uff13"}</answer>', 3, 36, 2.49],
  ['full-width digit in box', 3, 'Reasoning about the clues carefully.\n\\boxed{\uff13}', null, 36, -0.8999999999999999],
  [
    'CJK word boundary',
    3,
    '\u7b2c\u4e09\u4f4d\u73a9\u5bb6\u7684\u7ebf\u7d22\u4e0e\u5176\u4ed6\u4eba\u4e0d\u540c\u3002\n\\boxed{\u73a9\u5bb63}',
    null,
    15,
    -0.8999999999999999,
  ],
  ['thinking of 10 characters', 3, '0123456789\\boxed{3}', 3, 10, 1.89],
  ['instruction line filtered', 3, '\\boxed{3}\nYour task is to vote for the spy', 3, 0, 1.89],
  ['unclosed answer tag', 3, '<think>Player 3 described a different object.</think><answer> 3 </think>', 3, 38, 2.49],
  ['json float exponent', 3, '<think>Reasoning about the clues carefully.</think><answer>{"spy": 3e0}</answer>', 3, 36, 2.49],
];
// [case, completion, solution, image [w, h], input [w, h], iou (null: the source raised), format]
const VLM_R1: ReadonlyArray<[string, string, string, [number, number], [number, number], number | null, number]> = [
  [
    'exact, input = original',
    '<think>x</think><answer>{"bbox_2d": [100, 50, 200, 150]}</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    1.0,
    1.0,
  ],
  [
    'input frame rescaled',
    '<think>x</think><answer>[42, 28, 210, 140]</answer>',
    '<answer>[100, 80, 500, 400]</answer>',
    [1000, 800],
    [420, 280],
    1.0,
    0.0,
  ],
  [
    'partial overlap',
    '<think>x</think><answer>[120, 60, 220, 170]</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    0.5217391304347826,
    0.0,
  ],
  [
    'uneven rescale',
    '<think>x</think><answer>[13, 17, 251, 199]</answer>',
    '<answer>[20, 30, 390, 350]</answer>',
    [640, 480],
    [406, 308],
    0.8533218366259089,
    0.0,
  ],
  ['no answer tag', '<think>x</think>[100, 50, 200, 150]', '<answer>[100, 50, 200, 150]</answer>', [448, 336], [448, 336], 0.0, 0.0],
  [
    'decimals do not parse',
    '<answer>[100.5, 50, 200, 150]</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    0.0,
    0.0,
  ],
  [
    'negative does not parse',
    '<answer>[-5, 50, 200, 150]</answer>',
    '<answer>[0, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    0.0,
    0.0,
  ],
  ['space before comma', '<answer>[100 ,50, 200, 150]</answer>', '<answer>[100, 50, 200, 150]</answer>', [448, 336], [448, 336], 0.0, 0.0],
  [
    'box outside the image',
    '<answer>[400, 300, 600, 500]</answer>',
    '<answer>[380, 280, 448, 336]</answer>',
    [448, 336],
    [448, 336],
    0.04106463878326996,
    0.0,
  ],
  ['zero-area prediction', '<answer>[50, 50, 50, 50]</answer>', '<answer>[40, 40, 60, 60]</answer>', [448, 336], [448, 336], 0.0, 0.0],
  ['zero union', '<answer>[50, 50, 50, 50]</answer>', '<answer>[50, 50, 50, 50]</answer>', [448, 336], [448, 336], 0.0, 0.0],
  [
    'inverted box, zero union',
    '<answer>[200, 50, 100, 150]</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    0.0,
    0.0,
  ],
  [
    'first answer, last solution',
    '<answer>[0, 0, 10, 10]</answer> then <answer>[100, 50, 200, 150]</answer>',
    '<answer>[0, 0, 5, 5]</answer><answer>[0, 0, 10, 10]</answer>',
    [448, 336],
    [448, 336],
    1.0,
    0.0,
  ],
  [
    'first box in the answer',
    '<answer>{"a": [10, 10, 20, 20], "b": [100, 50, 200, 150]}</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    0.0,
    0.0,
  ],
  [
    'full-width digits',
    '<answer>[\uff11\uff10\uff10, 50, 200, 150]</answer>',
    '<answer>[100, 50, 200, 150]</answer>',
    [448, 336],
    [448, 336],
    1.0,
    0.0,
  ],
  [
    'float ground truth',
    '<answer>[10, 10, 30, 30]</answer>',
    '<answer>[10.5, 10.5, 30.5, 30.5]</answer>',
    [448, 336],
    [448, 336],
    0.9058963668850506,
    0.0,
  ],
  ['solution without tags', '<answer>[10, 10, 30, 30]</answer>', '[10, 10, 30, 30]', [448, 336], [448, 336], null, 0.0],
];

async function scoreOne(spec: string, input: Partial<RewardInput> & { response: string }): Promise<RewardOutput> {
  const scorer = await createScorer(parseRewardSpec(spec), { trusted: false, baseDir: '.' });
  try {
    const [out] = await scorer.score([{ id: '1', prompt: '', ground_truth: null, data_source: null, extra: {}, ...input }]);
    return out!;
  } finally {
    await scorer.dispose();
  }
}

describe('vision-zero-decision: the official God-decision reward, case by case', () => {
  for (const [name, spy, completion, vote, thinking, reward] of VISION_ZERO) {
    it(`${name}: vote ${String(vote)}, reward ${reward}`, () => {
      assert.equal(extractVote(completion), vote);
      assert.equal(Array.from(extractThinking(completion)).length, thinking);
      const acc = vote === spy ? 1 : vote === 'N/A' ? -0.5 : -1;
      // Bit-for-bit: the three terms are added in the source's order.
      assert.equal(decisionReward(decisionFormatOk(completion), acc), reward);
    });
  }

  it('scores through the registry with the spy from the ground truth, components and verdict', async () => {
    const out = await scoreOne('vision-zero-decision', { response: VISION_ZERO[3]![2], ground_truth: '3' });
    assert.deepEqual(out, { score: -0.8999999999999999, components: { format: 1, accuracy: -1 }, correct: false, extracted: '2' });
    const right = await scoreOne('vision-zero-decision', { response: '\\boxed{3}', ground_truth: null, meta: { vision_zero: { spy: 3 } } });
    assert.deepEqual(right, { score: 1.89, components: { format: 0, accuracy: 1 }, correct: true, extracted: '3' });
    const none = await scoreOne('vision-zero-decision', { response: 'no idea', ground_truth: '{"spy": 2}' });
    assert.deepEqual(
      [none.score, none.correct, none.rationale],
      [-1.5, false, 'no vote: no player number 1–9, N/A or {"spy": N} in the answer'],
    );
  });

  it('takes other weights (the class defaults 0.2 / 1.0) and refuses a sample without a spy', async () => {
    const out = await scoreOne('vision-zero-decision(lambdaFmt=0.2, betaAcc=1, abstain=0)', {
      response: 'The clues are all consistent, so I cannot tell.\n\\boxed{N/A}',
      ground_truth: '1',
    });
    assert.deepEqual([out.score, out.components], [0.2, { format: 1, accuracy: 0 }]);
    const bad = await scoreOne('vision-zero-decision', { response: '\\boxed{3}', ground_truth: 'player three' });
    assert.match(bad.error ?? '', /no spy player: ground_truth must be its number/);
  });

  it('reads the spy from a number, {"spy": N} or the source solution text', () => {
    assert.equal(parseSpy(' 4 '), 4);
    assert.equal(parseSpy('{"spy": 2}'), 2);
    assert.equal(parseSpy('Based on analyzing all clues, I need to identify the spy player.\n\\boxed{3}'), 3);
    assert.equal(parseSpy('\\boxed{N/A}'), null);
    assert.equal(parseSpy(null), null);
  });
});

describe('vlm-r1-iou: the official REC rewards, case by case', () => {
  for (const [name, completion, solution, [w, h], [iw, ih], iou, format] of VLM_R1) {
    it(`${name}: iou ${String(iou)}, format ${format}`, () => {
      assert.equal(recFormatOk(completion), format === 1);
      const gt = parseRecSolution(solution);
      if (iou === null) {
        // The source indexes [-1] of an empty findall and raises; we read the bare JSON instead.
        assert.deepEqual(gt, [10, 10, 30, 30]);
        return;
      }
      assert.equal(recIouReward(completion, gt!, { width: w, height: h, inputWidth: iw, inputHeight: ih }).iou, iou);
    });
  }

  it('rescales model-input pixels to the image as (c / input) · image', () => {
    assert.deepEqual(parseRecAnswer(VLM_R1[3]![1]), [13, 17, 251, 199]);
    assert.deepEqual(
      rescaleBox([13, 17, 251, 199], 406, 308, 640, 480),
      [
        // Python: [13/406*640, 17/308*480, 251/406*640, 199/308*480]
        20.492610837438427, 26.49350649350649, 395.66502463054184, 310.12987012987014,
      ],
    );
    assert.deepEqual(parseRecAnswer('<answer>[１００, 50, 200, 150]</answer>'), [100, 50, 200, 150]);
  });

  it('scores a sample with logged images and input-frame boxes through the registry', async () => {
    const sample: Partial<RewardInput> & { response: string } = {
      response: '<think>x</think><answer>[42, 28, 210, 140]</answer>',
      ground_truth: '<answer>[100, 80, 500, 400]</answer>',
      images: [{ path: '/img.png', width: 1000, height: 800 }],
      boxes: { pred: [[42, 28, 210, 140]], gt: [], image: 0, frame: 'input', input_size: [420, 280] },
    };
    const out = await scoreOne('vlm-r1-iou', sample);
    assert.deepEqual(out, { score: 1, components: { iou: 1, format: 0 }, extracted: '[100,80,500,400]' });
    const all = await scoreOne('vlm-r1-iou:all', {
      response: VLM_R1[0]![1],
      ground_truth: VLM_R1[0]![2],
      images: [{ path: '/i.png', width: 448, height: 336 }],
      boxes: { pred: [], gt: [], image: 0, frame: 'input', input_size: [448, 336] },
    });
    assert.deepEqual([all.score, all.components], [2, { iou: 1, format: 1 }]);
  });

  it('takes the target from boxes.gt when there is no ground truth, in original pixels', async () => {
    const out = await scoreOne('vlm-r1-iou', {
      response: '<answer>[42, 28, 210, 140]</answer>',
      images: [{ path: '/img.png', width: 1000, height: 800 }],
      boxes: { pred: [], gt: [[42, 28, 210, 140]], image: 0, frame: 'input', input_size: [420, 280] },
    });
    assert.equal(out.score, 1);
  });

  it('uses the spec sizes when the sample has none, and says what is missing otherwise', async () => {
    const response = '<answer>[42, 28, 210, 140]</answer>';
    const ground_truth = '[100, 80, 500, 400]';
    const out = await scoreOne('vlm-r1-iou(width=1000, height=800, inputWidth=420, inputHeight=280)', { response, ground_truth });
    assert.equal(out.score, 1);
    const missing = await scoreOne('vlm-r1-iou', { response, ground_truth });
    assert.match(missing.error ?? '', /rescaling needs the image size and the model input size/);
    const asWritten = await scoreOne('vlm-r1-iou(rescale=false)', { response, ground_truth: '[42, 28, 210, 140]' });
    assert.equal(asWritten.score, 1);
    const badGt = await scoreOne('vlm-r1-iou(rescale=false)', { response, ground_truth: '<answer>{"bbox": 1}</answer>' });
    assert.match(badGt.error ?? '', /ground_truth is not a box/);
    const noBox = await scoreOne('vlm-r1-iou(rescale=false)', { response: 'none', ground_truth });
    assert.deepEqual([noBox.score, noBox.rationale], [0, 'no [x1, y1, x2, y2] of integers in the first <answer>…</answer>']);
  });
});

describe("Python's text rules the parsers depend on", () => {
  it('int() of JSON values and Unicode digits', () => {
    assert.deepEqual([true, false, 3.9, -3.9, Infinity, '３', ' 1_2 ', '1__2', '٣', '𝟗', 'x', null, [3]].map(pyInt), [
      1,
      0,
      3,
      -3,
      null,
      3,
      12,
      null,
      3,
      9,
      null,
      null,
      null,
    ]);
    assert.deepEqual(['7', '०', '७', '𝟎', '𝟡', '９'].map(digitValue), [7, 0, 7, 0, 9, 9]);
  });
  it("strip() uses Python's whitespace: \\x1c is stripped, \\ufeff is not", () => {
    assert.equal(pyStrip('\x1c\x85 a \u3000'), 'a');
    assert.equal(pyStrip('\ufeffa'), '\ufeffa');
  });
});
