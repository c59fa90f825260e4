// One request per view load: each answer is built in src/core/views/.
import { listAlerts } from '../../core/alerts/alertList';
import type { MismatchCache } from '../../core/store/tokenStore';
import { dashboardView } from '../../core/views/dashboardView';
import { groupView } from '../../core/views/groupView';
import { groupImage } from '../../core/views/groupMedia';
import { groupFrames } from '../../core/views/groupFrames';
import { VideoFrames } from '../../core/media/videoFrames';
import { rescoreView } from '../../core/views/rescoreView';
import { runLiveSections, type SupervisorReads } from '../../core/views/runLive';
import { timelineView } from '../../core/views/timelineView';
import { errorMessage } from '../../shared/errors';
import { ViewMethods } from '../../shared/protocol/views';
import { handlersOf, type EngineContext } from '../context';
import { hardToGroundThresholds, refreshAlerts } from './alerts';

export function viewHandlers(engine: EngineContext, supervisor: () => SupervisorReads | undefined) {
  const store = () => engine.requireStore();
  // The dashboard asks again on every reload: finished steps are not read twice.
  const mismatchCache: MismatchCache = new Map();
  // Searched on every request (a few stat calls), so installing ffmpeg or changing the setting needs no restart.
  const frames = new VideoFrames(() => ({
    explicit: engine.settings.ffmpegPath ?? '',
    pathEnv: process.env['PATH'] ?? '',
    npmPackage: true,
  }));
  let warnedSkip = '';
  return handlersOf(ViewMethods)({
    group: (p) => {
      const tokenizer = engine.tokenizer();
      const { epsilon, ...ref } = p;
      return groupView(store(), ref, {
        reflection: engine.reflection,
        ...(epsilon !== undefined ? { epsilon } : {}),
        ...(tokenizer ? { tokenizer } : {}),
      });
    },
    timeline: (p) =>
      timelineView(store(), {
        run: p.run,
        split: p.split,
        prompt: p.group ? { group: p.group } : { promptId: p.promptId ?? '' },
        compare: p.compare ?? null,
      }),
    rescore: (p) => rescoreView(store(), p.set),
    groupImage: ({ image, ...ref }) => groupImage(store(), ref, image),
    groupFrames: ({ times, width, ...ref }, ctx) => {
      const { skipped } = frames.decoder();
      if (skipped && skipped !== warnedSkip) engine.log('warn', `${skipped}; looking for ffmpeg on PATH instead`);
      warnedSkip = skipped ?? '';
      return groupFrames(store(), ref, times, width, frames, ctx.signal);
    },
    dashboard: async (p) => {
      const s = store();
      const runId = s.requireRun(p.run).id;
      // Alerts and the run's live sections are extras: the charts show without them.
      await refreshAlerts(engine, p.run);
      const alerts = await attempt(engine, `alerts of ${p.run}`, async () => listAlerts(s, runId));
      const sup = supervisor();
      const live = sup ? await attempt(engine, `run status of ${p.run}`, () => runLiveSections(sup, p.run)) : undefined;
      return dashboardView(s, { ...p, hardToGround: hardToGroundThresholds(engine) }, { alerts, live, mismatchCache });
    },
  });
}

async function attempt<T>(engine: EngineContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    engine.log('warn', `${what}: ${errorMessage(e)}`);
    return undefined;
  }
}
