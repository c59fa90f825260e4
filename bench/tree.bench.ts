// P2T + TEMPO benchmark (docs/architecture.md#performance: 64 × 8k tokens ≤ 40 ms). Times buildGroupTree — prefix tree,
// V(s)/δ, TEMPO token advantages and the radix-compressed node list with texts — at four response
// lengths, to show the cost is linear in total tokens. Figures are medians; nothing here asserts time.
import { buildGroupTree } from '../src/core/analysis/groupTree';
import type { TokenizedResponse } from '../src/core/tokenize/tokenSource';

const G = 64;
const LIMIT_MS = 40;
const SIZES = [1024, 2048, 4096, 8192];
const VOCAB = 151_936; // Qwen2.5's vocabulary size

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic group: every response copies an earlier one up to a split point, then samples on its
 * own, so the group shares an opening and forks at a handful of places (most forks early, as when
 * sampling at temperature 1). Rewards are 0/1.
 */
function makeGroup(tokens: number, seed: number): Array<{ reward: number; tokens: TokenizedResponse }> {
  const rnd = prng(seed);
  const pieces = Array.from({ length: 4096 }, (_, i) => (i % 7 === 0 ? ' ' : '') + i.toString(36));
  const out: Array<{ reward: number; tokens: TokenizedResponse }> = [];
  for (let i = 0; i < G; i++) {
    const ids = new Array<number>(tokens);
    let from = 0;
    if (i > 0) {
      const parent = out[Math.floor(rnd() * out.length)]?.tokens.ids as number[];
      from = Math.floor(tokens * (0.02 + 0.6 * rnd() * rnd()));
      for (let t = 0; t < from; t++) ids[t] = parent[t] as number;
    }
    for (let t = from; t < tokens; t++) ids[t] = Math.floor(rnd() * VOCAB);
    out.push({
      reward: rnd() < 0.4 ? 1 : 0,
      tokens: {
        ids,
        texts: ids.map((id) => pieces[id % pieces.length] as string),
        exact: true,
        source: 'logged',
      },
    });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function run(opts: { quick: boolean }): Promise<{ tree: Record<string, unknown> }> {
  const runs = opts.quick ? 5 : 21;
  const sizes: Array<Record<string, number>> = [];
  let at8k = NaN;
  // Warm the JIT once on a mid-size group so the first size measured is not the cold one.
  const warm = makeGroup(2048, 1);
  for (let w = 0; w < 10; w++) buildGroupTree('warm', warm);
  for (const tokens of SIZES) {
    const group = makeGroup(tokens, tokens);
    let nodes = 0;
    for (let w = 0; w < 3; w++) nodes = buildGroupTree('bench', group).nodes.length; // JIT warm-up
    const times: number[] = [];
    // Smaller groups get more runs, so each size is sampled over a similar span of time and GC.
    for (let r = 0; r < runs * (8192 / tokens); r++) {
      const t0 = performance.now();
      buildGroupTree('bench', group);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    const total = G * tokens;
    sizes.push({
      tokens_per_response: tokens,
      total_tokens: total,
      median_ms: round(ms),
      tokens_per_ms: Math.round(total / ms),
      nodes,
    });
    if (tokens === 8192) at8k = ms;
    await new Promise((resolve) => setImmediate(resolve)); // let a caller's progress output through
  }
  return {
    tree: {
      what: 'buildGroupTree: P2T + V/δ + TEMPO token advantages + radix nodes with texts, G = 64',
      runs,
      sizes,
      median_ms: round(at8k),
      limit_ms: LIMIT_MS,
      ratio_to_limit: round(at8k / LIMIT_MS),
    },
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

// `node --import tsx bench/tree.bench.ts [--quick]` prints the figures on their own.
if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
