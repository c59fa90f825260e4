// Re-score requests: run a spec over a selection (progress, cancel, resume), list sets, compare.
// Workspace trust comes from the host's settings: untrusted refuses external commands and ONNX models.
import { compareSet } from '../../core/rewards/compare';
import { listRewardFunctions } from '../../core/rewards/registry';
import { rescoreAndJudge } from '../../core/rewards/rescore';
import { RescoreStore } from '../../core/store/rescoreStore';
import { EngineMethods, EngineNotifications } from '../../shared/protocol/engine';
import { handlersOf, type EngineContext } from '../context';
import { alertOptions } from './alerts';

export function rescoreHandlers(engine: EngineContext) {
  const store = () => engine.requireStore();
  const sets = () => new RescoreStore(store().db);
  return handlersOf(EngineMethods)({
    rewardFunctions: () => listRewardFunctions(),
    rescore: async (p, ctx) => {
      // A new or resumed set may disagree with the logged verdicts: judged now, for the badges.
      const report = await rescoreAndJudge(store(), {
        run: p.run,
        spec: p.spec,
        ...(p.selection ? { selection: p.selection } : {}),
        trusted: engine.settings.trusted === true,
        ...(p.baseDir ? { baseDir: p.baseDir } : {}),
        ...(p.fresh ? { fresh: true } : {}),
        signal: ctx.signal,
        onProgress: ctx.progress,
        alerts: alertOptions(engine),
        onAlertError: (m) => engine.log('warn', m),
      });
      engine.notify(EngineNotifications.runsChanged, { run: p.run });
      return report;
    },
    rescoreSets: (p) => sets().listSets(store().requireRun(p.run).id),
    rescoreSet: (p) => sets().setWithRun(p.set),
    rescoreRationales: (p) => sets().rationales(p.set, p.sampleIds),
    compareRescore: (p) =>
      compareSet(store(), {
        set: p.set,
        against: p.against,
        ...(p.allSamples !== undefined ? { allSamples: p.allSamples } : {}),
        ...(p.sampleLimit ? { sampleLimit: p.sampleLimit } : {}),
      }),
  });
}
