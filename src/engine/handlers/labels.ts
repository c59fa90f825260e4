// Labels on groups and samples (docs/architecture.md#labels). A change is announced as the run's
// data changing, so the explorer's badges and an open group view show it.
import { addLabel, groupLabels, labelSamples, labelTags, listLabels, removeLabel } from '../../core/store/labels';
import { EngineMethods, EngineNotifications } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { pickedCluster } from './clusters';

export function labelHandlers(engine: EngineContext) {
  const store = () => engine.requireStore();
  return handlersOf(EngineMethods)({
    addLabel: ({ tag, note, ...target }) => {
      const r = addLabel(store(), target, tag, note !== undefined ? { note } : {});
      engine.notify(EngineNotifications.runsChanged, { run: target.run });
      return r;
    },
    labelCluster: async ({ run, cluster, tag, note }, ctx) => {
      const { ids } = await pickedCluster(engine, run, cluster, ctx.signal);
      const r = labelSamples(store(), ids, tag, note !== undefined ? { note } : {});
      if (r.added) engine.notify(EngineNotifications.runsChanged, { run });
      return r;
    },
    removeLabel: ({ tag, ...target }) => {
      const removed = removeLabel(store(), target, tag);
      if (removed) engine.notify(EngineNotifications.runsChanged, { run: target.run });
      return { removed };
    },
    listLabels: (p) => listLabels(store(), p),
    labelTags: (p) => labelTags(store(), p.run),
    groupLabels: (p) => groupLabels(store(), p),
  });
}
