// External command reward: a long-running child reading one JSON request per line on stdin and
// answering one JSON line per request on stdout (docs/rewards.md#external-command). Up to
// `inflight` requests are pipelined; a request past `timeoutMs` or a crash blames the oldest request
// in flight, restarts the child (at most `maxRestarts` times) and resends the others.
import * as path from 'node:path';
import { z } from 'zod';
import { ErrorCode, LensError } from '../../../shared/errors';
import { defineReward, type RewardFactory } from '../factory';
import { isJsonObject, type RewardFunction, type RewardInput, type RewardOutput, type ScoreContext } from '../types';
import { LineChild } from './childProcess';

/** Splits a command line on spaces, honouring '…' and "…" quotes and backslash escapes (no shell). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (any || cur) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (quote) throw new LensError(ErrorCode.BadInput, `external command ${JSON.stringify(line)}: unterminated ${quote} quote`);
  if (any || cur) out.push(cur);
  return out;
}

const externalSchema = z.strictObject({
  command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .transform((v) => (typeof v === 'string' ? splitCommand(v) : v))
    .refine((v) => v.length > 0 && v[0] !== '', { message: 'command is empty' }),
  cwd: z.string().nullable().default(null),
  timeoutMs: z.number().int().min(10).max(3_600_000).default(30_000),
  maxRestarts: z.number().int().min(0).max(100).default(3),
  inflight: z.number().int().min(1).max(1024).default(8),
  env: z.record(z.string(), z.string()).default({}),
});
type ExternalConfig = z.output<typeof externalSchema>;

interface Pending {
  input: RewardInput;
  resolve: (o: RewardOutput) => void;
}

interface InFlight extends Pending {
  timer: NodeJS.Timeout;
}

class ExternalRewardFunction implements RewardFunction {
  readonly id = 'external';
  readonly description = externalReward.description;
  readonly exactness = 'external' as const;
  private child: LineChild | undefined;
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, InFlight>();
  private restarts = 0;
  private fatal: LensError | undefined;
  private failBatch: ((e: LensError) => void) | undefined;
  private disposed = false;

  constructor(
    readonly config: ExternalConfig,
    private readonly cwd: string,
  ) {}

  private get label(): string {
    return JSON.stringify(this.config.command.join(' '));
  }

  private withStderr(msg: string, child: LineChild | undefined): string {
    const tail = child?.stderr();
    return tail ? `${msg}; its stderr ends: ${tail.slice(-600)}` : msg;
  }

  async score(batch: readonly RewardInput[], ctx: ScoreContext): Promise<RewardOutput[]> {
    if (this.fatal) throw this.fatal;
    const results = batch.map(
      (input) =>
        new Promise<RewardOutput>((resolve) => {
          this.queue.push({ input, resolve });
        }),
    );
    const failed = new Promise<never>((_, reject) => {
      this.failBatch = reject;
    });
    const onAbort = (): void => this.abort(new LensError(ErrorCode.Cancelled, 'scoring was cancelled'));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.pump();
      return await Promise.race([Promise.all(results), failed]);
    } finally {
      ctx.signal?.removeEventListener('abort', onAbort);
      this.failBatch = undefined;
    }
  }

  /** Ends the batch: every waiting and in-flight request is dropped and the child stopped. */
  private abort(e: LensError): void {
    if (e.code !== ErrorCode.Cancelled) this.fatal = e;
    this.queue.length = 0;
    for (const f of this.inflight.values()) clearTimeout(f.timer);
    this.inflight.clear();
    const child = this.child;
    this.child = undefined;
    void child?.kill();
    this.failBatch?.(e);
  }

  private ensureChild(): LineChild {
    if (this.child?.alive) return this.child;
    const child: LineChild = new LineChild({
      argv: this.config.command,
      cwd: this.cwd,
      env: this.config.env,
      onLine: (line) => this.onLine(child, line),
      onExit: (why, spawnFailed) => this.onExit(child, why, spawnFailed),
    });
    this.child = child;
    return child;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inflight.size < this.config.inflight && !this.disposed) {
      const item = this.queue.shift()!;
      const child = this.ensureChild();
      const timer = setTimeout(() => this.onTimeout(child, item.input.id), this.config.timeoutMs);
      this.inflight.set(item.input.id, { ...item, timer });
      const { id, prompt, response, ground_truth, data_source, extra } = item.input;
      child.send(JSON.stringify({ id, prompt, response, ground_truth, data_source, extra }));
    }
  }

  private onLine(child: LineChild, line: string): void {
    if (child !== this.child) return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.abort(
        new LensError(
          ErrorCode.BadInput,
          this.withStderr(
            `external reward command ${this.label} printed a line that is not JSON: ${JSON.stringify(line.slice(0, 200))} (stdout is for protocol lines only; log to stderr)`,
            child,
          ),
        ),
      );
      return;
    }
    const id = isJsonObject(msg) ? msg['id'] : undefined;
    const key = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
    const f = key === undefined ? undefined : this.inflight.get(key);
    if (!isJsonObject(msg) || !f) {
      this.abort(
        new LensError(
          ErrorCode.BadInput,
          `external reward command ${this.label} answered ${JSON.stringify(line.slice(0, 200))}, which names no pending request id`,
        ),
      );
      return;
    }
    clearTimeout(f.timer);
    this.inflight.delete(key!);
    f.resolve(this.toOutput(msg));
    this.pump();
  }

  private toOutput(msg: Record<string, unknown>): RewardOutput {
    if (typeof msg['error'] === 'string') return { score: null, error: msg['error'] };
    const score = msg['score'];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      return { score: null, error: `"score" must be a finite number, got ${JSON.stringify(score)}` };
    }
    const out: RewardOutput = { score };
    const comps = msg['components'];
    if (isJsonObject(comps)) {
      const numeric = Object.entries(comps).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
      if (numeric.length) out.components = Object.fromEntries(numeric);
    }
    if (typeof msg['rationale'] === 'string') out.rationale = msg['rationale'];
    if (typeof msg['extracted'] === 'string') out.extracted = msg['extracted'];
    if (typeof msg['correct'] === 'boolean') out.correct = msg['correct'];
    return out;
  }

  /** The oldest request in flight gets `why`; the rest go back to the front of the queue. */
  private blameAndRequeue(why: string): void {
    const flights = [...this.inflight.values()];
    this.inflight.clear();
    for (const f of flights) clearTimeout(f.timer);
    const [blamed, ...innocent] = flights;
    if (blamed) blamed.resolve({ score: null, error: why });
    this.queue.unshift(...innocent.map(({ input, resolve }) => ({ input, resolve })));
  }

  private restartOrFail(child: LineChild, why: string): void {
    if (this.restarts >= this.config.maxRestarts) {
      this.abort(
        new LensError(
          ErrorCode.BadInput,
          this.withStderr(`external reward command ${this.label} ${why}, and it was restarted ${this.restarts} times already`, child),
        ),
      );
      return;
    }
    this.restarts++;
    this.pump();
  }

  private onTimeout(child: LineChild, id: string): void {
    if (child !== this.child || !this.inflight.has(id)) return;
    this.child = undefined;
    void child.kill();
    this.blameAndRequeue(`no answer within ${this.config.timeoutMs} ms (the command was restarted)`);
    this.restartOrFail(child, `did not answer within ${this.config.timeoutMs} ms`);
  }

  private onExit(child: LineChild, why: string, spawnFailed: boolean): void {
    if (child !== this.child) return;
    this.child = undefined;
    // A missing program will not appear on a restart.
    if (spawnFailed) {
      this.abort(new LensError(ErrorCode.NotFound, `external reward command ${this.label}: ${why}`));
      return;
    }
    if (this.inflight.size === 0 && this.queue.length === 0) return;
    this.blameAndRequeue(this.withStderr(`the command ${why} while scoring this sample`, child));
    this.restartOrFail(child, why);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const child = this.child;
    this.child = undefined;
    for (const f of this.inflight.values()) clearTimeout(f.timer);
    this.inflight.clear();
    this.queue.length = 0;
    await child?.stop();
  }
}

export const externalReward: RewardFactory = defineReward({
  id: 'external',
  description:
    'An external command speaking JSON lines on stdin/stdout (e.g. python/rollout_lens_reward/adapter.py around a verl compute_score)',
  source: 'ours (docs/rewards.md#external-command)',
  exactness: 'external',
  pathKeys: ['cwd'],
  untrustedReason: 'it runs a program named by the workspace',
  schema: externalSchema,
  create(c, env) {
    return new ExternalRewardFunction(c, c.cwd ? path.resolve(env.baseDir, c.cwd) : env.baseDir);
  },
});
