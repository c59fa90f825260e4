// Fixture data for the webview tests and the benchmark, built with the real analysis code and the
// real DTO converters: a G × T-token group whose token texts and responses carry hostile strings,
// 10k steps of statistics, and a re-score comparison.
import { buildGroupTree } from '../../src/core/analysis/groupTree';
import { preview, type GroupRef, type SampleDetail, type SampleRow } from '../../src/shared/explorer';
import { outcomeAdvantageValues } from '../../src/shared/advantages';
import { DIFFICULTY_BUCKETS, toStepColumns, type DashboardSnapshot, type StepStatsRow } from '../../src/shared/protocol/webviews/dashboard';
import { GroupMessages, toGroupTreeView, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { RescoreComparison } from '../../src/shared/protocol/webviews/rescore';
import { prng } from '../helpers';

/** Strings a model could write that would run code if a view treated text as HTML or links. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  img: '<img src=x onerror="window.__pwned = \'img\'">',
  link: '<a href="javascript:window.__pwned=\'link\'">click me</a> [md](javascript:window.__pwned=1)',
  mathHref: '$\\href{javascript:window.__pwned=1}{x}$',
  style: '<style>body{display:none}</style>',
} as const;
export const HOSTILE_TEXT = Object.values(HOSTILE).join(' ');

export const GROUP_REF: GroupRef = { run: 'bench-run', split: 'train', step: 7, group: 'uid-0001' };

export interface GroupFixture {
  snapshot: GroupSnapshot;
  details: Map<number, SampleDetail>;
  /** Full node texts by id (the snapshot carries previews). */
  nodeTexts: Map<number, string>;
  json: string;
}

/** Answers the group view's requests the way the panel host does. */
export function answerGroup(fx: GroupFixture): (method: string, params: unknown) => unknown {
  return (method, params) => {
    if (method === GroupMessages.sample.method) return fx.details.get((params as { index: number }).index);
    if (method === GroupMessages.nodeTexts.method) {
      return Object.fromEntries(
        (params as { ids: number[] }).ids.filter((id) => fx.nodeTexts.has(id)).map((id) => [String(id), fx.nodeTexts.get(id)]),
      );
    }
    throw new Error(`unexpected request ${method}`);
  };
}

/** G responses of `tokens` tokens that share an opening, fork mostly early, and carry hostile tokens. */
export function groupFixture(opts: { g: number; tokens: number; seed?: number; exact?: boolean; longIndex?: number }): GroupFixture {
  const rnd = prng(opts.seed ?? 7);
  const pieces = Array.from({ length: 4096 }, (_, i) => (i % 7 === 0 ? ' ' : '') + i.toString(36));
  pieces[1] = HOSTILE.script;
  pieces[2] = HOSTILE.img;
  pieces[3] = ' wait, ';
  pieces[4] = '\n';
  const ids: number[][] = [];
  for (let i = 0; i < opts.g; i++) {
    const row = new Array<number>(opts.tokens);
    let from = 0;
    if (i > 0) {
      const parent = ids[Math.floor(rnd() * ids.length)] as number[];
      from = Math.floor(opts.tokens * (0.02 + 0.6 * rnd() * rnd()));
      for (let t = 0; t < from; t++) row[t] = parent[t] as number;
    }
    for (let t = from; t < opts.tokens; t++) row[t] = 5 + Math.floor(rnd() * 4000);
    // A shared, hostile opening: the root's child node text carries the attack strings.
    row[0] = 1;
    row[1] = 2;
    row[2] = 3;
    row[3] = 4;
    ids.push(row);
  }
  const rewards = ids.map(() => (rnd() < 0.45 ? 1 : 0));
  const tree = buildGroupTree(
    GROUP_REF.group,
    ids.map((row, i) => ({
      reward: rewards[i] as number,
      tokens: {
        ids: row,
        texts: row.map((id) => pieces[id] as string),
        exact: opts.exact ?? true,
        source: opts.exact === false ? 'approximate' : 'logged',
      },
    })),
  );
  const grpo = outcomeAdvantageValues(rewards, 'grpo');
  const details = new Map<number, SampleDetail>();
  const samples = ids.map((row, i): SampleRow & { components: Record<string, number> } => {
    const truncated = i % 9 === 4;
    let response = row.map((id) => pieces[id]).join('');
    if (i === 0) response = `${HOSTILE_TEXT}\nSo $\\frac{1}{2} + x^2$ and $$\\int_0^1 x\\,dx$$ wait, let me recheck.\n${response}`;
    if (i === opts.longIndex) response = 'A very long response. '.repeat(Math.ceil(100_000 / 22)) + response;
    const hits = [...response.matchAll(/\bwait\b|\brecheck\b/g)].map((m) => ({
      keyword: m[0],
      start: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
    }));
    const components = { correctness: rewards[i] as number, format: i % 3 === 0 ? 0.1 : 0.2, ...(truncated ? { overlong: -0.5 } : {}) };
    const reward = rewards[i] as number;
    details.set(i, {
      ...GROUP_REF,
      index: i,
      prompt: `Solve: what is ${i}+1? ${HOSTILE.script}`,
      response,
      reward,
      advantage: grpo[i] as number,
      advantage_source: 'grpo',
      components,
      rationale:
        i % 2 === 0
          ? `The boxed answer is \\boxed{${i}}. ${HOSTILE.img}`
          : { math: `Equivalent: $x = ${i}$ ${HOSTILE.link}`, format: 'ok' },
      ground_truth: `${i + 1} ${HOSTILE.mathHref}`,
      correct: reward > 0,
      success: reward > 0,
      finish_reason: truncated ? 'length' : 'stop',
      length_tokens: opts.tokens,
      length_chars: response.length,
      reflection_count: hits.length,
      reflection_hits: hits,
      data_source: 'fixture',
      has_token_ids: true,
      meta: null,
    });
    return {
      index: i,
      reward,
      advantage: grpo[i] as number,
      advantage_source: 'grpo',
      correct: reward > 0,
      success: reward > 0,
      finish_reason: truncated ? 'length' : 'stop',
      length: opts.tokens,
      length_unit: 'tokens',
      reflection_count: hits.length,
      preview: preview(response),
      components,
    };
  });
  const snapshot: GroupSnapshot = {
    ref: GROUP_REF,
    prompt: `Solve the problem. ${HOSTILE_TEXT}`,
    ground_truth: `42 ${HOSTILE.script}`,
    success_rule: 'the logged verdict',
    samples,
    tree: toGroupTreeView(tree),
    tree_error: null,
    tokens: null,
    media: null,
    game: null,
    timeline: null,
    judging: null,
    labels: { group: [], samples: [] },
    estimator: 'grpo',
  };
  return { snapshot, details, nodeTexts: new Map(tree.nodes.map((n) => [n.id, n.text])), json: JSON.stringify(snapshot) };
}

/** `steps` training steps of plausible statistics (reward rising, length growing, an "aha" bump). */
export function stepRows(steps: number, seed = 3): StepStatsRow[] {
  const rnd = prng(seed);
  const rows: StepStatsRow[] = [];
  for (let s = 0; s < steps; s++) {
    const p = s / Math.max(1, steps - 1);
    const reward = Math.min(1, 0.1 + 0.7 * p + 0.05 * (rnd() - 0.5));
    const buckets = [0.3 * (1 - p), 0.2 * (1 - p), 0.3, 0.1 + 0.2 * p, 0.1 + 0.3 * p];
    rows.push({
      step: s,
      split: 'train',
      samples: 512,
      groups: 64,
      reward_mean: reward,
      reward_std: 0.3,
      mean_length: 300 + 600 * p + 30 * rnd(),
      length_unit: 'tokens',
      effective_gradient_ratio: 0.4 + 0.3 * Math.sin(p * 3) * rnd(),
      clip_ratio: 0.02 + 0.05 * p * rnd(),
      difficulty: Object.fromEntries(DIFFICULTY_BUCKETS.map((b, i) => [b, Math.round(64 * (buckets[i] as number))])),
      mean_length_correct: 280 + 500 * p,
      mean_length_wrong: 350 + 700 * p,
      mean_length_stopped: 300 + 550 * p,
      reflection: {
        mean_per_response: 0.2 + 2 * p * p,
        share_responses: Math.min(1, 0.05 + 0.6 * p * p),
        share_groups: Math.min(1, 0.2 + 0.7 * p),
      },
      pass_at_k: { '1': reward, '4': Math.min(1, reward * 1.5), '8': Math.min(1, reward * 1.8) },
    });
  }
  return rows;
}

export function dashboardFixture(steps: number, extras: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  const rows = stepRows(steps);
  const series = (f: (s: number) => number): Array<[number, number | null]> => rows.map((r) => [r.step, f(r.step)]);
  return {
    run: 'bench-run',
    success_rule: 'correctness component > 0',
    train: toStepColumns(rows),
    val: null,
    metric_keys: ['rewards/correctness/mean', 'rewards/format/mean', 'loss', 'kl', 'grad_norm', 'learning_rate'],
    series: {
      'rewards/correctness/mean': series((s) => (rows[s]?.reward_mean ?? 0) * 0.9),
      'rewards/format/mean': series(() => 0.2),
    },
    picked: [],
    live: false,
    ...extras,
  };
}

export function rescoreFixture(changed: number): RescoreComparison {
  const rnd = prng(11);
  return {
    set: { id: 'set-3', spec: 'math:boxed,strict', status: 'complete' },
    agreement: 0.93,
    confusion: { tp: 400, fp: 12, fn: 25, tn: 563 },
    flips: { correctness: 37, advantage_sign: 21 },
    per_step: Array.from({ length: 50 }, (_, s) => ({
      step: s,
      mean_before: 0.4 + s / 200,
      mean_after: 0.38 + s / 190,
      egr_before: 0.5,
      egr_after: 0.5 + (rnd() - 0.5) / 10,
    })),
    samples: Array.from({ length: changed }, (_, i) => {
      const before = i % 2;
      // Every fifth sample keeps its verdict but gets partial credit; the others flip.
      const after = i % 5 === 1 ? before + 0.25 : 1 - before;
      return {
        ref: {
          run: 'bench-run',
          split: 'train' as const,
          step: i % 50,
          group: `uid-${(i % 17).toString().padStart(4, '0')}`,
          index: i % 8,
        },
        before,
        after,
        delta: after - before,
        flipped: i % 5 !== 1,
        rationale:
          i === 0 ? `Verifier says ${HOSTILE_TEXT}` : `The final answer ${after ? 'matches' : 'does not match'} $\\frac{${i}}{2}$.`,
      };
    }),
  };
}
