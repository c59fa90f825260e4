// Failure clusters (docs/algorithms.md#failure-clusters): an alert's samples as of now (its alerts
// brought up to date first); the clustering pauses between k-means runs; naming by the user's
// endpoint only when the request asks, with what is sent logged to the output channel before it goes.
import { nameClusters } from '../../core/analysis/clusterNaming';
import { failureClustersPausing, pickClusterPausing, type PickedCluster } from '../../core/analysis/failureClusters';
import { breathe } from '../../core/breathe';
import type { ClusterPick } from '../../shared/clusters';
import { ErrorCode, LensError } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { refreshAlerts } from './alerts';

/** Between k-means runs: other requests are served, and a cancel stops the work there. */
export const clusteringPause = (signal: AbortSignal, what: string) => async (): Promise<void> => {
  await breathe();
  if (signal.aborted) throw new LensError(ErrorCode.Cancelled, `${what} cancelled`);
};

/** One cluster's members, the clustering computed again with pauses (dataset export and reports take a cluster). */
export async function pickedCluster(engine: EngineContext, run: string, pick: ClusterPick, signal: AbortSignal): Promise<PickedCluster> {
  // As failureClusters does: an alert's samples as of now, so the cluster is the one the view showed.
  if (pick.spec.selection.kind === 'alert') await refreshAlerts(engine, run);
  return pickClusterPausing(engine.requireStore(), run, pick, clusteringPause(signal, 'clustering'));
}

export function clusterHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    failureClusters: async (p, ctx) => {
      if (p.selection.kind === 'alert') await refreshAlerts(engine, p.run);
      const { naming, ...req } = p;
      // Seconds of work for 10k responses: other requests are served between k-means runs, and a cancel stops it there.
      const report = await failureClustersPausing(engine.requireStore(), req, clusteringPause(ctx.signal, 'failure clusters'));
      if (!naming) return report;
      const named = await nameClusters(
        report,
        { url: naming.url, model: naming.model, apiKey: null },
        { onSending: (m) => engine.log('info', m), signal: ctx.signal },
      );
      if (named.naming?.message) engine.log('warn', named.naming.message);
      return named;
    },
  });
}
