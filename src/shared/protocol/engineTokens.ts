// Engine methods of the token overlays (TokenMethods) and of prompts across steps (PromptMethods), kept beside EngineMethods
// (src/shared/protocol/engine.ts) with the same descriptor shape: params validated by the engine.
import { z } from 'zod';
import type { SampleTokens, GroupTokenStats, MismatchStats } from '../tokenSignals';
import type { PromptLifeRow, PromptTimeline } from '../promptTimeline';
import { groupRefShape, runName, sampleIndex, split } from './atoms';
import { method } from './methods';

/** ε of the clip range [1 − ε, 1 + ε] (rolloutLens.tokens.clipEpsilon). */
const epsilon = z.number().gt(0).lt(1);

export const TokenMethods = {
  /** One sample's per-token arrays (ids, strings, logprobs, trainer and reference logprobs, entropy, advantages). */
  sampleTokens: method<SampleTokens>()('samples/tokens', z.object({ ...groupRefShape, index: sampleIndex }).strict()),
  /** Per-sample token aggregates of a group and which signals it has (with reasons for absent ones). */
  groupTokenStats: method<GroupTokenStats>()('groups/tokenStats', z.object({ ...groupRefShape, epsilon: epsilon.optional() }).strict()),
  /** Per-step mismatch |Δ logprob| (mean, p99) and share of tokens outside the clip range. */
  stepMismatch: method<Array<{ step: number } & MismatchStats>>()(
    'runs/mismatch',
    z.object({ run: runName, split: z.optional(split), epsilon: epsilon.optional() }).strict(),
  ),
} as const;

/** A prompt's life across the steps of runs: its timeline, the runs that asked it, the run's prompts by lifetime. */
export const PromptMethods = {
  /** A prompt's timeline in a run: by text, by id, or as the prompt of a group of that run. */
  promptTimeline: method<PromptTimeline>()(
    'prompts/timeline',
    z
      .object({
        run: runName,
        split: z.optional(split),
        text: z.string().min(1).max(1_000_000).optional(),
        promptId: z.string().min(1).max(64).optional(),
        group: z.object(groupRefShape).strict().optional(),
      })
      .strict(),
  ),
  /** Runs that asked a prompt (by its id), for comparing its timeline across runs. */
  promptRuns: method<string[]>()('prompts/runs', z.object({ promptId: z.string().min(1).max(64) }).strict()),
  /** The run's prompts by how many steps they carried gradient. */
  promptLives: method<PromptLifeRow[]>()(
    'prompts/lives',
    z.object({ run: runName, split: z.optional(split), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
  ),
} as const;
