// The General-Reasoner LLM verifier as a reward function: extract the student answer, ask an
// OpenAI-compatible endpoint with the byte-exact prompt, score by docs/rewards.md#llm-verifier-general-reasoner, keep the verifier's text.
import { z } from 'zod';
import { ErrorCode, LensError, errorMessage, isLensError } from '../../../shared/errors';
import { defineReward, type RewardFactory } from '../factory';
import { loadModelTokenizer } from '../onnx/tokenizer';
import type { RewardFunction, RewardInput, RewardOutput, ScoreContext } from '../types';
import { ChatClient } from './chatClient';
import { approximateTokenCount, extractStudentAnswer, verifierPrompt, verifierScore } from './generalReasoner';

const verifierSchema = z.strictObject({
  url: z.string().url(),
  model: z.string().min(1),
  api: z.enum(['chat', 'completions']).default('chat'),
  /** Name of the environment variable holding the API key; the key itself is never stored. */
  apiKeyEnv: z.string().nullable().default(null),
  concurrency: z.number().int().min(1).max(256).default(8),
  timeoutMs: z.number().int().min(10).max(3_600_000).default(120_000),
  retries: z.number().int().min(0).max(20).default(3),
  backoffMs: z.number().int().min(0).max(60_000).default(500),
  maxTokens: z.number().int().min(1).default(2048),
  temperature: z.number().min(0).default(0),
  /** The verifier's tokenizer.json, for the length penalty; null = approximate word counts. */
  tokenizer: z.string().nullable().default(null),
  /** What the answer is extracted from, and how many (approximate) tokens of its end. */
  context: z.enum(['prompt+response', 'response']).default('prompt+response'),
  contextTokens: z.number().int().min(1).default(1024),
});
type VerifierConfig = z.output<typeof verifierSchema>;

/** The last `n` whitespace-delimited pieces: the approximate "last 1024 tokens" of docs/rewards.md#general-reasoner. */
function lastPieces(text: string, n: number): string {
  const pieces = text.match(/\s*\S+/g);
  if (!pieces || pieces.length <= n) return text;
  return pieces.slice(-n).join('');
}

class VerifierRewardFunction implements RewardFunction {
  readonly id = 'verifier';
  readonly description = verifierReward.description;
  readonly exactness = 'model' as const;
  private readonly count: (text: string) => number;
  private readonly approximateCounts: boolean;

  constructor(
    readonly config: VerifierConfig,
    private readonly client: ChatClient,
  ) {
    if (config.tokenizer) {
      const tok = loadModelTokenizer(config.tokenizer, false);
      this.count = (t) => tok.encode(t).length;
      this.approximateCounts = false;
    } else {
      this.count = approximateTokenCount;
      this.approximateCounts = true;
    }
  }

  async score(batch: readonly RewardInput[], ctx: ScoreContext): Promise<RewardOutput[]> {
    // An unreachable endpoint dooms the batch; other failures are the sample's.
    return Promise.all(batch.map((s) => this.one(s, ctx)));
  }

  private async one(s: RewardInput, ctx: ScoreContext): Promise<RewardOutput> {
    if (s.ground_truth === null) return { score: null, error: 'the sample has no ground_truth for the verifier' };
    const context = this.config.context === 'response' ? s.response : `${s.prompt}${s.response}`;
    const solution = extractStudentAnswer(lastPieces(context, this.config.contextTokens));
    const shown = solution ? solution : 'No Answer';
    let verdict: string;
    try {
      verdict = await this.client.complete(verifierPrompt(s.prompt, s.ground_truth, shown), ctx.signal);
    } catch (e) {
      if (isLensError(e) && (e.code === ErrorCode.NotFound || e.code === ErrorCode.Cancelled)) throw e;
      return { score: null, error: errorMessage(e) };
    }
    const r = verifierScore(solution, s.ground_truth, verdict, this.count);
    return {
      score: r.score,
      correct: r.passed,
      extracted: shown,
      rationale: verdict,
      components: {
        passed: r.passed ? 1 : 0,
        extraction_failed: solution === null ? 1 : 0,
        ...(r.lengthDiff !== null ? { length_diff: r.lengthDiff } : {}),
        ...(this.approximateCounts ? { approx_token_counts: 1 } : {}),
      },
    };
  }

  async dispose(): Promise<void> {}
}

export const verifierReward: RewardFactory = defineReward({
  id: 'verifier',
  description:
    'General-Reasoner LLM verifier behind an OpenAI-compatible endpoint: "Final Decision: Yes" → 1 − 0.05·min(|Δlen|, 10); −0.5 when no answer was extracted',
  source: 'docs/rewards.md#llm-verifier-general-reasoner (General-Reasoner verifier.py)',
  exactness: 'model',
  pathKeys: ['tokenizer'],
  schema: verifierSchema,
  create(c) {
    let apiKey: string | null = null;
    if (c.apiKeyEnv) {
      apiKey = process.env[c.apiKeyEnv] ?? null;
      if (apiKey === null)
        throw new LensError(ErrorCode.BadInput, `verifier: the environment variable ${c.apiKeyEnv} (apiKeyEnv) is not set`);
    }
    return new VerifierRewardFunction(c, new ChatClient({ ...c, apiKey }));
  },
});
