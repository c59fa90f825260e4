// What the Failure Clusters… quick picks and messages say, kept apart from `vscode` so it is tested
// as plain data (test/unit/extension/clusterView.test.ts). Everything is text: labels, never markup.
import type { ClusterExample, ClusterReport, FailureCluster } from '../../shared/clusters';

export interface ClusterPickItem {
  label: string;
  description: string;
  detail: string;
  cluster: FailureCluster;
}

/** One item per cluster: name, count and share; its first example's preview, or its terms when an endpoint named it. */
export function clusterItems(r: ClusterReport): ClusterPickItem[] {
  return r.clusters.map((c) => ({
    label: `#${c.id} ${c.name}`,
    description: `${c.size} (${r.clustered ? ((100 * c.size) / r.clustered).toFixed(1) : '0'}%)`,
    detail: c.named_by === 'endpoint' ? `terms: ${c.terms.join(', ')}` : (c.examples[0]?.preview ?? ''),
    cluster: c,
  }));
}

/** The clusters' title: what was selected, from which steps, and whether a seeded sample was clustered. */
export function clustersTitle(r: ClusterReport): string {
  const range = r.from === null && r.to === null ? 'all steps' : `steps ${r.from ?? '…'}–${r.to ?? '…'}`;
  const sampled = r.capped ? `, a seeded sample of ${r.clustered}` : '';
  return `${r.run} ${range}: ${r.selected} ${r.selection_label}${sampled} → ${r.clusters.length} clusters`;
}

export function exampleItems(c: FailureCluster): Array<{ label: string; detail: string; ref: ClusterExample }> {
  return c.examples.map((x) => ({ label: `step ${x.step} · ${x.group} · #${x.index}`, detail: x.preview, ref: x }));
}

/** The naming to ask for from the settings, or why none is asked for although the setting is on. */
export function namingFromSettings(cfg: { clustersNameByEndpoint: boolean; verifierUrl: string; verifierModel: string }): {
  naming?: { url: string; model: string };
  warning?: string;
} {
  if (!cfg.clustersNameByEndpoint) return {};
  if (!cfg.verifierUrl || !cfg.verifierModel)
    return {
      warning:
        'rolloutLens.clusters.nameByEndpoint is on, but rolloutLens.verifier.url and .model are not both set: clusters are named by their terms.',
    };
  return { naming: { url: cfg.verifierUrl, model: cfg.verifierModel } };
}

/** The one message about naming by endpoint: what was sent, or why the terms were kept. Null when no endpoint was asked. */
export function namingNotice(r: ClusterReport): { level: 'info' | 'warning'; text: string } | null {
  const n = r.naming;
  if (!n) return null;
  if (n.ok && !n.message) return { level: 'info', text: `Cluster names by ${n.endpoint} (model ${n.model}): sent ${n.sent}.` };
  return { level: 'warning', text: `${n.message ?? ''} (asked ${n.endpoint} with ${n.sent})` };
}
