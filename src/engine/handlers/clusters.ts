// Failure clusters (docs/algorithms.md#failure-clusters): an alert's samples as of now (its alerts
// brought up to date first); naming by the user's endpoint only when the request asks, with what is
// sent logged to the output channel before it goes.
import { nameClusters } from '../../core/analysis/clusterNaming';
import { failureClusters } from '../../core/analysis/failureClusters';
import { EngineMethods } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { refreshAlerts } from './alerts';

export function clusterHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    failureClusters: async (p, ctx) => {
      if (p.selection.kind === 'alert') await refreshAlerts(engine, p.run);
      const { naming, ...req } = p;
      const report = failureClusters(engine.requireStore(), req);
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
