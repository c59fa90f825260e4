// Engine methods that close the loop (issue "close the loop"): failure clusters and labels, kept
// beside EngineMethods (src/shared/protocol/engine.ts), which spreads them in, with the same
// descriptor shape: params validated by the engine.
import { z } from 'zod';
import { ALERT_KINDS } from '../alerts';
import type { ClusterReport } from '../clusters';
import { LABEL_NOTE_MAX, LABEL_TAG_MAX, type GroupLabels, type LabelAddResult, type LabelEntry, type LabelTagCount } from '../labels';
import { groupId, groupRefShape as groupRef, runName, sampleIndex, split, step } from './atoms';
import { method } from './methods';

/** A full-text query (FTS5 syntax, or a literal phrase). */
export const textQuery = z.string().min(1).max(1000);
/** A label's tag; the store checks its characters and says which are allowed. */
export const labelTag = z.string().min(1).max(LABEL_TAG_MAX);

export const LoopMethods = {
  /**
   * Failure clusters of a step range (docs/algorithms.md#failure-clusters): the selected samples'
   * responses grouped by text, seeded. `naming`: ask this OpenAI-compatible endpoint (the verifier's
   * setting) to name them; what is sent is logged first, and a failure keeps the term names.
   */
  failureClusters: method<ClusterReport>()(
    'analysis/clusters',
    z
      .object({
        run: runName,
        split: z.optional(split),
        from: z.optional(step),
        to: z.optional(step),
        selection: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('wrong') }).strict(),
          z.object({ kind: z.literal('flipped'), set: z.number().int().min(1) }).strict(),
          z.object({ kind: z.literal('alert'), alert: z.enum(ALERT_KINDS) }).strict(),
          z.object({ kind: z.literal('text'), query: textQuery }).strict(),
          z.object({ kind: z.literal('label'), tag: labelTag }).strict(),
        ]),
        k: z.number().int().min(1).max(100).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31)
          .optional(),
        cap: z.number().int().min(10).max(100_000).optional(),
        naming: z
          .object({ url: z.string().url(), model: z.string().min(1).max(300) })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  /** Puts a tag (and a note) on a stored group, or one of its samples with `index`; the same tag twice is one label. */
  addLabel: method<LabelAddResult>()(
    'labels/add',
    z.object({ ...groupRef, index: z.optional(sampleIndex), tag: labelTag, note: z.string().max(LABEL_NOTE_MAX).optional() }).strict(),
  ),
  /** Takes a tag off a group or sample (stored or not); `removed` false when it had no such label. */
  removeLabel: method<{ removed: boolean }>()(
    'labels/remove',
    z.object({ ...groupRef, index: z.optional(sampleIndex), tag: labelTag }).strict(),
  ),
  /** A run's labels (by tag, split, step, group), each saying whether its group or sample is still stored. */
  listLabels: method<LabelEntry[]>()(
    'labels/list',
    z
      .object({ run: runName, tag: labelTag.optional(), split: z.optional(split), step: z.optional(step), group: z.optional(groupId) })
      .strict(),
  ),
  /** A run's tags with their counts, most used first. */
  labelTags: method<LabelTagCount[]>()('labels/tags', z.object({ run: runName }).strict()),
  /** One group's labels: on the group and per sample. */
  groupLabels: method<GroupLabels>()('labels/group', z.object(groupRef).strict()),
} as const;
