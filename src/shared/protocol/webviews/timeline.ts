// The prompt timeline view's protocol: a complete snapshot of one prompt's timeline in one run, or
// in two runs side by side; the user's actions back (compare with another run, open a group, diff
// the best sample of each run at a step). Imported by src/extension/webviews/timelinePanel.ts and
// webview/timeline/.
import * as z from 'zod/mini';
import type { PromptTimeline } from '../../promptTimeline';
import type { Split } from '../../rollout';
import { groupId, runName, split, step } from '../atoms';
import { CHECKPOINT_VERSION, ReadyNotification, inboundNotification, inboundOf, outboundNotification } from './ipc';

export const TIMELINE_VIEW_TYPE = 'rolloutLens.promptTimeline';

export interface TimelineSnapshot {
  prompt_id: string;
  /** The prompt text (untrusted). */
  prompt: string;
  split: Split;
  /** The run it was opened from first; a second when comparing. */
  timelines: PromptTimeline[];
  /** Other runs that asked the same prompt, for "Compare with…". */
  other_runs: string[];
  /** Why the compared run has no timeline (it never asked this prompt), shown in its place. */
  compare_error: string | null;
}

/** What opens (and restores) a timeline panel. */
export const timelineKeySchema = z.strictObject({
  run: runName,
  prompt_id: z.string().check(z.regex(/^[0-9a-f]{40}$/)),
  split,
});
export type TimelineKey = z.infer<typeof timelineKeySchema>;

export const timelineCheckpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  key: timelineKeySchema,
  compare: z.nullable(runName),
  selectedStep: z.nullable(step),
});
export type TimelineCheckpoint = z.infer<typeof timelineCheckpointSchema>;

export const TimelineMessages = {
  ready: ReadyNotification,
  /** Webview → host: show the same prompt in another run beside this one (null: stop comparing). */
  compare: inboundNotification('timeline/compare', z.strictObject({ run: z.nullable(runName) })),
  /** Webview → host: open the group view of one point. */
  openGroup: inboundNotification('timeline/openGroup', z.strictObject({ run: runName, split, step, group: groupId })),
  /** Webview → host: VS Code's diff editor on the best-rewarded sample of each compared run at this step. */
  diffBest: inboundNotification('timeline/diffBest', z.strictObject({ step })),
  /** Host → webview: everything the view shows, complete. */
  snapshot: outboundNotification<TimelineSnapshot>('timeline/snapshot'),
} as const;

/** What the host accepts from this view (derived: every inbound message of TimelineMessages). */
export const TIMELINE_INBOUND = inboundOf(TimelineMessages);

/** Steps at which every compared run asked the prompt: where a best-sample diff is possible. */
export function commonSteps(timelines: readonly PromptTimeline[]): number[] {
  if (timelines.length < 2) return [];
  const sets = timelines.map((t) => new Set(t.points.map((p) => p.step)));
  return [...sets[0]!].filter((s) => sets.every((x) => x.has(s))).sort((a, b) => a - b);
}
