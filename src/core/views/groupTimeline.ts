// The group view's timeline for temporal grounding (docs/native-format.md#video-and-segments): the
// group's video, the axis length (the video's duration, else the latest segment end), the targets,
// each sample's predicted segments with temporal IoU and length ÷ target, flagged segments, and the
// samples whose answer gave no segment, listed apart with why.
import { segmentProblem, segmentScores, type GroupTimeline, type SampleSegments, type Segment, type VideoRef } from '../../shared/media';

export interface TimelineRow {
  idx: number;
  video: string | null;
  segments: string | null;
}

export function groupTimeline(rows: readonly TimelineRow[]): GroupTimeline | null {
  const withSegments = rows.filter((r) => r.segments !== null);
  if (withSegments.length === 0) return null;
  const video = rows.map((r) => (r.video ? (JSON.parse(r.video) as VideoRef) : null)).find((v) => v !== null) ?? null;
  const known = video?.duration ?? null;
  const gt = new Map<string, Segment>();
  const samples: GroupTimeline['samples'] = [];
  const unparsable: GroupTimeline['unparsable'] = [];
  let latest = 0;
  for (const r of withSegments) {
    const seg = JSON.parse(r.segments!) as SampleSegments;
    for (const s of seg.gt) gt.set(JSON.stringify(s), s);
    for (const s of [...seg.pred, ...seg.gt]) latest = Math.max(latest, s[0], s[1]);
    if (seg.pred.length === 0) {
      unparsable.push({ index: r.idx, reason: seg.unparsed ?? 'no segment in the answer' });
      continue;
    }
    samples.push({
      index: r.idx,
      pred: seg.pred,
      problems: seg.pred.map((s) => segmentProblem(s, known)),
      scores: segmentScores(seg.pred[0], seg.gt[0]),
    });
  }
  return {
    video: video ? { ref: video, label: video.path } : null,
    duration: known ?? latest,
    duration_known: known !== null,
    gt: [...gt.values()],
    samples,
    unparsable,
  };
}
