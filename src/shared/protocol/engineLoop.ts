// Engine methods that close the loop (issue "close the loop"): failure clusters and labels, kept
// beside EngineMethods (src/shared/protocol/engine.ts), which spreads them in, with the same
// descriptor shape: params validated by the engine.
import { z } from 'zod';
import type { ClusterReport } from '../clusters';
import { LABEL_NOTE_MAX, type GroupLabels, type LabelAddResult, type LabelEntry, type LabelTagCount } from '../labels';
import { groupId, groupRefShape as groupRef, runName, sampleIndex, split, step } from './atoms';
import { clusterPickSchema, clusterSpecShape, labelTag, textQuery } from './clusterSchemas';
import { method } from './methods';

export { labelTag, textQuery };

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
        ...clusterSpecShape,
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
  /** Puts a tag (and a note) on every sample of a failure cluster, the clustering computed again; counts those that had it already. */
  labelCluster: method<{ added: number; already: number }>()(
    'labels/addCluster',
    z.object({ run: runName, cluster: clusterPickSchema, tag: labelTag, note: z.string().max(LABEL_NOTE_MAX).optional() }).strict(),
  ),
  /** Takes a tag off a group or sample (stored or not); `removed` false when it had no such label. */
  removeLabel: method<{ removed: boolean }>()(
    'labels/remove',
    z.object({ ...groupRef, index: z.optional(sampleIndex), tag: labelTag }).strict(),
  ),
  /** A run's labels (by tag, split, step, group, words of the tag or note), each saying whether its group or sample is still stored. */
  listLabels: method<LabelEntry[]>()(
    'labels/list',
    z
      .object({
        run: runName,
        tag: z.optional(labelTag),
        split: z.optional(split),
        step: z.optional(step),
        group: z.optional(groupId),
        /** Words the tag or the note contains (case-insensitive). */
        text: z.string().min(1).max(200).optional(),
      })
      .strict(),
  ),
  /** A run's tags with their counts, most used first. */
  labelTags: method<LabelTagCount[]>()('labels/tags', z.object({ run: runName }).strict()),
  /** One group's labels: on the group and per sample. */
  groupLabels: method<GroupLabels>()('labels/group', z.object(groupRef).strict()),
} as const;
