// A small client for an OpenAI-compatible completion endpoint (vLLM, SGLang, llama.cpp, OpenAI):
// concurrency limit, per-request timeout, retries with exponential backoff on 5xx, 429, timeouts
// and connection errors. A 4xx other than 429 is the caller's mistake and is not retried.
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';

export interface ChatClientOptions {
  url: string;
  model: string;
  api: 'chat' | 'completions';
  apiKey: string | null;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxTokens: number;
  temperature: number;
}

/** A failure that retrying may cure; `unreachable` means no HTTP answer at all. */
class Transient extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

/** The endpoint URL: a base URL gets /v1/chat/completions (or /v1/completions) appended. */
export function endpointUrl(url: string, api: 'chat' | 'completions'): string {
  const u = url.replace(/\/+$/, '');
  if (/\/(chat\/)?completions$/.test(u)) return u;
  const tail = api === 'chat' ? 'chat/completions' : 'completions';
  return /\/v1$/.test(u) ? `${u}/${tail}` : `${u}/v1/${tail}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new LensError(ErrorCode.Cancelled, 'cancelled'))), { once: true });
  });
}

export class ChatClient {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  readonly endpoint: string;

  constructor(private readonly o: ChatClientOptions) {
    this.endpoint = endpointUrl(o.url, o.api);
  }

  private async acquire(): Promise<void> {
    if (this.active < this.o.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** The completion text for one prompt. Throws LensError: BadInput (4xx, bad body), NotFound (unreachable), Internal (5xx/timeouts exhausted). */
  async complete(prompt: string, signal?: AbortSignal): Promise<string> {
    await this.acquire();
    try {
      let last: Transient | undefined;
      for (let attempt = 0; attempt <= this.o.retries; attempt++) {
        if (attempt > 0) await sleep(this.o.backoffMs * 2 ** (attempt - 1), signal);
        try {
          return await this.once(prompt, signal);
        } catch (e) {
          if (!(e instanceof Transient)) throw e;
          last = e;
        }
      }
      const tries = `${this.o.retries + 1} attempt${this.o.retries ? 's' : ''}`;
      if (last?.unreachable)
        throw new LensError(ErrorCode.NotFound, `verifier endpoint ${this.endpoint} is unreachable after ${tries}: ${last.message}`);
      throw new LensError(
        ErrorCode.Internal,
        `verifier endpoint ${this.endpoint} failed after ${tries}: ${last?.message ?? 'unknown error'}`,
      );
    } finally {
      this.release();
    }
  }

  private async once(prompt: string, outer?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = outer ? AbortSignal.any([timeout, outer]) : timeout;
    const body =
      this.o.api === 'chat'
        ? {
            model: this.o.model,
            messages: [{ role: 'user', content: prompt }],
            temperature: this.o.temperature,
            max_tokens: this.o.maxTokens,
          }
        : { model: this.o.model, prompt, temperature: this.o.temperature, max_tokens: this.o.maxTokens };
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal,
      });
      text = await res.text();
    } catch (e) {
      if (outer?.aborted) throw new LensError(ErrorCode.Cancelled, 'verifier request cancelled');
      if (timeout.aborted) throw new Transient(`no answer within ${this.o.timeoutMs} ms`, false);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Transient(cause?.code ?? cause?.message ?? errorMessage(e), true);
    }
    if (res.status >= 500 || res.status === 429) throw new Transient(`HTTP ${res.status}: ${text.slice(0, 200)}`, false);
    if (!res.ok)
      throw new LensError(
        ErrorCode.BadInput,
        `verifier endpoint ${this.endpoint} refused the request: HTTP ${res.status}: ${text.slice(0, 300)}`,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LensError(
        ErrorCode.BadInput,
        `verifier endpoint ${this.endpoint} answered with something that is not JSON: ${text.slice(0, 200)}`,
      );
    }
    const choice = (json as { choices?: Array<{ message?: { content?: unknown }; text?: unknown }> }).choices?.[0];
    const content = this.o.api === 'chat' ? choice?.message?.content : choice?.text;
    if (typeof content !== 'string') {
      throw new LensError(
        ErrorCode.BadInput,
        `verifier endpoint ${this.endpoint} answered without ${this.o.api === 'chat' ? 'choices[0].message.content' : 'choices[0].text'}: ${text.slice(0, 200)}`,
      );
    }
    return content;
  }
}
