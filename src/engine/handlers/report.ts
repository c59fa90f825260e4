// A shared report of a group (the group view's "Share as HTML…"): written by the engine, which has
// the database open, with the bundles found beside dist/engine.js.
import { writeReport } from '../../core/report/writeReport';
import { EngineMethods } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';

export function reportHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    writeReport: ({ path, estimator, epsilon, ...ref }) => {
      const tokenizer = engine.tokenizer();
      return writeReport(engine.requireStore(), ref, path, {
        reflection: engine.reflection,
        ...(estimator ? { estimator } : {}),
        ...(epsilon !== undefined ? { epsilon } : {}),
        ...(tokenizer ? { tokenizer } : {}),
      });
    },
  });
}
