// Temporal-grounding groups for the group view's timeline tests and benchmark: each sample's
// predicted segments in seconds (or why none could be read), one target, and the timeline the
// engine would send (scores by the shared segmentScores, the first predicted against the first target).
import { segmentScores, type GroupTimeline, type Segment } from '../../src/shared/media';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { prng } from '../helpers';
import { HOSTILE, groupFixture, type GroupFixture } from './fixtures';

export interface SegmentSpec {
  reward: number;
  pred: Segment[];
  /** The engine's flags per predicted segment (default: none). */
  problems?: Array<string | null>;
  /** Why no segment could be read (the sample is listed apart; `pred` should be empty). */
  unparsed?: string;
}

export interface TimelineOptions {
  gt: Segment[];
  duration: number;
  duration_known?: boolean;
  video?: GroupTimeline['video'];
}

/** A group of `specs.length` samples with the timeline the engine would send for them. */
export function timelineGroupFixture(specs: SegmentSpec[], opts: TimelineOptions): GroupFixture {
  const fx = groupFixture({ g: specs.length, tokens: 64 });
  const samples = fx.snapshot.samples.map((s, i) => ({ ...s, reward: (specs[i] as SegmentSpec).reward }));
  const timeline: GroupTimeline = {
    video:
      opts.video === undefined
        ? { ref: { path: '/runs/r1/videos/kitchen.mp4', duration: opts.duration }, label: 'videos/kitchen.mp4' }
        : opts.video,
    duration: opts.duration,
    duration_known: opts.duration_known ?? true,
    gt: opts.gt,
    // As the engine sends it (src/core/views/groupTimeline.ts): a sample whose answer gave no segment is only in `unparsable`.
    samples: specs.flatMap((spec, i) =>
      spec.pred.length === 0
        ? []
        : [
            {
              index: i,
              pred: spec.pred,
              problems: spec.problems ?? spec.pred.map(() => null),
              scores: segmentScores(spec.pred[0], opts.gt[0]),
            },
          ],
    ),
    unparsable: specs.flatMap((spec, i) => (spec.unparsed === undefined ? [] : [{ index: i, reason: spec.unparsed }])),
  };
  const snapshot: GroupSnapshot = { ...fx.snapshot, samples, timeline };
  return { ...fx, snapshot, json: JSON.stringify(snapshot) };
}

/** A reason that quotes hostile model text: it must show as text. */
export const HOSTILE_REASON = `answer "${HOSTILE.img}" is not a segment`;

/**
 * The 10 samples of the view test on a 60 s video whose target is [20, 35] s: sample 3 has no
 * answer block, sample 5 runs past the video's end, sample 6 is reversed, sample 7 predicts two
 * segments, sample 8's reason quotes hostile text, sample 9 ends exactly at the end.
 */
export const KITCHEN_SAMPLES: SegmentSpec[] = [
  { reward: 1, pred: [[20, 35]] },
  { reward: 0, pred: [[0, 6]] },
  { reward: 0.5, pred: [[18, 33]] },
  { reward: 0, pred: [], unparsed: 'no <answer> block' },
  { reward: 0.75, pred: [[15, 40]] },
  { reward: 0.25, pred: [[50, 72]], problems: ['ends after the video (60 s)'] },
  { reward: 0, pred: [[40, 30]], problems: ['start 40 > end 30'] },
  {
    reward: 0.5,
    pred: [
      [10, 14],
      [22, 30],
    ],
  },
  { reward: 0, pred: [], unparsed: HOSTILE_REASON },
  { reward: 0.25, pred: [[55, 60]] },
];

export function kitchenFixture(opts: Partial<TimelineOptions> = {}): GroupFixture {
  return timelineGroupFixture(KITCHEN_SAMPLES, { gt: [[20, 35]], duration: 60, ...opts });
}

/** 64 samples scattered around one target in a 180 s video, for the benchmark (no frames: the timeline only). */
export function benchTimelineFixture(seed = 9): GroupFixture {
  const rnd = prng(seed);
  const specs: SegmentSpec[] = Array.from({ length: 64 }, () => {
    const mid = 90 + (rnd() - 0.5) * 80;
    const half = 5 + rnd() * 25;
    const s: Segment = [Math.round((mid - half) * 10) / 10, Math.round((mid + half) * 10) / 10];
    return { reward: Math.round(rnd() * 4) / 4, pred: [s] };
  });
  return timelineGroupFixture(specs, { gt: [[80, 100]], duration: 180 });
}
