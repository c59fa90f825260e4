// Golden vectors for the video temporal-grounding ports (docs/rewards.md#videochat-r1-iou,
// docs/rewards.md#time-r1-iou-v2, docs/rewards.md#videochat-r1-format). Every expected value below was
// printed by the official Python functions at the pinned commits: test/fixtures/video-rewards/golden.py
// (its README has the command).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import type { RewardInput, RewardOutput } from '../../../src/core/rewards/types';
import {
  parseSegmentTruth,
  parseTimestampAnswer,
  timeR1IouV2,
  videoChatIou,
  videoFormatOk,
  type Segment,
} from '../../../src/core/rewards/rules/videoTemporal';

type Row = [
  name: string,
  completion: string,
  gt: Segment,
  duration: number,
  parsed: Segment | null,
  parsedTimeR1: Segment | null,
  iou: number,
  iouV2: number | null,
  iouV2Error: string | null,
  format: number,
];
// [case, completion, gt, D, VideoChat-R1 parse, Time-R1 parse, iou, iou_v2 (null: the source raised), its exception, format]
const GOLDEN: readonly Row[] = [
  [
    'exact match',
    '<think>The man opens the door\nearly on.</think>\n<answer>12.54 to 17.83</answer>',
    [12.54, 17.83],
    30.0,
    [12.54, 17.83],
    [12.54, 17.83],
    1.0,
    1.0,
    null,
    1.0,
  ],
  [
    'partial overlap',
    '<think>x</think><answer>2.5 to 7.5</answer>',
    [5.0, 10.0],
    30.0,
    [2.5, 7.5],
    [2.5, 7.5],
    0.3333333333333333,
    0.28009259259259256,
    null,
    1.0,
  ],
  [
    'and, integer ground truth',
    '<think>x</think><answer>between 3 and 9 seconds</answer>',
    [4, 8],
    20,
    [3.0, 9.0],
    [3.0, 9.0],
    0.6666666666666666,
    0.6016666666666666,
    null,
    1.0,
  ],
  [
    'upper-case TO',
    '<think>x</think><answer>4.0 TO 6.0</answer>',
    [4.5, 7.0],
    12.0,
    [4.0, 6.0],
    [4.0, 6.0],
    0.5,
    0.43923611111111105,
    null,
    1.0,
  ],
  [
    'last answer block wins',
    '<think>x</think><answer>0 to 5</answer> or rather <answer>10 to 20</answer>',
    [12.0, 18.0],
    40.0,
    [10.0, 20.0],
    [10.0, 20.0],
    0.6,
    0.5415,
    null,
    1.0,
  ],
  [
    'last match wins',
    '<think>x</think><answer>first 1 to 2, then 3.5 to 8.25</answer>',
    [3.0, 8.0],
    16.0,
    [3.5, 8.25],
    [3.5, 8.25],
    0.8571428571428571,
    0.8173828124999999,
    null,
    1.0,
  ],
  ['start after end', '<think>x</think><answer>9.5 to 3.0</answer>', [2.0, 8.0], 10.0, null, [9.5, 3.0], 0.0, 0.0, null, 1.0],
  [
    'negative start loses its sign',
    '<think>x</think><answer>-5 to 10</answer>',
    [0.0, 10.0],
    20.0,
    [5.0, 10.0],
    [5.0, 10.0],
    0.5,
    0.375,
    null,
    1.0,
  ],
  ['no answer tags', '<think>x</think>The event happens from 3 to 7.', [3.0, 7.0], 10.0, null, null, 0.0, 0.0, null, 0.0],
  ['no space, no match', '<think>x</think><answer>3to7</answer>', [3.0, 7.0], 10.0, null, null, 0.0, 0.0, null, 1.0],
  ['unit glued to number, no match', '<think>x</think><answer>12.5s to 17s</answer>', [12.5, 17.0], 30.0, null, null, 0.0, 0.0, null, 1.0],
  ['trailing dots', '<think>x</think><answer>5. to 10.</answer>', [6.0, 10.0], 20.0, [5.0, 10.0], [5.0, 10.0], 0.8, 0.76, null, 1.0],
  [
    'multi-line answer',
    '<think>x</think>\n<answer>\nThe event: 1.5 to 4.5\n</answer>',
    [1.0, 4.0],
    8.0,
    [1.5, 4.5],
    [1.5, 4.5],
    0.7142857142857143,
    0.6277901785714286,
    null,
    1.0,
  ],
  ['full-width digits', '<think>x</think><answer>\uff13 to \uff17</answer>', [3.0, 7.0], 10.0, [3.0, 7.0], [3.0, 7.0], 1.0, 1.0, null, 1.0],
  ['union 0', '<think>x</think><answer>5 to 5</answer>', [5.0, 5.0], 10.0, [5.0, 5.0], [5.0, 5.0], 1.0, null, 'UnboundLocalError', 1.0],
  ['disjoint', '<think>x</think><answer>0 to 2</answer>', [5.0, 8.0], 10.0, [0.0, 2.0], [0.0, 2.0], 0.0, 0.0, null, 1.0],
  [
    'prediction past the duration',
    '<think>x</think><answer>0 to 300</answer>',
    [0.0, 100.0],
    100.0,
    [0.0, 300.0],
    [0.0, 300.0],
    0.3333333333333333,
    -0.3333333333333333,
    null,
    1.0,
  ],
  [
    'duration equals the end',
    '<think>x</think><answer>12 to 20</answer>',
    [10, 20],
    20,
    [12.0, 20.0],
    [12.0, 20.0],
    0.8,
    0.7200000000000001,
    null,
    1.0,
  ],
  [
    'duration 0, parsed',
    '<think>x</think><answer>1 to 2</answer>',
    [1.0, 3.0],
    0,
    [1.0, 2.0],
    [1.0, 2.0],
    0.5,
    null,
    'ZeroDivisionError',
    1.0,
  ],
  ['duration 0, unparsable', '<think>x</think><answer>soon</answer>', [1.0, 3.0], 0, null, null, 0.0, 0.0, null, 1.0],
  [
    'format: stripped whitespace',
    '  \n<think>a</think>  <answer>1 to 2</answer>\n ',
    [1.0, 2.0],
    5.0,
    [1.0, 2.0],
    [1.0, 2.0],
    1.0,
    1.0,
    null,
    1.0,
  ],
  [
    'format: text after the answer',
    '<think>a</think><answer>1 to 2</answer> done',
    [1.0, 2.0],
    5.0,
    [1.0, 2.0],
    [1.0, 2.0],
    1.0,
    1.0,
    null,
    0.0,
  ],
  [
    'format: think closed twice',
    '<think>a</think> b </think><answer>1 to 2</answer>',
    [1.0, 2.0],
    5.0,
    [1.0, 2.0],
    [1.0, 2.0],
    1.0,
    1.0,
    null,
    1.0,
  ],
  [
    'format: unicode space before answer',
    '<think>a</think>\u001c<answer>1 to 2</answer>',
    [1.0, 2.0],
    5.0,
    [1.0, 2.0],
    [1.0, 2.0],
    1.0,
    1.0,
    null,
    1.0,
  ],
  [
    'format: BOM is not space',
    '<think>a</think><answer>1 to 2</answer>\ufeff',
    [1.0, 2.0],
    5.0,
    [1.0, 2.0],
    [1.0, 2.0],
    1.0,
    1.0,
    null,
    0.0,
  ],
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

describe('video temporal grounding: the official rewards, case by case', () => {
  for (const [name, completion, gt, duration, parsed, parsedTimeR1, iou, iouV2, iouV2Error, format] of GOLDEN) {
    it(`${name}: iou ${iou}, iou_v2 ${iouV2 ?? iouV2Error}, format ${format}`, async () => {
      assert.deepEqual(parseTimestampAnswer(completion, true).segment, parsed);
      assert.deepEqual(parseTimestampAnswer(completion, false).segment, parsedTimeR1);
      assert.equal(videoChatIou(parsed, gt), iou);
      assert.equal(videoFormatOk(completion), format === 1);
      if (iouV2Error === 'UnboundLocalError') {
        assert.throws(() => timeR1IouV2(parsedTimeR1, gt, duration), /raises UnboundLocalError there/);
      } else if (duration > 0) {
        assert.equal(timeR1IouV2(parsedTimeR1, gt, duration).iouV2, iouV2);
      } else {
        // D = 0: the source divides by it (ZeroDivisionError) or, with nothing parsed, scores 0; we refuse D ≤ 0.
        const out = await scoreOne('time-r1-iou-v2', { response: completion, ground_truth: JSON.stringify({ timestamps: gt, duration }) });
        assert.equal(out.error, 'time-r1-iou-v2: ground_truth "duration" must be a positive number of seconds, got 0');
      }
    });
  }
});

describe('video temporal grounding through the registry', () => {
  const exact = GOLDEN[1]![1]; // "2.5 to 7.5" in the last <answer>, format 1

  it('videochat-r1-iou scores a [start, end] ground truth with components and the parsed segment', async () => {
    const out = await scoreOne('videochat-r1-iou', { response: exact, ground_truth: '[5.0, 10.0]' });
    assert.deepEqual(out, { score: 0.3333333333333333, components: { iou: 0.3333333333333333, format: 1 }, extracted: '[2.5,7.5]' });
    const reversed = await scoreOne('videochat-r1-iou', { response: '<answer>9.5 to 3.0</answer>', ground_truth: '[2, 8]' });
    assert.deepEqual(reversed, {
      score: 0,
      components: { iou: 0, format: 0 },
      rationale: "the answer's start 9.5 is after its end 3: reward 0",
    });
  });

  it('time-r1-iou-v2 takes D from the ground truth, then meta.video.duration, then the setting', async () => {
    const fromTruth = await scoreOne('time-r1-iou-v2', { response: exact, ground_truth: '{"timestamps": [5.0, 10.0], "duration": 30}' });
    assert.deepEqual(fromTruth, {
      score: 0.28009259259259256,
      components: { iou_v2: 0.28009259259259256, iou: 0.3333333333333333, format: 1 },
      extracted: '[2.5,7.5]',
    });
    const fromMeta = await scoreOne('time-r1-iou-v2(duration=99)', {
      response: exact,
      ground_truth: '{"timestamps": [5.0, 10.0]}',
      meta: { video: { duration: 30 } },
    });
    assert.equal(fromMeta.score, 0.28009259259259256);
    const fromSetting = await scoreOne('time-r1-iou-v2(duration=30)', { response: exact, ground_truth: '[5, 10]' });
    assert.equal(fromSetting.score, 0.28009259259259256);
    // Time-R1 keeps a reversed answer: no overlap, so 0, but the segment is still reported.
    const reversed = await scoreOne('time-r1-iou-v2(duration=10)', { response: '<answer>9.5 to 3.0</answer>', ground_truth: '[2, 8]' });
    assert.deepEqual([reversed.score, reversed.extracted], [0, '[9.5,3]']);
  });

  it('videochat-r1-format needs no ground truth', async () => {
    const out = await scoreOne('videochat-r1-format', { response: ' <think>a</think>\n<answer>1 to 2</answer>\n' });
    assert.deepEqual(out, { score: 1, components: { format: 1 }, extracted: '[1,2]' });
    const bad = await scoreOne('videochat-r1-format', { response: '<answer>1 to 2</answer>' });
    assert.deepEqual(bad, { score: 0, components: { format: 0 }, extracted: '[1,2]' });
  });
});

describe('video temporal grounding: what is refused, and why', () => {
  it('a sample without a duration names the three places D can come from', async () => {
    const out = await scoreOne('time-r1-iou-v2', { response: '<answer>1 to 2</answer>', ground_truth: '[1, 2]' });
    assert.equal(
      out.error,
      'time-r1-iou-v2: no video duration: give D in seconds as ground_truth {"timestamps": [start, end], "duration": D}, the sample\'s video.duration, meta.video.duration or time-r1-iou-v2(duration=D)',
    );
    const negative = await scoreOne('time-r1-iou-v2', {
      response: '<answer>1 to 2</answer>',
      ground_truth: '[1, 2]',
      meta: { video: { duration: -3 } },
    });
    assert.equal(negative.error, 'time-r1-iou-v2: meta.video.duration must be a positive number of seconds, got -3');
  });

  it('a zero union has no Time-R1 score (the source raises UnboundLocalError)', async () => {
    const out = await scoreOne('time-r1-iou-v2(duration=10)', { response: '<answer>5 to 5</answer>', ground_truth: '[5, 5]' });
    assert.equal(
      out.error,
      "time-r1-iou-v2: the answer [5,5] and the ground truth [5,5] have a union of 0 s: Time-R1's iou_timestamp_reward_v2 raises UnboundLocalError there, so it has no score",
    );
  });

  it('ground truths that are not a segment name the accepted forms', async () => {
    const forms = 'expected JSON [start, end] or {"timestamps": [start, end], "duration": D} ("timestamp" also read) in seconds';
    const cases: Array<[string | null, string]> = [
      [null, `no ground truth: ${forms}`],
      ['12.5 to 17', `ground_truth is not JSON: ${forms}`],
      ['[1, 2, 3]', `ground_truth is not a segment: ${forms}`],
      ['{"timestamps": ["1", "2"]}', `ground_truth "timestamps" is not two numbers: ${forms}`],
      ['{"timestamps": [1, 2], "duration": "30s"}', 'ground_truth "duration" is not a number of seconds'],
    ];
    for (const [gt, message] of cases) {
      const out = await scoreOne('videochat-r1-iou', { response: '<answer>1 to 2</answer>', ground_truth: gt });
      assert.deepEqual([out.score, out.error], [null, `videochat-r1-iou: ${message}`]);
    }
    assert.deepEqual(parseSegmentTruth('{"timestamps": [1, 2], "duration": null}'), { segment: [1, 2], duration: null });
    assert.deepEqual(parseSegmentTruth('{"timestamp": [3.5, 9], "duration": 40}'), { segment: [3.5, 9], duration: 40 });
    assert.throws(() => parseSegmentTruth('{"segment": [1, 2]}'), /ground_truth "timestamp" is not two numbers/);
  });

  it('refuses unknown settings and a non-positive duration setting', () => {
    assert.throws(() => parseRewardSpec('time-r1-iou-v2(duration=0)'), /duration/);
    assert.throws(() => parseRewardSpec('videochat-r1-iou(duration=10)'), /duration/);
  });
});
