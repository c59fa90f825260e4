// Re-score requests: run a spec over a selection (progress, cancel, resume), list sets, compare.
// Workspace trust comes from the host's settings: untrusted refuses external commands and ONNX models.
import { compareSet } from '../../core/rewards/compare';
import { listRewardFunctions } from '../../core/rewards/registry';
import { rescore } from '../../core/rewards/rescore';
import { RescoreStore } from '../../core/store/rescoreStore';
import { ErrorCode, LensError } from '../../shared/errors';
import { EngineMethods, EngineNotifications } from '../../shared/protocol/engine';
import type { EngineServer } from '../server';
import { refreshAlerts } from './alerts';

export function registerRescoreHandlers(server: EngineServer): void {
  const store = () => server.requireStore();
  server.on(EngineMethods.rewardFunctions, () => listRewardFunctions());
  server.on(EngineMethods.rescore, async (p, ctx) => {
    const report = await rescore(store(), {
      run: p.run,
      spec: p.spec,
      ...(p.selection ? { selection: p.selection } : {}),
      trusted: server.settings.trusted === true,
      ...(p.baseDir ? { baseDir: p.baseDir } : {}),
      ...(p.fresh ? { fresh: true } : {}),
      signal: ctx.signal,
      onProgress: ctx.progress,
    });
    // A new or resumed set may disagree with the logged verdicts: judge it now, for the badges.
    await refreshAlerts(server, p.run);
    server.notify(EngineNotifications.runsChanged, { run: p.run });
    return report;
  });
  server.on(EngineMethods.rescoreSets, (p) => new RescoreStore(store().db).listSets(store().requireRun(p.run).id));
  server.on(EngineMethods.rescoreSet, (p) => {
    const set = new RescoreStore(store().db).getSet(p.set);
    if (!set) throw new LensError(ErrorCode.NotFound, `no re-score set ${p.set}`);
    const run = store().db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(set.run_id) as string;
    return { ...set, run };
  });
  server.on(EngineMethods.rescoreRationales, (p) => {
    const rows = store()
      .db.prepare(
        `SELECT sample_id, rationale FROM rescore_results
          WHERE set_id = ? AND rationale IS NOT NULL AND sample_id IN (SELECT value FROM json_each(?))`,
      )
      .raw()
      .all(p.set, JSON.stringify(p.sampleIds)) as Array<[number, string]>;
    return Object.fromEntries(rows.map(([id, r]) => [String(id), r]));
  });
  server.on(EngineMethods.compareRescore, (p) =>
    compareSet(store(), {
      set: p.set,
      against: p.against,
      ...(p.allSamples !== undefined ? { allSamples: p.allSamples } : {}),
      ...(p.sampleLimit ? { sampleLimit: p.sampleLimit } : {}),
    }),
  );
}
