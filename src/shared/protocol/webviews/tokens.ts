// The group view's token overlay: its modes, the request for one sample's per-token arrays, and
// the aggregate columns. Imported by the group protocol (group.ts), the panel host and the webview.
import * as z from 'zod/mini';
import { sampleIndex } from '../atoms';
import type { SampleTokens } from '../../tokenSignals';
import { inboundNotification, inboundRequest } from './ipc';

/** What the overlay colours each token by. */
export const TOKEN_MODES = ['off', 'logprob', 'delta', 'ratio', 'advantage', 'entropy'] as const;
export type TokenMode = (typeof TOKEN_MODES)[number];

export const TOKEN_MODE_LABELS: Record<TokenMode, string> = {
  off: 'No overlay',
  logprob: 'Logprob (heat)',
  delta: 'Mismatch |Δ logprob|',
  ratio: 'Ratio exp(Δ) vs clip range',
  advantage: 'Token advantage',
  entropy: 'Entropy',
};

/** Sortable per-sample aggregate columns (src/shared/tokenSignals.ts TokenAggregates). */
export const TOKEN_COLUMNS = ['mean_abs_delta', 'max_ratio', 'outside_clip', 'mean_logprob'] as const;
export type TokenColumn = (typeof TOKEN_COLUMNS)[number];

/** Webview → host: "This prompt over time": open the prompt timeline of the group's prompt. */
export const openPromptTimeline = inboundNotification('group/promptTimeline', z.strictObject({}));

/** Webview → host: one sample's per-token arrays, by index within the group. */
export const sampleTokensRequest = inboundRequest<SampleTokens>()('group/tokens', z.strictObject({ index: sampleIndex }));
