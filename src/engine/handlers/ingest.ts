// Ingest requests: once, or following a folder until cancelled; the explorer hears about new data.
import { Ingestor } from '../../core/ingest/ingestor';
import { EngineMethods, EngineNotifications } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { alertOptions } from './alerts';

export function ingestHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    ingest: async (p, ctx) => {
      const store = engine.requireStore();
      const changed = (): void => engine.notify(EngineNotifications.runsChanged, { run: p.run });
      const ingestor = new Ingestor(store, p.paths, {
        run: p.run,
        ...(p.format ? { format: p.format } : {}),
        ...(p.split ? { split: p.split } : {}),
        ...(p.groupSize ? { groupSize: p.groupSize } : {}),
        ...(p.datasets?.length ? { datasets: p.datasets } : {}),
        ...(p.imageRoot ? { imageRoot: p.imageRoot } : {}),
        ...(p.videoRoot ? { videoRoot: p.videoRoot } : {}),
        signal: ctx.signal,
        onProgress: ctx.progress,
        reflection: engine.reflection,
        alerts: alertOptions(engine),
        onWarning: (m) => engine.log('warn', m),
      });
      try {
        if (!p.follow) return await ingestor.ingestOnce();
        return await ingestor.follow({
          ...(p.pollMs ? { pollMs: p.pollMs } : {}),
          onPass: (r) => {
            ctx.progress({
              message: `${r.samples_added} samples, ${r.steps} steps`,
              samples: r.samples_added,
            });
            changed();
          },
        });
      } finally {
        changed();
      }
    },
  });
}
