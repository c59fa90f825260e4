// Engine methods that answer with exactly what one webview shows, one request per load. Each view's
// data type is declared with its webview protocol (./webviews/*); the data is built in
// src/core/views/ and the CLI prints the same (`rollout-lens group`).
import { z } from 'zod';
import type { GroupViewResult } from './webviews/group';
import { FRAME_TIMES_MAX, FRAME_WIDTH, type GroupFrames, type ImageLoad } from '../media';
import type { TimelineSnapshot } from './webviews/timeline';
import type { DashboardViewData } from './webviews/dashboard';
import type { RescoreComparison } from './webviews/rescore';
import { groupRefShape, runName, split } from './atoms';
import { method } from './methods';

/** ε of the clip range [1 − ε, 1 + ε] (rolloutLens.tokens.clipEpsilon). */
const epsilon = z.number().gt(0).lt(1);

export const ViewMethods = {
  /** The group view: samples with components, prompt, ground truth, prefix tree and token statistics. */
  group: method<GroupViewResult>()('views/group', z.object({ ...groupRefShape, epsilon: epsilon.optional() }).strict()),
  /** One of the group's images (an index into its view's media.images): only references stored with the group are read. */
  groupImage: method<ImageLoad>()('views/groupImage', z.object({ ...groupRefShape, image: z.number().int().min(0).max(10_000) }).strict()),
  /**
   * Thumbnails of the group's video at these seconds (clamped into [0, duration]), `width` pixels wide:
   * only the video stored with the group is decoded (docs/architecture.md#video-frames).
   */
  groupFrames: method<GroupFrames>()(
    'views/groupFrames',
    z
      .object({
        ...groupRefShape,
        times: z.array(z.number().min(-1e9).max(1e9)).min(1).max(FRAME_TIMES_MAX),
        width: z.number().int().min(FRAME_WIDTH.min).max(FRAME_WIDTH.max),
      })
      .strict(),
  ),
  /** The prompt timeline: a prompt (by id, or a group's) over a run's steps, optionally beside another run. */
  timeline: method<TimelineSnapshot>()(
    'views/timeline',
    z
      .object({
        run: runName,
        split,
        promptId: z.string().min(1).max(64).optional(),
        group: z.object(groupRefShape).strict().optional(),
        compare: z.optional(z.nullable(runName)),
      })
      .strict()
      .refine((p) => (p.promptId === undefined) !== (p.group === undefined), 'name the prompt by exactly one of promptId or group'),
  ),
  /** The run dashboard: step statistics, metric series, mismatch, alerts, and a launched run's status and log tail. */
  dashboard: method<DashboardViewData>()(
    'views/dashboard',
    z.object({ run: runName, picked: z.array(z.string().min(1).max(300)).max(50), epsilon }).strict(),
  ),
  /** A re-score set against the logged rewards, with the new rationales of the samples listed. */
  rescore: method<RescoreComparison>()('views/rescore', z.object({ set: z.number().int().min(1) }).strict()),
} as const;
