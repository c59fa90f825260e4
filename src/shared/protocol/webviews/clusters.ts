// The failure clusters view's protocol (docs/webviews.md#failure-clusters): one clustering of a run
// (its spec: step range, selection, seed, k), shown complete; the user's actions back: open an
// example, cluster again, and take one cluster on: export it, share it as HTML, label its samples.
import * as z from 'zod/mini';
import type { ClusterReport } from '../../clusters';
import { runName, sampleRefSchema } from '../atoms';
import { clusterSpecSchema } from '../clusterSchemas';
import { CHECKPOINT_VERSION, ReadyNotification, inboundNotification, inboundOf, outboundNotification } from './ipc';

export const CLUSTERS_VIEW_TYPE = 'rolloutLens.failureClusters';

/** What opens (and restores) a clusters panel: a run and the clustering asked. */
export const clustersKeySchema = z.strictObject({ run: runName, spec: clusterSpecSchema });
export type ClustersKey = z.infer<typeof clustersKeySchema>;

export interface ClustersSnapshot {
  key: ClustersKey;
  /** Null while clustering, or when it failed (then `error` says why). */
  report: ClusterReport | null;
  loading: boolean;
  error: string | null;
  /** What naming by the user's endpoint sent, or why the terms were kept; null when no endpoint was asked. */
  naming_notice: string | null;
}

export const clustersCheckpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  key: clustersKeySchema,
  /** The cluster whose examples are shown. */
  selected: z.nullable(z.int().check(z.minimum(1))),
});
export type ClustersCheckpoint = z.infer<typeof clustersCheckpointSchema>;

const clusterId = z.strictObject({ cluster: z.int().check(z.minimum(1)) });

export const ClustersMessages = {
  ready: ReadyNotification,
  /** Webview → host: open an example as a sample document. */
  openSample: inboundNotification('clusters/openSample', sampleRefSchema),
  /** Webview → host: open the group view of an example's group. */
  openGroup: inboundNotification('clusters/openGroup', sampleRefSchema),
  /** Webview → host: cluster the same selection again (the run may have grown). */
  recluster: inboundNotification('clusters/recluster', z.strictObject({})),
  /** Webview → host: write this cluster as a training dataset (kind, format and file asked by VS Code). */
  exportCluster: inboundNotification('clusters/export', clusterId),
  /** Webview → host: share this cluster, with its most typical member's group, as one HTML file. */
  shareCluster: inboundNotification('clusters/share', clusterId),
  /** Webview → host: put a label tag on every sample of this cluster. */
  labelCluster: inboundNotification('clusters/label', clusterId),
  /** Host → webview: everything the view shows, complete. */
  snapshot: outboundNotification<ClustersSnapshot>('clusters/snapshot'),
} as const;

/** What the host accepts from this view (derived: every inbound message of ClustersMessages). */
export const CLUSTERS_INBOUND = inboundOf(ClustersMessages);
