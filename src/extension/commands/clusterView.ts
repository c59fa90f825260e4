// What the failure clusters view asks of the settings and says about naming by an endpoint, kept
// apart from `vscode` so it is tested as plain data (test/unit/extension/clusterView.test.ts).
import type { ClusterReport } from '../../shared/clusters';

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
