// A shared report of a group (the group view's "Share as HTML…"): written by the engine, which has
// the database open, with the bundles found beside dist/engine.js. A failure cluster asked for is
// computed again (with pauses) and shown above the group.
import { writeReport } from '../../core/report/writeReport';
import { EngineMethods } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { pickedCluster } from './clusters';

export function reportHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    writeReport: async ({ path, estimator, epsilon, cluster: pick, ...ref }, ctx) => {
      const tokenizer = engine.tokenizer();
      const cluster = pick ? await pickedCluster(engine, ref.run, pick, ctx.signal) : undefined;
      return writeReport(engine.requireStore(), ref, path, {
        ...(cluster ? { cluster } : {}),
        reflection: engine.reflection,
        ...(estimator ? { estimator } : {}),
        ...(epsilon !== undefined ? { epsilon } : {}),
        ...(tokenizer ? { tokenizer } : {}),
      });
    },
  });
}
