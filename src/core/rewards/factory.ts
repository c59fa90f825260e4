// How a reward function is declared: id, description, source, a zod schema with defaults, and a
// constructor. Rule-based functions use `perSampleFunction`, which isolates per-sample failures.
import type { z } from 'zod';
import { errorMessage } from '../../shared/errors';
import type { Exactness, JsonObject, RewardEnvironment, RewardFunction, RewardInput, RewardOutput } from './types';

export interface RewardFactory {
  readonly id: string;
  readonly description: string;
  /** Where the behaviour comes from (spec section, upstream file). */
  readonly source: string;
  readonly exactness: Exactness;
  /** The config key that `fn:variant` sets, and its allowed values. */
  readonly variantKey?: string;
  readonly variants?: readonly string[];
  /** Config keys naming files; made absolute against the spec's folder so a stored spec is reproducible. */
  readonly pathKeys?: readonly string[];
  /** Set for functions that run user-supplied code or models: refused in an untrusted workspace. */
  readonly untrustedReason?: string;
  /** Validates a config and fills defaults. */
  parseConfig(raw: unknown): { ok: true; config: JsonObject } | { ok: false; problems: string[] };
  create(config: JsonObject, env: RewardEnvironment): Promise<RewardFunction>;
}

type Meta = Omit<RewardFactory, 'parseConfig' | 'create'>;

export function defineReward<S extends z.ZodType>(
  meta: Meta & {
    schema: S;
    create: (config: z.output<S>, env: RewardEnvironment) => RewardFunction | Promise<RewardFunction>;
  },
): RewardFactory {
  const { schema, create, ...rest } = meta;
  return {
    ...rest,
    parseConfig(raw) {
      const r = schema.safeParse(raw ?? {});
      if (r.success) return { ok: true, config: r.data as JsonObject };
      return {
        ok: false,
        problems: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
      };
    },
    async create(config, env) {
      return create(config as z.output<S>, env);
    },
  };
}

export interface PerSampleOptions {
  id: string;
  config: JsonObject;
  description: string;
  exactness: Exactness;
  one: (input: RewardInput) => RewardOutput | Promise<RewardOutput>;
  dispose?: () => Promise<void>;
}

const failed = (e: unknown): RewardOutput => ({ score: null, error: errorMessage(e) });

/**
 * A function scored one sample at a time; an exception becomes that sample's error, not the batch's.
 * Samples answered synchronously cost no promise: the built-in math re-score runs at ~20k samples/s.
 */
export function perSampleFunction(o: PerSampleOptions): RewardFunction {
  let disposed = false;
  const guarded = (input: RewardInput): RewardOutput | Promise<RewardOutput> => {
    try {
      const r = o.one(input);
      return r instanceof Promise ? r.catch(failed) : r;
    } catch (e) {
      return failed(e);
    }
  };
  return {
    id: o.id,
    config: o.config,
    description: o.description,
    exactness: o.exactness,
    async score(batch) {
      const out = batch.map(guarded);
      return out.some((r) => r instanceof Promise) ? Promise.all(out) : (out as RewardOutput[]);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await o.dispose?.();
    },
  };
}

/** A sample's logged length in the unit a config asks for; throws when tokens were not logged. */
export function sampleLength(input: RewardInput, unit: 'tokens' | 'chars' | 'words'): number {
  if (unit === 'chars') return Array.from(input.response).length;
  if (unit === 'words') return input.response.match(/\S+/g)?.length ?? 0;
  const t = input.extra['length_tokens'];
  if (typeof t === 'number') return t;
  throw new Error('no logged token length for this sample (no response_ids); use unit=chars or unit=words');
}
