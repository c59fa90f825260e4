// Ingest requests: once, or following a folder until cancelled; the explorer hears about new data.
import { Ingestor } from '../../core/ingest/ingestor';
import { EngineMethods, EngineNotifications } from '../../shared/protocol/engine';
import type { EngineServer } from '../server';
import { alertOptions } from './alerts';

export function registerIngestHandlers(server: EngineServer): void {
  server.on(EngineMethods.ingest, async (p, ctx) => {
    const store = server.requireStore();
    const changed = (): void => server.notify(EngineNotifications.runsChanged, { run: p.run });
    const ingestor = new Ingestor(store, p.paths, {
      run: p.run,
      ...(p.format ? { format: p.format } : {}),
      ...(p.split ? { split: p.split } : {}),
      ...(p.groupSize ? { groupSize: p.groupSize } : {}),
      signal: ctx.signal,
      onProgress: ctx.progress,
      reflection: server.reflection,
      alerts: alertOptions(server),
      onWarning: (m) => server.log('warn', m),
    });
    try {
      if (!p.follow) return await ingestor.ingestOnce();
      return await ingestor.follow({
        ...(p.pollMs ? { pollMs: p.pollMs } : {}),
        onPass: (r) => {
          ctx.progress({ message: `${r.samples_added} samples, ${r.steps} steps`, samples: r.samples_added });
          changed();
        },
      });
    } finally {
      changed();
    }
  });
}
