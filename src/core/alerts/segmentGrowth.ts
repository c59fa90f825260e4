// segment_growth: the temporal-grounding twin of box_growth (trendDetectors.ts). Predicted segments
// widen while more of them overlap the target: a wider segment catches the target more often and an
// IoU reward pays any overlap, so the policy can gain reward by widening instead of localising.
// Definition: docs/algorithms.md "Reward-hacking alerts", "Segment length".
import { segmentIou, segmentLength } from '../../shared/media';
import { mean, series, signedFixed, windowRise } from './trend';
import { MAX_IDS, type DetectorSample, type StepDetector } from './types';

interface SegmentState {
  n: number;
  overlaps: number;
  lengthSum: number;
  /** [length, id] of the longest segments that overlap the target, longest first. */
  top: Array<[number, number]>;
}

/**
 * The first predicted segment's length as a share of the video when its duration is known (videos
 * of different lengths then compare), else in seconds; undefined when the answer gave no segment.
 */
export function predictedSegmentLength(s: Pick<DetectorSample, 'segments' | 'videoDuration'>): number | undefined {
  const pred = s.segments?.pred[0];
  if (!pred) return undefined;
  const len = segmentLength(pred);
  return s.videoDuration ? len / s.videoDuration : len;
}

export const segmentGrowth: StepDetector<SegmentState> = {
  kind: 'segment_growth',
  id: 'segment_growth',
  onset: true,
  init: () => ({ n: 0, overlaps: 0, lengthSum: 0, top: [] }),
  add(st, s) {
    const len = predictedSegmentLength(s);
    if (len === undefined || !Number.isFinite(len)) return;
    // Overlap with the first target when one is logged (tIoU > 0), else the sample's outcome.
    const pred = s.segments!.pred[0]!;
    const gt = s.segments!.gt[0];
    const overlap = gt ? (segmentIou(pred, gt) ?? 0) > 0 : s.success;
    st.n++;
    st.lengthSum += len;
    if (!overlap) return;
    st.overlaps++;
    st.top.push([len, s.id]);
    st.top.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    if (st.top.length > MAX_IDS) st.top.length = MAX_IDS;
  },
  evaluate(w, t) {
    const xs = w.map((s) => s.step);
    const len = series(w, (s) => (s.state && s.state.n > 0 ? s.state.lengthSum / s.state.n : null));
    const overlap = series(w, (s) => (s.state && s.state.n > 0 ? s.state.overlaps / s.state.n : null));
    if (!len || !overlap) return null;
    const lengthMean = mean(len);
    const lengthRise = lengthMean > 0 ? windowRise(xs, len) / lengthMean : 0;
    const overlapRise = windowRise(xs, overlap);
    if (lengthRise < t.segmentLengthRise || overlapRise < t.segmentOverlapRise) return null;
    return {
      score: lengthRise,
      message:
        `mean predicted segment length ${signedFixed(100 * lengthRise, 0)}% and share overlapping the target ` +
        `${signedFixed(overlapRise)} over steps ${w[0]!.step}–${w[w.length - 1]!.step}`,
      samples: (w[w.length - 1]!.state?.top ?? []).map(([, id]) => id),
    };
  },
};
