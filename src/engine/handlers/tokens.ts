// Token overlays (per-token arrays and aggregates) and prompts across steps (a prompt's life).
import { promptIdOfGroup, promptLives, promptTimeline, runsAskingPrompt } from '../../core/store/promptTimeline';
import { groupTokenStats, sampleTokens, stepMismatch, type MismatchCache } from '../../core/store/tokenStore';
import { ErrorCode, LensError } from '../../shared/errors';
import { PromptMethods, TokenMethods } from '../../shared/protocol/engineTokens';
import { handlersOf, type EngineContext } from '../context';

export function tokenHandlers(engine: EngineContext) {
  const store = () => engine.requireStore();
  // A caller that asks again (a chart reloading) does not read finished steps twice.
  const mismatchCache: MismatchCache = new Map();
  return handlersOf(TokenMethods)({
    sampleTokens: (p) => sampleTokens(store(), p),
    groupTokenStats: (p) => groupTokenStats(store(), p, p.epsilon),
    stepMismatch: (p) => stepMismatch(store(), p.run, p.epsilon, p.split, { cache: mismatchCache }),
  });
}

export function promptHandlers(engine: EngineContext) {
  const store = () => engine.requireStore();
  return handlersOf(PromptMethods)({
    promptTimeline: (p) => {
      const s = store();
      const named = [p.text, p.promptId, p.group].filter((x) => x !== undefined).length;
      if (named !== 1) throw new LensError(ErrorCode.BadInput, 'name the prompt by exactly one of text, promptId or group');
      const sel = p.text !== undefined ? { text: p.text } : { promptId: p.promptId ?? promptIdOfGroup(s, p.group!) };
      return promptTimeline(s, p.run, sel, p.split);
    },
    promptRuns: (p) => runsAskingPrompt(store(), { promptId: p.promptId }),
    promptLives: (p) => promptLives(store(), p.run, p),
  });
}
