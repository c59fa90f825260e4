// How an engine method is declared, once for every part of the engine's JSON-RPC surface (engine,
// tokens and prompts, runs, views): a name, a params schema the engine validates before any work,
// and the result type.
import type { z } from 'zod';

export interface MethodDescriptor<P, R> {
  name: string;
  params: z.ZodType<P>;
  /** Phantom: carries the result type only. */
  result?: R;
}

/** `method<Result>()('name', paramsSchema)`: the result type is given, the params type inferred. */
export function method<R>() {
  return <P>(name: string, params: z.ZodType<P>): MethodDescriptor<P, R> => ({ name, params });
}
