// What the timeline section draws for a temporal-grounding group, in seconds: one row per sample with
// its predicted segments coloured by reward, the target spans, and the axis ticks. Pure: the section
// turns seconds into CSS pixels (s ÷ duration × the axis width) and places the elements.
import { segmentProblem, type GroupTimeline, type Segment, type SegmentScores } from '../../src/shared/media';
import type { GroupSampleView } from '../../src/shared/protocol/webviews/group';
import { rewardColour } from '../../src/shared/rewardColour';
import { rewardRange } from './boxLayout';

/** A span on the axis in seconds, ordered and clipped to [0, duration]. */
export interface Span {
  from: number;
  to: number;
}

export interface PlacedSegment {
  sample: number;
  /** Which of the sample's predicted segments. */
  segment: number;
  /** As logged (possibly reversed or past the end). */
  logged: Segment;
  span: Span;
  /** Why it is flagged (reversed, before 0, past the end); null when it is fine. */
  problem: string | null;
}

export interface TimelineRow {
  sample: number;
  reward: number;
  colour: string;
  scores: SegmentScores;
  segments: PlacedSegment[];
}

/** The axis's length in seconds; never 0, so a group whose segments all sit at 0 still divides. */
export function axisSeconds(timeline: GroupTimeline): number {
  return timeline.duration > 0 && Number.isFinite(timeline.duration) ? timeline.duration : 1;
}

/** The segment with its ends in order, clipped to the axis: a flagged segment is drawn, never dropped. */
export function clippedSpan(s: Segment, duration: number): Span {
  const clamp = (v: number): number => Math.min(duration, Math.max(0, Number.isFinite(v) ? v : 0));
  return { from: clamp(Math.min(s[0], s[1])), to: clamp(Math.max(s[0], s[1])) };
}

/**
 * One row per sample with a predicted segment, or with none but not listed as unparsable, ordered
 * by sample index. Samples listed as unparsable and predicting nothing are shown apart, not here.
 */
export function timelineRows(timeline: GroupTimeline, samples: readonly GroupSampleView[]): TimelineRow[] {
  const { min, max } = rewardRange(samples);
  const rewards = new Map(samples.map((s) => [s.index, s.reward]));
  const unparsable = new Set(timeline.unparsable.map((u) => u.index));
  const duration = axisSeconds(timeline);
  const known = timeline.duration_known ? timeline.duration : null;
  return timeline.samples
    .filter((s) => s.pred.length > 0 || !unparsable.has(s.index))
    .map((s) => {
      const reward = rewards.get(s.index) ?? NaN;
      return {
        sample: s.index,
        reward,
        colour: rewardColour(reward, min, max),
        scores: s.scores,
        segments: s.pred.map((seg, j) => ({
          sample: s.index,
          segment: j,
          logged: seg,
          span: clippedSpan(seg, duration),
          // The engine flags what it checked; a segment it sent unflagged is still checked against the axis here.
          problem: s.problems[j] ?? segmentProblem(seg, known),
        })),
      };
    })
    .sort((a, b) => a.sample - b.sample);
}

/** The distinct target spans, earliest first. */
export function targetSpans(timeline: GroupTimeline): Array<{ logged: Segment; span: Span }> {
  const duration = axisSeconds(timeline);
  const seen = new Map<string, { logged: Segment; span: Span }>();
  for (const g of timeline.gt) seen.set(`${g[0]},${g[1]}`, { logged: g, span: clippedSpan(g, duration) });
  return [...seen.values()].sort((a, b) => a.span.from - b.span.from || a.span.to - b.span.to);
}

/** Tick steps in seconds: decimal steps below a second, then steps a clock reads (seconds, minutes, hours). */
const SUB_SECOND = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
const CLOCK = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000];

/** Ticks from 0 at the smallest step that keeps labels at least `minGapPx` apart on an axis `widthPx` wide. */
export function axisTicks(duration: number, widthPx: number, minGapPx = 60): { step: number; ticks: number[] } {
  const least = widthPx > 0 ? (duration * minGapPx) / widthPx : duration;
  const step = [...SUB_SECOND, ...CLOCK].find((s) => s >= least) ?? Math.ceil(least / 36000) * 36000;
  const ticks: number[] = [];
  // Counted in whole steps so 0.1 × 3 does not drift past the end.
  for (let k = 0; k * step <= duration + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(6)));
  return { step, ticks };
}

/** A tick's label: seconds ("12.5") on axes under two minutes, else a clock ("1:30", "1:02:00"). */
export function tickLabel(t: number, duration: number): string {
  if (duration < 120) return String(Number(t.toFixed(2)));
  const whole = Math.round(t);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The axis's unit, for its label: seconds, or a clock. */
export function axisUnit(duration: number): string {
  if (duration < 120) return 's';
  return duration >= 3600 ? 'h:mm:ss' : 'm:ss';
}
