// Failure clusters (docs/algorithms.md#failure-clusters): an alert's samples as of now (its alerts
// brought up to date first); the clustering pauses between k-means runs; naming by the user's
// endpoint only when the request asks, with what is sent logged to the output channel before it goes.
import { nameClusters } from '../../core/analysis/clusterNaming';
import { failureClustersPausing } from '../../core/analysis/failureClusters';
import { breathe } from '../../core/breathe';
import { ErrorCode, LensError } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { refreshAlerts } from './alerts';

export function clusterHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    failureClusters: async (p, ctx) => {
      if (p.selection.kind === 'alert') await refreshAlerts(engine, p.run);
      const { naming, ...req } = p;
      // Seconds of work for 10k responses: other requests are served between k-means runs, and a cancel stops it there.
      const report = await failureClustersPausing(engine.requireStore(), req, async () => {
        await breathe();
        if (ctx.signal.aborted) throw new LensError(ErrorCode.Cancelled, 'failure clusters cancelled');
      });
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
