// The one message envelope between a panel host and its webview, for every webview surface
// (group view, run dashboard, re-score comparison). Each surface declares its messages once in its
// own protocol file as typed descriptors; both sides import them. Messages from a webview are
// untrusted until their params pass the descriptor's zod schema (see parseFromWebview).
// zod/mini, not zod: the webview bundles import these files, and full zod is ~450 KB minified.
import * as z from 'zod/mini';

/** A one-way message. `method` names it, `params` carries it. */
export interface IpcNotification {
  kind: 'notify';
  method: string;
  params: unknown;
}

/** A message that expects exactly one `IpcResponse` with the same id. */
export interface IpcRequest {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

export type IpcResponse =
  { kind: 'response'; id: number; ok: true; result: unknown } | { kind: 'response'; id: number; ok: false; error: string };

export type IpcMessage = IpcNotification | IpcRequest | IpcResponse;

/** Webview → host one-way message; its params are validated by `params` on the host. */
export interface InboundNotification<P> {
  readonly type: 'notify';
  readonly method: string;
  readonly params: z.ZodMiniType<P>;
}

/** Webview → host request; params validated on the host, the result is typed for the webview. */
export interface InboundRequest<P, R> {
  readonly type: 'request';
  readonly method: string;
  readonly params: z.ZodMiniType<P>;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

/** Host → webview one-way message (the host is trusted; the webview checks the method name only). */
export interface OutboundNotification<P> {
  readonly type: 'notify';
  readonly method: string;
  /** Phantom: carries the params type only. */
  readonly params?: P;
}

export function inboundNotification<P>(method: string, params: z.ZodMiniType<P>): InboundNotification<P> {
  return { type: 'notify', method, params };
}

export function inboundRequest<R>() {
  return <P>(method: string, params: z.ZodMiniType<P>): InboundRequest<P, R> => ({ type: 'request', method, params });
}

export function outboundNotification<P>(method: string): OutboundNotification<P> {
  return { type: 'notify', method };
}

/** Every webview's first message: it is listening, the host may post. The checkpoint is its restored UI state. */
export const ReadyNotification = inboundNotification('ready', z.strictObject({ checkpoint: z.optional(z.unknown()) }));

/** Host → webview: the request failed or the data could not be loaded; shown in the view. */
export const ErrorNotification = outboundNotification<{ message: string }>('error');

const idSchema = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const methodSchema = z.string().check(z.minLength(1), z.maxLength(100));
const envelopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('notify'), method: methodSchema, params: z.unknown() }),
  z.strictObject({ kind: z.literal('request'), id: idSchema, method: methodSchema, params: z.unknown() }),
]);

/** Any webview → host descriptor. */
export type InboundDescriptor = InboundNotification<unknown> | InboundRequest<unknown, unknown>;

/** The descriptors a host accepts from one webview surface. */
export type InboundProtocol = ReadonlyArray<InboundDescriptor>;

function isInbound(d: unknown): d is InboundDescriptor {
  if (typeof d !== 'object' || d === null || !('params' in d) || !('method' in d)) return false;
  const t = (d as { type?: unknown }).type;
  return t === 'notify' || t === 'request';
}

/** The allow-list of a surface: every inbound descriptor of its message table (outbound ones left out). */
export function inboundOf(messages: Readonly<Record<string, unknown>>): InboundProtocol {
  return Object.values(messages).filter(isInbound);
}

type HandlerOf<D> =
  D extends InboundRequest<infer P, infer R>
    ? (params: P, signal: AbortSignal) => R | Promise<R>
    : D extends InboundNotification<infer P>
      ? (params: P) => void | Promise<void>
      : never;

type InboundKey<M> = { [K in keyof M]: M[K] extends InboundDescriptor ? K : never }[keyof M];

/**
 * A host's handlers for one surface, keyed like its message table (e.g. GroupMessages): exactly one
 * per inbound descriptor, each typed by that descriptor's params (and result, for a request).
 */
export type InboundHandlers<M> = { readonly [K in InboundKey<M>]: HandlerOf<M[K]> };

/**
 * Validates and dispatches a surface's inbound messages through its handler map. The allow-list is
 * derived from the map, so a method is accepted exactly when something handles it.
 */
export class InboundRouter<M extends Readonly<Record<string, unknown>>> {
  readonly protocol: InboundProtocol;
  private readonly byMethod = new Map<string, (params: unknown, signal: AbortSignal) => unknown>();

  constructor(messages: M, handlers: InboundHandlers<M>) {
    const protocol: InboundDescriptor[] = [];
    for (const [key, handler] of Object.entries(handlers as Readonly<Record<string, unknown>>)) {
      const d = messages[key];
      if (!isInbound(d) || typeof handler !== 'function') throw new Error(`${key} is not an inbound message of this surface`);
      protocol.push(d);
      // The one place params meet their handler: parse() checked them against this descriptor's schema.
      this.byMethod.set(d.method, handler as (params: unknown, signal: AbortSignal) => unknown);
    }
    this.protocol = protocol;
  }

  parse(raw: unknown): ParsedInbound {
    return parseFromWebview(this.protocol, raw);
  }

  /** Runs the handler of a message `parse` accepted; its result is a request's answer. */
  async dispatch(m: Extract<ParsedInbound, { ok: true }>, signal: AbortSignal): Promise<unknown> {
    const handler = this.byMethod.get(m.method);
    if (!handler) throw new Error(`unhandled ${m.method}`);
    return handler(m.params, signal);
  }
}

export type ParsedInbound =
  | { ok: true; kind: 'notify'; method: string; params: unknown }
  | { ok: true; kind: 'request'; id: number; method: string; params: unknown }
  | { ok: false; error: string; id?: number };

/** Largest message a webview may send; a real one is well under 1 KB. */
export const MAX_INBOUND_CHARS = 64 * 1024;

/**
 * Validates a raw message from a webview against its surface's descriptors: the envelope, a known
 * method of the right kind, and params that pass its schema. Anything else is an error string the
 * host logs; the message is then dropped (a request gets an error response).
 */
export function parseFromWebview(protocol: InboundProtocol, raw: unknown): ParsedInbound {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'message is not JSON-serialisable' };
  }
  if (size > MAX_INBOUND_CHARS) return { ok: false, error: `message of ${size} characters exceeds ${MAX_INBOUND_CHARS}` };
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, error: `bad envelope: ${summarise(env.error)}` };
  const m = env.data;
  const id = m.kind === 'request' ? m.id : undefined;
  const d = protocol.find((x) => x.method === m.method);
  if (!d) return { ok: false, error: `unknown method ${JSON.stringify(m.method)}`, ...(id !== undefined ? { id } : {}) };
  if (d.type !== m.kind) return { ok: false, error: `${m.method} must be sent as a ${d.type}`, ...(id !== undefined ? { id } : {}) };
  const p = d.params.safeParse(m.params);
  if (!p.success) return { ok: false, error: `${m.method}: invalid params: ${summarise(p.error)}`, ...(id !== undefined ? { id } : {}) };
  return m.kind === 'request'
    ? { ok: true, kind: 'request', id: m.id, method: m.method, params: p.data }
    : { ok: true, kind: 'notify', method: m.method, params: p.data };
}

/** Issue codes and their limits (zod/mini carries no English messages). */
function summarise(e: { issues: ReadonlyArray<z.core.$ZodIssue> }): string {
  return e.issues
    .slice(0, 3)
    .map((i) => {
      const where = i.path.map(String).join('.') || '(root)';
      const extra =
        i.code === 'too_small'
          ? ` (minimum ${String(i.minimum)})`
          : i.code === 'too_big'
            ? ` (maximum ${String(i.maximum)})`
            : i.code === 'invalid_type'
              ? ` (expected ${i.expected})`
              : i.code === 'unrecognized_keys'
                ? ` (${i.keys.join(', ')})`
                : i.code === 'invalid_value'
                  ? ` (expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')})`
                  : i.code === 'custom'
                    ? `: ${i.message}`
                    : '';
      return `${where}: ${i.code}${extra}`;
    })
    .join('; ');
}

/** Host → webview messages are checked for shape only: the webview ignores anything else. */
export function isIpcMessage(m: unknown): m is IpcMessage {
  if (typeof m !== 'object' || m === null) return false;
  const k = (m as { kind?: unknown }).kind;
  if (k === 'notify') return typeof (m as { method?: unknown }).method === 'string';
  if (k === 'response') return typeof (m as { id?: unknown }).id === 'number';
  return false;
}

/** The UI-state checkpoint every webview stores with vscode.setState: versioned so old ones are dropped. */
export const CHECKPOINT_VERSION = 1;

/** Reads a checkpoint of this version, or undefined (none, another version, or not this view's shape). */
export function readCheckpoint<T>(schema: z.ZodMiniType<T>, raw: unknown): T | undefined {
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}
