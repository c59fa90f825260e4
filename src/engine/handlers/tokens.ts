// Token overlays and prompt timelines: per-token arrays and aggregates, and a prompt's life.
import { promptIdOfGroup, promptLives, promptTimeline, runsAskingPrompt } from '../../core/store/promptTimeline';
import { groupTokenStats, sampleTokens, stepMismatch, type MismatchCache } from '../../core/store/tokenStore';
import { ErrorCode, LensError } from '../../shared/errors';
import { TokenMethods } from '../../shared/protocol/engineTokens';
import type { EngineServer } from '../server';

export function registerTokenHandlers(server: EngineServer): void {
  const store = () => server.requireStore();
  // The dashboard asks again on every reload: finished steps are not read twice.
  const mismatchCache: MismatchCache = new Map();
  server.on(TokenMethods.sampleTokens, (p) => sampleTokens(store(), p));
  server.on(TokenMethods.groupTokenStats, (p) => groupTokenStats(store(), p, p.epsilon));
  server.on(TokenMethods.stepMismatch, (p) => stepMismatch(store(), p.run, p.epsilon, p.split, { cache: mismatchCache }));
  server.on(TokenMethods.promptTimeline, (p) => {
    const s = store();
    const named = [p.text, p.promptId, p.group].filter((x) => x !== undefined).length;
    if (named !== 1) throw new LensError(ErrorCode.BadInput, 'name the prompt by exactly one of text, promptId or group');
    const sel = p.text !== undefined ? { text: p.text } : { promptId: p.promptId ?? promptIdOfGroup(s, p.group!) };
    return promptTimeline(s, p.run, sel, p.split);
  });
  server.on(TokenMethods.promptRuns, (p) => runsAskingPrompt(store(), { promptId: p.promptId }));
  server.on(TokenMethods.promptLives, (p) => promptLives(store(), p.run, p));
}
