// VideoChat-R1 and Time-R1 IoU reward debug logs (DEBUG_MODE=true): per completion, the answer,
// the segment the reward read from it, the target segment and the reward, appended to LOG_PATH
// (docs/formats.md#videochat-r1-and-time-r1-debug-logs). The log names no video, question or step:
// the video and its length come from the annotation file (`--dataset`) by target segment, and the
// step is the reward call's position in the log. Writing, re-reading and following: rewardLogPass.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SampleSegments, Segment, VideoRef } from '../../shared/media';
import { isVideoRewardLogHead } from '../../shared/rollout';
import { parseTimestampAnswer } from '../rewards/rules/videoTemporal';
import { emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import type { SampleRecord } from './records';
import { startLogPass, writeCalls, type CallSamples } from './rewardLogPass';
import { VideoAnnotations } from './videoDataset';
import { parseVideoRewardLog, type VideoRewardBlock } from './videoLogParse';

export const VIDEO_LOG_FORMAT = 'videochat-r1-debug';

/** What the source logs as `pred second` when it read no segment: its `start_time, end_time = 0, 0` (ints). */
const NOTHING_READ = '0, 0';

/**
 * The predicted segment as the reward saw it. `pred second` is what was scored; the reason for an
 * empty one is `parse_timestamp_output`'s (videoTemporal.ts). A reversed answer tells the trainers
 * apart: VideoChat-R1 rejects it (logs `0, 0`), Time-R1 keeps and logs it.
 */
export function predictedSegments(b: VideoRewardBlock): Pick<SampleSegments, 'pred' | 'unparsed'> {
  const loose = parseTimestampAnswer(b.content, false);
  if (!loose.segment) return { pred: [], unparsed: loose.problem! };
  if (b.predText === NOTHING_READ) {
    const strict = parseTimestampAnswer(b.content, true);
    return { pred: [], unparsed: strict.problem ?? 'the trainer logged no segment (pred second: 0, 0)' };
  }
  return { pred: [b.pred] };
}

/** One call's blocks: those with its time stamp (taken once per call), in log order. */
function callsOf(blocks: readonly VideoRewardBlock[]): VideoRewardBlock[][] {
  const byTime = new Map<string, VideoRewardBlock[]>();
  for (const b of blocks) {
    const c = byTime.get(b.time);
    if (c) c.push(b);
    else byTime.set(b.time, [b]);
  }
  return [...byTime.values()];
}

/** The groups of a call: `--group-size` completions each, else runs of completions with one target. */
function groupsOf(blocks: readonly VideoRewardBlock[], groupSize: number | undefined): VideoRewardBlock[][] {
  const out: VideoRewardBlock[][] = [];
  blocks.forEach((b, k) => {
    const cur = out[out.length - 1];
    const fits = cur && (groupSize ? k % groupSize !== 0 : cur[0]!.gtText === b.gtText);
    if (fits) cur.push(b);
    else out.push([b]);
  });
  return out;
}

interface CallContext {
  file: string;
  step: number;
  groupSize: number | undefined;
  annotations: VideoAnnotations | undefined;
}

function callSamples(blocks: readonly VideoRewardBlock[], ctx: CallContext): CallSamples {
  const samples: SampleRecord[] = [];
  const warnings: string[] = [];
  const groups = groupsOf(blocks, ctx.groupSize);
  groups.forEach((members, g) => {
    const first = members[0]!;
    // Always numbered: a call read while it was being written may gain a second target (or pass
    // --group-size) later, and its first samples must keep their group (exactly once).
    const group = `${first.time}#${g}`;
    let join: { video: VideoRef; sentence?: string } | undefined;
    if (ctx.annotations) {
      const m = ctx.annotations.match(first.gt);
      if (m.ok) join = { video: m.row.video, ...(m.row.sentence !== undefined ? { sentence: m.row.sentence } : {}) };
      else
        warnings.push(
          `${path.basename(ctx.file)} line ${first.line} (step ${ctx.step}, group ${group}, samples 0-${members.length - 1}): ${m.why}; stored without a video`,
        );
    }
    const gt: Segment = first.gt;
    const duration = join?.video.duration;
    members.forEach((b, index) => {
      samples.push({
        split: 'train',
        step: ctx.step,
        group,
        index,
        prompt: join?.sentence ?? `(sentence not in the log; target ${b.gtText} s)`,
        response: b.content,
        reward: b.reward,
        components: { iou: b.reward },
        // The shape the video rewards read back (parseSegmentTruth), so re-scoring has the duration too.
        groundTruth: JSON.stringify(duration !== undefined ? { timestamps: b.gt, duration } : b.gt),
        ...(join ? { video: join.video } : {}),
        segments: { ...predictedSegments(b), gt: [gt] },
        meta: { debug_log: `${path.basename(ctx.file)}:${b.line}`, reward_time: b.time },
      });
    });
  });
  return { samples, missing: [], warnings };
}

/** A log's blocks as samples, one entry per reward call, the call's position its step. */
export function videoLogCalls(blocks: readonly VideoRewardBlock[], ctx: Omit<CallContext, 'step'>): CallSamples[] {
  return callsOf(blocks).map((call, i) => callSamples(call, { ...ctx, step: i + 1 }));
}

async function passVideoLog(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const start = startLogPass(p, VIDEO_LOG_FORMAT, [{ path: file, st: fs.statSync(file) }]);
  if (!start) return counters;
  const parsed = parseVideoRewardLog(fs.readFileSync(file, 'utf8'));
  counters.errors.push(...parsed.errors);
  if (parsed.unfinished && !p.settling) {
    counters.errors.push({ line: null, message: `${file}: the last block is cut off (no IoU reward line); it is read when complete` });
  }
  const annotations = ctx.datasets?.length ? new VideoAnnotations(ctx.datasets, ctx.videoRoot) : undefined;
  const built = videoLogCalls(parsed.blocks, { file, groupSize: ctx.groupSize, annotations });
  await writeCalls(p, start, built, counters);
  return counters;
}

/** VideoChat-R1 / Time-R1 `DEBUG_MODE=true` IoU reward logs: any `.txt` that starts like one (LOG_PATH is free). */
export const videoDebugLog: WholeFileFormat<typeof VIDEO_LOG_FORMAT, 'rollouts'> = {
  id: VIDEO_LOG_FORMAT,
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: 'VideoChat-R1 / Time-R1 IoU reward .txt', matches: () => false },
  opens: { ext: '.txt', matches: isVideoRewardLogHead },
  pass: passVideoLog,
};
