import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createScorer, type Scorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import type { RewardInput } from '../../../src/core/rewards/types';
import { verifierPrompt } from '../../../src/core/rewards/verifier/generalReasoner';
import { ErrorCode, LensError } from '../../../src/shared/errors';

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  temperature: number;
  max_tokens: number;
}

/** A stand-in for vLLM's /v1/chat/completions that grades by the student answer and misbehaves on cue. */
class FakeVerifier {
  readonly bodies: ChatBody[] = [];
  readonly hits = new Map<string, number>();
  active = 0;
  maxActive = 0;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
      res.writeHead(404).end('not found');
      return;
    }
    const body = JSON.parse(raw) as ChatBody;
    this.bodies.push(body);
    const prompt = body.messages[0]!.content;
    const student = /### Student Answer: (.*)\n/.exec(prompt)?.[1] ?? '';
    const n = (this.hits.get(student) ?? 0) + 1;
    this.hits.set(student, n);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (student === 'slow') await new Promise((r) => setTimeout(r, 2000));
      if (student === 'slow-once' && n === 1) await new Promise((r) => setTimeout(r, 2000));
      if (student === 'flaky' && n === 1) {
        res.writeHead(500).end('overloaded');
        return;
      }
      if (student === 'broken') {
        res.writeHead(503).end('down for maintenance');
        return;
      }
      if (student === 'bad-request') {
        res.writeHead(400).end('{"error": "context too long"}');
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
      const yes = ['42', 'forty two', 'flaky', 'slow-once'].includes(student);
      const content = `The student wrote ${student}. Final Decision: ${yes ? 'Yes' : 'No'}`;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
    } finally {
      this.active--;
    }
  }
}

const sample = (response: string, ground_truth: string | null = '42'): RewardInput => ({
  id: response.slice(0, 12),
  prompt: 'What is six times seven? ',
  response,
  ground_truth,
  data_source: null,
  extra: {},
});

describe('LLM verifier against an OpenAI-compatible endpoint (General-Reasoner, docs/rewards.md#llm-verifier-general-reasoner)', () => {
  const fake = new FakeVerifier();
  let url = '';
  before(async () => {
    url = await fake.start();
  });
  after(() => fake.stop());

  async function withScorer<T>(config: Record<string, unknown>, f: (s: Scorer) => Promise<T>): Promise<T> {
    const spec = parseRewardSpec({
      terms: [{ fn: 'verifier', config: { url, model: 'TIGER-Lab/general-verifier', backoffMs: 10, ...config } }],
    });
    const scorer = await createScorer(spec, { trusted: false, baseDir: '.' });
    try {
      return await f(scorer);
    } finally {
      await scorer.dispose();
    }
  }

  it('sends the byte-exact prompt with temperature 0 and scores by docs/rewards.md#llm-verifier-general-reasoner, keeping the rationale', async () => {
    await withScorer({ context: 'response' }, async (s) => {
      const out = await s.score([
        sample('so \\boxed{42}'),
        sample('Answer: forty two\nthanks'),
        sample('I give up'),
        sample('Answer: 41\n'),
      ]);
      assert.deepEqual(out[0], {
        score: 1,
        correct: true,
        extracted: '42',
        rationale: 'The student wrote 42. Final Decision: Yes',
        components: { passed: 1, extraction_failed: 0, length_diff: 0, approx_token_counts: 1 },
      });
      assert.ok(Math.abs(out[1]!.score! - 0.95) < 1e-9, String(out[1]!.score));
      assert.deepEqual([out[2]!.score, out[2]!.extracted, out[2]!.correct], [-0.5, 'No Answer', false]);
      assert.deepEqual([out[3]!.score, out[3]!.correct], [0, false]);
    });
    const sent = fake.bodies.find((b) => b.messages[0]!.content.includes('### Student Answer: 42\n'))!;
    assert.deepEqual(
      {
        model: sent.model,
        temperature: sent.temperature,
        max_tokens: sent.max_tokens,
        role: sent.messages[0]!.role,
      },
      { model: 'TIGER-Lab/general-verifier', temperature: 0, max_tokens: 2048, role: 'user' },
    );
    assert.equal(sent.messages[0]!.content, verifierPrompt('What is six times seven? ', '42', '42'));
  });

  it('retries a 500 and succeeds', async () => {
    await withScorer({ context: 'response' }, async (s) => {
      const [o] = await s.score([sample('Answer: flaky\n')]);
      assert.equal(o!.correct, true);
    });
    assert.equal(fake.hits.get('flaky'), 2);
  });

  it('times out a slow response, retries it, and reports exhausted retries per sample', async () => {
    await withScorer({ context: 'response', timeoutMs: 300, retries: 1 }, async (s) => {
      const [slowOnce, slow, fine] = await s.score([sample('Answer: slow-once\n'), sample('Answer: slow\n'), sample('\\boxed{42}')]);
      assert.equal(slowOnce!.correct, true);
      assert.equal(slow!.score, null);
      assert.match(
        slow!.error!,
        /^verifier: verifier endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions failed after 2 attempts: no answer within 300 ms$/,
      );
      assert.equal(fine!.score, 1);
    });
  });

  it('does not retry a 4xx, and says what the endpoint answered', async () => {
    await withScorer({ context: 'response' }, async (s) => {
      const [o] = await s.score([sample('Answer: bad-request\n')]);
      assert.match(o!.error!, /refused the request: HTTP 400: \{"error": "context too long"\}/);
    });
    assert.equal(fake.hits.get('bad-request'), 1);
    await withScorer({ context: 'response', retries: 2 }, async (s) => {
      const [o] = await s.score([sample('Answer: broken\n')]);
      assert.match(o!.error!, /failed after 3 attempts: HTTP 503: down for maintenance/);
    });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // Its own server: timed-out requests of other tests may still be open on the shared one.
    const own = new FakeVerifier();
    const ownUrl = await own.start();
    const spec = parseRewardSpec({
      terms: [{ fn: 'verifier', config: { url: ownUrl, model: 'm', context: 'response', concurrency: 2 } }],
    });
    const scorer = await createScorer(spec, { trusted: false, baseDir: '.' });
    try {
      await scorer.score(Array.from({ length: 8 }, (_, i) => sample(`Answer: ${i}\n`)));
    } finally {
      await scorer.dispose();
      await own.stop();
    }
    assert.equal(own.bodies.length, 8);
    assert.equal(own.maxActive, 2);
  });

  it('fails the batch with a clear error when the endpoint is down', async () => {
    const down = new FakeVerifier();
    const downUrl = await down.start();
    await down.stop();
    const spec = parseRewardSpec({
      terms: [{ fn: 'verifier', config: { url: downUrl, model: 'm', retries: 2, backoffMs: 10 } }],
    });
    const scorer = await createScorer(spec, { trusted: false, baseDir: '.' });
    try {
      await assert.rejects(scorer.score([sample('\\boxed{42}')]), (e: unknown) => {
        assert.ok(e instanceof LensError);
        assert.equal(e.code, ErrorCode.NotFound);
        assert.match(
          e.message,
          new RegExp(`verifier endpoint ${downUrl}/v1/chat/completions is unreachable after 3 attempts: ECONNREFUSED`),
        );
        return true;
      });
    } finally {
      await scorer.dispose();
    }
  });
});
