// The engine's JSON-RPC surface, typed once: each method's params schema (validated by the engine
// before any work) and its result type. Imported by the engine, the extension host and tests.
import { z } from 'zod';
import type { IngestReport, RunSummary, StepStats } from '../rollout';

export interface MethodDescriptor<P, R> {
  name: string;
  params: z.ZodType<P>;
  /** Phantom: carries the result type only. */
  result?: R;
}

function method<R>() {
  return <P>(name: string, params: z.ZodType<P>): MethodDescriptor<P, R> => ({ name, params });
}

export type ParamsOf<M> = M extends MethodDescriptor<infer P, unknown> ? P : never;
export type ResultOf<M> = M extends MethodDescriptor<unknown, infer R> ? R : never;

export interface EngineInfo {
  pid: number;
  version: string;
  sqlite: string;
  db: string;
  runtime: string;
  abi: string;
}

const runName = z.string().min(1).max(128);

export const EngineMethods = {
  /** Opens (creating) the database; every other method needs it. */
  initialize: method<EngineInfo>()('initialize', z.object({ db: z.string().min(1) }).strict()),
  ping: method<EngineInfo>()('ping', z.object({}).strict()),
  /** Ingests paths into a run; with follow, keeps reading until cancelled, then drains once more. */
  ingest: method<IngestReport>()(
    'ingest',
    z
      .object({
        paths: z.array(z.string().min(1)).min(1).max(1000),
        run: runName,
        format: z.enum(['auto', 'native', 'verl', 'trl']).optional(),
        split: z.enum(['train', 'val']).optional(),
        follow: z.boolean().optional(),
        pollMs: z.number().int().min(50).max(60_000).optional(),
      })
      .strict(),
  ),
  listRuns: method<RunSummary[]>()('runs/list', z.object({}).strict()),
  stepStats: method<StepStats[]>()(
    'runs/stepStats',
    z.object({ run: runName, step: z.number().int().min(0).optional() }).strict(),
  ),
} as const;

export const EngineNotifications = {
  /** Engine → host: a log line for the "Rollout Lens" output channel. */
  log: '$/log',
} as const;

export interface LogParams {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}
