// The pairwise judge (docs/rewards.md#pairwise-judge): reading replies, the reference choice, and
// `rescore --reward pairwise-judge(…)` end to end against a stub OpenAI-compatible endpoint that
// replays the replies of test/fixtures/pairwise-judge/replies.json, compared with logged BRPO advantages.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REWARD_COMMANDS } from '../../../src/cli/commands/rewards';
import type { Values } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/output';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { comparePairwise } from '../../../src/core/rewards/pairwiseComparison';
import { rescore } from '../../../src/core/rewards/rescore';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import { chosenReference, fnv1a, pairwisePrompt, readJudgeReply } from '../../../src/core/rewards/verifier/pairwisePrompt';
import { Store } from '../../../src/core/store/store';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir, writeJsonl } from '../../helpers';

const FIXTURE = path.join(__dirname, '../../fixtures/pairwise-judge/replies.json');

describe('reading a judge reply', () => {
  const cases: Array<[string, string, ReturnType<typeof readJudgeReply>]> = [
    ['the verdict line', 'Score A: 8\nScore B: 5\nBetter: A', { better: 'A', scoreA: 8, scoreB: 5, parsed: true, from: 'verdict' }],
    [
      'markdown and [[B]]',
      '**Score A:** 4\n**Score B:** 9.5\n**Verdict:** [[B]]',
      { better: 'B', scoreA: 4, scoreB: 9.5, parsed: true, from: 'verdict' },
    ],
    ['"Response A" after the label', 'Better: Response A.', { better: 'A', scoreA: null, scoreB: null, parsed: true, from: 'verdict' }],
    ['a tie', 'Score A: 7\nScore B: 7\nBetter: Tie', { better: null, scoreA: 7, scoreB: 7, parsed: true, from: 'verdict' }],
    ['"a tie" is not A', 'Verdict: a tie', { better: null, scoreA: null, scoreB: null, parsed: true, from: 'verdict' }],
    [
      'the last verdict wins',
      'Better: A\nOn reflection, Better: B',
      { better: 'B', scoreA: null, scoreB: null, parsed: true, from: 'verdict' },
    ],
    [
      'text in <think> is ignored',
      '<think>Better: A</think>Final verdict: B',
      { better: 'B', scoreA: null, scoreB: null, parsed: true, from: 'verdict' },
    ],
    ['a boxed letter', 'The better response is \\boxed{A}.', { better: 'A', scoreA: null, scoreB: null, parsed: true, from: 'verdict' }],
    ['scores only: the higher', 'Score A: 6/10\nScore B: 8/10', { better: 'B', scoreA: 6, scoreB: 8, parsed: true, from: 'scores' }],
    [
      'equal scores only: a tie',
      'Score for Response A: 5\nScore for Response B: 5',
      { better: null, scoreA: 5, scoreB: 5, parsed: true, from: 'scores' },
    ],
    [
      'a score out of range is not a score',
      'Score A: 11\nScore B: 3',
      { better: null, scoreA: null, scoreB: 3, parsed: false, from: 'none' },
    ],
    ['a score ending a sentence', 'Score A: 7.\nScore B: 5.', { better: 'A', scoreA: 7, scoreB: 5, parsed: true, from: 'scores' }],
    ['nothing readable', 'I cannot compare these.', { better: null, scoreA: null, scoreB: null, parsed: false, from: 'none' }],
    ['"Better: Apple" is not a verdict', 'Better: Apple', { better: null, scoreA: null, scoreB: null, parsed: false, from: 'none' }],
  ];
  for (const [name, reply, want] of cases) it(name, () => assert.deepEqual(readJudgeReply(reply), want));

  it('the prompt shows the task, A and B and asks for principles, critique, scores and a verdict', () => {
    const p = pairwisePrompt('Write a poem.', 'first', 'second');
    assert.match(p, /### Task\nWrite a poem\.\n\n### Response A\nfirst\n\n### Response B\nsecond\n\n/);
    assert.match(p, /principles[\s\S]*critique[\s\S]*0 to 10/);
    assert.ok(p.endsWith('Score A: <0-10>\nScore B: <0-10>\nBetter: <A or B or Tie>'));
  });

  it('a group without a logged reference gets FNV-1a(uid) mod G', () => {
    // FNV-1a 32-bit reference values: "" → 0x811c9dc5, "a" → 0xe40c292c.
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.equal(fnv1a('g3'), 236987759);
    assert.equal(chosenReference('g3', 4), 3); // 236987759 = 4·59246939 + 3
    assert.equal(chosenReference('g4', 2), 0);
  });
});

interface ChatBody {
  messages: Array<{ content: string }>;
}

/** An OpenAI-compatible stand-in that replays recorded replies by (response A, response B); unknown pairs get HTTP 400. */
class ReplayJudge {
  readonly hits = new Map<string, number>();
  requests = 0;
  private readonly replies: Record<string, string[]>;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  constructor() {
    this.replies = (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { replies: Record<string, string[]> }).replies;
  }

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
    this.requests++;
    const prompt = (JSON.parse(raw) as ChatBody).messages[0]?.content ?? '';
    const m = /### Response A\n([\s\S]*?)\n\n### Response B\n([\s\S]*?)\n\nFirst, write/.exec(prompt);
    const key = m ? `${m[1]}|${m[2]}` : '';
    const list = this.replies[key];
    if (!list) {
      res.writeHead(400).end(`no recorded reply for ${JSON.stringify(key)}`);
      return;
    }
    const n = this.hits.get(key) ?? 0;
    this.hits.set(key, n + 1);
    const content = list[n % list.length]!;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
  }
}

const vote = (order: 'ab' | 'ba', win: boolean): object => ({ order, win });
const line = (
  step: number,
  group: string,
  index: number,
  prompt: string,
  response: string,
  advantage: number,
  pairwise?: object,
): object => ({
  step,
  group,
  index,
  prompt,
  response,
  reward: 0,
  advantage,
  ...(pairwise ? { pairwise } : {}),
});

// A TRL-style BRPO run: reward 0, advantages ±1/0. g1 logged its reference and votes; g3 and g4 only
// their advantages (all 0: dropped); v (step 2) is for the voting rules.
const ROWS = [
  line(1, 'g1', 0, 'Write a short story about a lighthouse.', 'G1-0: There was a lighthouse.', 0, { reference: true }),
  line(1, 'g1', 1, 'Write a short story about a lighthouse.', 'G1-1: The keeper lit the lamp and the ship turned home.', 1, {
    against: 0,
    votes: [vote('ab', true), vote('ba', true)],
  }),
  line(1, 'g1', 2, 'Write a short story about a lighthouse.', 'G1-2: Lamp. Sea. Night.', -1, {
    against: 0,
    votes: [vote('ab', true), vote('ba', false)],
  }),
  line(1, 'g1', 3, 'Write a short story about a lighthouse.', 'G1-3: The light failed; the keeper rowed out with a lantern.', -1, {
    against: 0,
    votes: [vote('ab', false), vote('ba', false)],
  }),
  line(1, 'g3', 0, 'Describe a winter morning in a city.', 'G3-0: Frost on the tram rails, breath like smoke.', 0),
  line(1, 'g3', 1, 'Describe a winter morning in a city.', 'G3-1: Snow. Buses. Coffee.', 0),
  line(1, 'g3', 2, 'Describe a winter morning in a city.', 'G3-2: The city woke under a white sky, quiet as a held breath.', 0),
  line(1, 'g3', 3, 'Describe a winter morning in a city.', 'G3-3: It was cold.', 0),
  line(1, 'g4', 0, 'Write a haiku about rain.', 'G4-0: Rain.', 0),
  line(1, 'g4', 1, 'Write a haiku about rain.', 'G4-1: Rain on a tin roof.', 0),
  line(2, 'v', 0, 'Write a limerick about a cat.', 'V-0: There once was a cat.', 0, { reference: true }),
  line(2, 'v', 1, 'Write a limerick about a cat.', 'V-1: A cat in a hat sat flat on a mat.', 0, {
    against: 0,
    votes: [vote('ab', true), vote('ba', true)],
  }),
];

async function runCli(values: Values): Promise<{ code: number; out: unknown }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array, ...rest: unknown[]) =>
    typeof c === 'string' ? (chunks.push(c), true) : write(c, ...(rest as []))) as typeof process.stdout.write;
  try {
    const code = await REWARD_COMMANDS['rescore']!.run({ ...values, json: true }, []);
    return { code, out: JSON.parse(chunks.join('')) as unknown };
  } finally {
    process.stdout.write = write;
  }
}

describe('rescore --reward pairwise-judge against a replaying endpoint', () => {
  const judge = new ReplayJudge();
  let db = '';
  let spec = '';
  before(async () => {
    const url = await judge.start();
    spec = `pairwise-judge(url="${url}", model=genrm, retries=0)`;
    const dir = tempDir('rl-pairwise-');
    writeJsonl(path.join(dir, 'w.jsonl'), ROWS);
    db = path.join(dir, 'w.db');
    const store = Store.open(db);
    await new Ingestor(store, [path.join(dir, 'w.jsonl')], { run: 'w' }).ingestOnce();
    store.close();
  });
  after(() => judge.stop());

  it('judges each group against its reference in both orders and compares with the logged advantages', async () => {
    const { code, out } = await runCli({ db, run: 'w', reward: spec, step: '1' });
    // g4's pair has no recorded reply (HTTP 400): one error, so the set is complete with 1 error.
    assert.equal(code, 0);
    const o = out as Record<string, unknown>;
    assert.deepEqual([o['samples'], o['scored'], o['errors'], o['approximate']], [10, 9, 1, true]);
    // g1 (logged reference 0): [0, +1, −1 (tie in ab loses), +1] vs logged [0, 1, −1, −1]: sample 3 flips.
    // g3 (chosen reference 3): [+1, −1, +1, 0], Σ = 1, 1/4 ≤ 0.6: kept; logged all 0 (dropped) → 3 signs change.
    // g4: a failed sample → skipped. Verdicts agree with the logged ones on 3 of g1's 4 samples.
    assert.deepEqual(o['pairwise'], {
      set: o['set'],
      tau: 0.6,
      groups: 2,
      groups_skipped: 1,
      samples: 8,
      references: { logged: 1, chosen: 2 },
      votes: 12,
      unreadable_votes: 1,
      verdict_agreement: 0.75,
      flips: { advantage_sign: 1, advantage_sign_changed: 4 },
      dropped_before: 1,
      dropped_after: 0,
      delta_dropped: -1,
      groups_changed: [
        {
          split: 'train',
          step: 1,
          group: 'g1',
          dropped_before: false,
          dropped_after: false,
          advantages_before: [0, 1, -1, -1],
          advantages_after: [0, 1, -1, 1],
        },
        {
          split: 'train',
          step: 1,
          group: 'g3',
          dropped_before: true,
          dropped_after: false,
          advantages_before: [0, 0, 0, 0],
          advantages_after: [1, -1, 1, 0],
        },
      ],
    });
    // 6 calls each for g1 and g3, 2 failed calls for g4.
    assert.equal(judge.requests, 14);

    const store = Store.open(db);
    try {
      const rows = store.db
        .prepare(
          `SELECT g.uid, s.idx, r.score, r.error, r.components, r.rationale FROM rescore_results r JOIN samples s ON s.id = r.sample_id
             JOIN groups g ON g.id = s.group_id WHERE r.set_id = ? ORDER BY g.uid, s.idx`,
        )
        .all(o['set']) as Array<{
        uid: string;
        idx: number;
        score: number | null;
        error: string | null;
        components: string | null;
        rationale: string | null;
      }>;
      assert.deepEqual(
        rows.map((r) => [r.uid, r.idx, r.score, r.components === null ? null : (JSON.parse(r.components) as unknown)]),
        [
          ['g1', 0, 0, { reference: 1, reference_logged: 1 }],
          ['g1', 1, 1, { reference: 0, votes: 2, wins: 2, losses: 0, ties: 0, unreadable: 0, score: 8, against_score: 5 }],
          ['g1', 2, -1, { reference: 0, votes: 2, wins: 1, losses: 0, ties: 1, unreadable: 1, score: 7, against_score: 6 }],
          ['g1', 3, 1, { reference: 0, votes: 2, wins: 2, losses: 0, ties: 0, unreadable: 0, score: 9, against_score: 4 }],
          ['g3', 0, 1, { reference: 0, votes: 2, wins: 2, losses: 0, ties: 0, unreadable: 0, score: 9, against_score: 4 }],
          ['g3', 1, -1, { reference: 0, votes: 2, wins: 1, losses: 0, ties: 1, unreadable: 0, score: 7.5, against_score: 6.5 }],
          ['g3', 2, 1, { reference: 0, votes: 2, wins: 2, losses: 0, ties: 0, unreadable: 0, score: 8, against_score: 6 }],
          ['g3', 3, 0, { reference: 1, reference_logged: 0 }],
          ['g4', 0, 0, { reference: 1, reference_logged: 0 }],
          ['g4', 1, null, null],
        ],
      );
      assert.equal(rows[0]!.rationale, 'sample 0 is the logged reference');
      assert.equal(rows[7]!.rationale, 'sample 3 is the reference chosen from the group uid');
      assert.match(
        rows[2]!.rationale ?? '',
        /^against sample 0 \(the logged reference\); verdict −1; 1 unreadable\n\n\[1: ab\] unreadable reply, counted as a tie\nI cannot compare/,
      );
      assert.match(rows[9]!.error ?? '', /HTTP 400: no recorded reply/);
    } finally {
      store.close();
    }
  });

  it('the same spec and selection again reuses the set without calling the judge', async () => {
    const before = judge.requests;
    const { out } = await runCli({ db, run: 'w', reward: spec, step: '1' });
    assert.equal((out as { reused: boolean }).reused, true);
    assert.equal(judge.requests, before);
  });

  it('a lower τ changes which groups are dropped', () => {
    const store = Store.open(db);
    try {
      const set = store.db.prepare('SELECT id FROM rescore_sets ORDER BY id LIMIT 1').pluck().get() as number;
      // τ = 0.2: g1's new skew 1/4 > 0.2 → dropped (all 0 against logged [0, 1, −1, −1]: 3 signs change);
      // g3's too (all 0, as logged). Dropped 1 → 2.
      const c = comparePairwise(store, set, { tau: 0.2 });
      assert.deepEqual([c.dropped_before, c.dropped_after, c.delta_dropped], [1, 2, 1]);
      assert.deepEqual(c.flips, { advantage_sign: 0, advantage_sign_changed: 3 });
    } finally {
      store.close();
    }
  });

  it('one selected sample is judged alone, with its group as context', async () => {
    const before = judge.requests;
    const store = Store.open(db);
    try {
      const r = await rescore(store, { run: 'w', spec, selection: { step: 1, group: 'g3', index: 1 }, trusted: true });
      assert.deepEqual([r.samples, r.scored, r.errors], [1, 1, 0]);
      assert.equal(judge.requests - before, 2);
      assert.deepEqual(store.db.prepare('SELECT score FROM rescore_results WHERE set_id = ?').pluck().all(r.set), [-1]);
    } finally {
      store.close();
    }
  });

  it('voting = 2 per order: 3 wins of 4 is −1 under rule all and +1 under majority', async () => {
    const store = Store.open(db);
    try {
      const scores: number[] = [];
      for (const rule of ['all', 'majority']) {
        const r = await rescore(store, {
          run: 'w',
          spec: spec.replace('pairwise-judge(', `pairwise-judge:${rule}(voting=2, `),
          selection: { step: 2 },
          trusted: true,
        });
        scores.push(
          store.db
            .prepare('SELECT score FROM rescore_results r JOIN samples s ON s.id = r.sample_id WHERE r.set_id = ? AND s.idx = 1')
            .pluck()
            .get(r.set) as number,
        );
      }
      assert.deepEqual(scores, [-1, 1]);
    } finally {
      store.close();
    }
  });

  it('bad settings are refused before any call', async () => {
    assert.throws(
      () => parseRewardSpec('pairwise-judge(url="http://127.0.0.1:1", model=m, voting=0)'),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput && /voting/.test(e.message),
    );
    assert.throws(
      () => parseRewardSpec('pairwise-judge:half(url="http://127.0.0.1:1", model=m)'),
      /no variant "half"; use one of all, majority/,
    );
    await assert.rejects(
      runCli({ db, run: 'w', reward: 'math', tau: '0.5' }),
      (e: unknown) => e instanceof UsageError && /--tau applies to a pairwise-judge/.test(e.message),
    );
  });
});
