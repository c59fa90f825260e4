// A pairwise generative judge (Writing-Zero's GenRM, BRPO) behind an OpenAI-compatible endpoint, as a
// group-level reward (docs/rewards.md#pairwise-judge): per group one reference (the logged one, else
// a choice seeded by the group uid), every other sample judged against it in both orders, `voting`
// calls per order, and its score the BRPO verdict (+1 / −1; the reference 0).
import { z } from 'zod';
import { ErrorCode, LensError, errorMessage, isLensError } from '../../../shared/errors';
import { isReference, type PairwiseVote, type VoteOrder } from '../../../shared/judging';
import { brpoVerdict } from '../../../shared/judgedAdvantages';
import { defineReward, type RewardFactory } from '../factory';
import type { RewardFunction, RewardInput, RewardOutput, ScoreContext } from '../types';
import { ChatClient } from './chatClient';
import { chosenReference, pairwisePrompt, readJudgeReply } from './pairwisePrompt';

const judgeSchema = z.strictObject({
  url: z.string().url(),
  model: z.string().min(1),
  api: z.enum(['chat', 'completions']).default('chat'),
  /** Name of the environment variable holding the API key; the key itself is never stored. */
  apiKeyEnv: z.string().nullable().default(null),
  concurrency: z.number().int().min(1).max(256).default(8),
  timeoutMs: z.number().int().min(10).max(3_600_000).default(300_000),
  retries: z.number().int().min(0).max(20).default(3),
  backoffMs: z.number().int().min(0).max(60_000).default(500),
  maxTokens: z.number().int().min(1).default(4096),
  temperature: z.number().min(0).default(0),
  /** Calls per order: a sample is judged 2·voting times. */
  voting: z.number().int().min(1).max(16).default(1),
  /** `all`: +1 only when the sample wins every call; `majority`: more than half. */
  rule: z.enum(['all', 'majority']).default('all'),
  /** What a tie (or an unreadable reply) counts as. */
  ties: z.enum(['lose', 'win']).default('lose'),
});
type JudgeConfig = z.output<typeof judgeSchema>;

/** One group's samples in the batch, with their positions in it, ordered by their index in the group. */
interface BatchGroup {
  uid: string;
  members: Array<{ at: number; input: RewardInput; index: number }>;
}

function groupsOf(batch: readonly RewardInput[]): BatchGroup[] {
  const groups = new Map<string, BatchGroup>();
  batch.forEach((input, at) => {
    const uid = String(input.extra['group'] ?? input.id);
    const key = `${String(input.extra['split'])}\u0000${String(input.extra['step'])}\u0000${uid}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { uid, members: [] }));
    const index = input.extra['index'];
    g.members.push({ at, input, index: typeof index === 'number' ? index : g.members.length });
  });
  for (const g of groups.values()) g.members.sort((a, b) => a.index - b.index);
  return [...groups.values()];
}

/** The reference's position in the group: a sample logged as the reference, else the index the logged votes name, else chosen. */
function referenceOf(g: BatchGroup): { position: number; logged: boolean } {
  const flagged = g.members.findIndex((m) => isReference(m.input.pairwise));
  if (flagged >= 0) return { position: flagged, logged: true };
  for (const m of g.members) {
    const p = m.input.pairwise;
    const named = p && 'against' in p ? g.members.findIndex((x) => x.index === p.against) : -1;
    if (named >= 0) return { position: named, logged: true };
  }
  return { position: chosenReference(g.uid, g.members.length), logged: false };
}

class PairwiseJudgeFunction implements RewardFunction {
  readonly id = 'pairwise-judge';
  readonly description = pairwiseJudgeReward.description;
  readonly exactness = 'model' as const;
  readonly groupLevel = true;

  constructor(
    readonly config: JudgeConfig,
    private readonly client: ChatClient,
  ) {}

  async score(batch: readonly RewardInput[], ctx: ScoreContext): Promise<RewardOutput[]> {
    const out: RewardOutput[] = batch.map(() => ({ score: null, error: 'not judged' }));
    const jobs: Array<Promise<void>> = [];
    for (const g of groupsOf(batch)) {
      const ref = referenceOf(g);
      const reference = g.members[ref.position]!;
      const source = ref.logged ? 'the logged reference' : 'the reference chosen from the group uid';
      out[reference.at] = {
        score: 0,
        components: { reference: 1, reference_logged: ref.logged ? 1 : 0 },
        rationale: `sample ${reference.index} is ${source}`,
      };
      for (const m of g.members) {
        // Context only (already judged, or not selected): it may be the reference, but is not judged again.
        if (m === reference || m.input.contextOnly === true) continue;
        jobs.push(this.judge(m.input, reference.input, ctx).then((o) => void (out[m.at] = this.output(o, reference.index, source))));
      }
    }
    // An unreachable endpoint or a cancel dooms the batch; other failures are the sample's.
    await Promise.all(jobs);
    return out;
  }

  /** All 2·voting calls for one sample: its votes and raw replies, or the first error. */
  private async judge(sample: RewardInput, reference: RewardInput, ctx: ScoreContext): Promise<{ votes: Vote[] } | { error: string }> {
    const calls: Array<Promise<Vote>> = [];
    for (let v = 0; v < this.config.voting; v++) {
      for (const order of ['ab', 'ba'] as const) {
        const [a, b] = order === 'ab' ? [sample, reference] : [reference, sample];
        calls.push(
          this.client.complete(pairwisePrompt(sample.prompt, a.response, b.response), ctx.signal).then((reply) => vote(order, reply)),
        );
      }
    }
    try {
      return { votes: await Promise.all(calls) };
    } catch (e) {
      if (isLensError(e) && (e.code === ErrorCode.NotFound || e.code === ErrorCode.Cancelled)) throw e;
      return { error: errorMessage(e) };
    }
  }

  private output(r: { votes: Vote[] } | { error: string }, referenceIndex: number, source: string): RewardOutput {
    if ('error' in r) return { score: null, error: r.error };
    const verdict = brpoVerdict(r.votes, { rule: this.config.rule, ties: this.config.ties }) ?? 0;
    const count = (f: (v: Vote) => boolean): number => r.votes.filter(f).length;
    const unreadable = count((v) => !v.readable);
    const mean = (xs: Array<number | undefined>): number | undefined => {
      const ys = xs.filter((x): x is number => x !== undefined);
      return ys.length ? ys.reduce((s, x) => s + x, 0) / ys.length : undefined;
    };
    const own = mean(r.votes.map((v) => v.score));
    const against = mean(r.votes.map((v) => v.against_score));
    const lines = r.votes.map(
      (v, i) =>
        `[${i + 1}: ${v.order}] ${v.readable ? (v.win === null ? 'tie' : v.win ? 'won' : 'lost') : 'unreadable reply, counted as a tie'}` +
        (v.score !== undefined && v.against_score !== undefined ? ` (${v.score} vs ${v.against_score})` : '') +
        `\n${v.critique ?? ''}`,
    );
    return {
      score: verdict,
      components: {
        reference: 0,
        votes: r.votes.length,
        wins: count((v) => v.win === true),
        losses: count((v) => v.win === false),
        ties: count((v) => v.win === null),
        unreadable,
        ...(own !== undefined ? { score: own } : {}),
        ...(against !== undefined ? { against_score: against } : {}),
      },
      rationale:
        `against sample ${referenceIndex} (${source}); verdict ${verdict > 0 ? '+1' : '−1'}` +
        (unreadable ? `; ${unreadable} unreadable` : '') +
        `\n\n${lines.join('\n\n')}`,
    };
  }

  async dispose(): Promise<void> {}
}

type Vote = PairwiseVote & { readable: boolean };

/** One call's vote from this sample's side: in order `ab` it is response A, in `ba` response B. */
function vote(order: VoteOrder, reply: string): Vote {
  const r = readJudgeReply(reply);
  const mine = order === 'ab' ? 'A' : 'B';
  const [own, other] = order === 'ab' ? [r.scoreA, r.scoreB] : [r.scoreB, r.scoreA];
  return {
    order,
    win: r.better === null ? null : r.better === mine,
    ...(own !== null ? { score: own } : {}),
    ...(other !== null ? { against_score: other } : {}),
    critique: reply,
    readable: r.parsed,
  };
}

export const pairwiseJudgeReward: RewardFactory = defineReward({
  id: 'pairwise-judge',
  description:
    'pairwise generative judge (Writing-Zero GenRM, BRPO) behind an OpenAI-compatible endpoint: each sample against its group reference in both orders; +1 when it wins under the rule, else −1, the reference 0',
  source: 'docs/rewards.md#pairwise-judge (Writing-Zero, arXiv 2506.00103; no official code)',
  exactness: 'model',
  variantKey: 'rule',
  variants: ['all', 'majority'],
  schema: judgeSchema,
  create(c) {
    let apiKey: string | null = null;
    if (c.apiKeyEnv) {
      apiKey = process.env[c.apiKeyEnv] ?? null;
      if (apiKey === null)
        throw new LensError(ErrorCode.BadInput, `pairwise-judge: the environment variable ${c.apiKeyEnv} (apiKeyEnv) is not set`);
    }
    return new PairwiseJudgeFunction(c, new ChatClient({ ...c, apiKey }));
  },
});
