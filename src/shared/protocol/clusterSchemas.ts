// The schemas of a failure clustering as asked (ClusterSpec) and of one cluster as a selection
// (ClusterPick), in zod/mini: the engine protocol composes them, and the clusters view's checkpoint
// (webviews/clusters.ts) restores a panel's clustering with them.
import * as z from 'zod/mini';
import { ALERT_KINDS } from '../alerts';
import { LABEL_TAG_MAX } from '../labels';
import { split, step } from './atoms';

/** A full-text query (FTS5 syntax, or a literal phrase). */
export const textQuery = z.string().check(z.minLength(1), z.maxLength(1000));
/** A label's tag; the store checks its characters and says which are allowed. */
export const labelTag = z.string().check(z.minLength(1), z.maxLength(LABEL_TAG_MAX));

export const clusterSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wrong') }),
  z.strictObject({ kind: z.literal('flipped'), set: z.int().check(z.minimum(1)) }),
  z.strictObject({ kind: z.literal('alert'), alert: z.enum(ALERT_KINDS) }),
  z.strictObject({ kind: z.literal('text'), query: textQuery }),
  z.strictObject({ kind: z.literal('label'), tag: labelTag }),
]);

/** ClusterSpec's fields (src/shared/clusters.ts). */
export const clusterSpecShape = {
  split: z.optional(split),
  from: z.optional(step),
  to: z.optional(step),
  selection: clusterSelectionSchema,
  k: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  seed: z.optional(z.int().check(z.minimum(0), z.maximum(2 ** 31))),
  cap: z.optional(z.int().check(z.minimum(10), z.maximum(100_000))),
};
export const clusterSpecSchema = z.strictObject(clusterSpecShape);

export const clusterPickSchema = z.strictObject({
  spec: clusterSpecSchema,
  cluster: z.int().check(z.minimum(1)),
  expect: z.optional(
    z.strictObject({
      size: z.int().check(z.minimum(0)),
      terms: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(50)),
    }),
  ),
});
