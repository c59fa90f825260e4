// The prefix tree (P2T) of a group and TEMPO's per-token advantages (docs/algorithms.md#tempo, a port of
// fatebreaker/tempo compute_tempo_outcome_advantage in trie form).
//
// The tree is built radix-compressed from the start: a node is a maximal run of tokens shared by the
// same set of responses, stored as (response, offset, length) into that response's ids, never as
// per-token objects. Inside a run D(s) does not change, so δ = 0 there and the per-token trie of the
// spec is recovered exactly: δ sits only on the first token of each run. Building touches every token
// once (one comparison each): O(total tokens) time, O(G) nodes (at most 2G).
import { ADVANTAGE_EPS, allEqual, checkRewards, groupMoments } from './advantages';
import { mean, sampleStd } from './stepMetrics';

export class PrefixTree {
  /** Node 0 is the root (the empty response prefix, docs/algorithms.md#tempo); its run is empty. */
  readonly parent: number[] = [-1];
  /** Token offset where the node's run starts (= length of the parent's prefix). */
  readonly start: number[] = [0];
  /** Number of tokens in the node's run (the edge into it). */
  readonly length: number[] = [0];
  /** A response whose ids hold the run at [start, start + length). */
  readonly rep: number[] = [0];
  /** |D(s)|: responses through the node, and the sum of their rewards. */
  readonly count: number[] = [0];
  readonly rewardSum: number[] = [0];
  /** Responses that end exactly at the node's last token. */
  readonly ending: number[] = [0];
  readonly children: number[][] = [[]];
  /** The node where each response ends (its path is that node's ancestors). */
  readonly endNode: Int32Array;

  private constructor(
    readonly sequences: ReadonlyArray<ArrayLike<number>>,
    readonly rewards: readonly number[],
  ) {
    this.endNode = new Int32Array(sequences.length);
  }

  static build(sequences: ReadonlyArray<ArrayLike<number>>, rewards: readonly number[]): PrefixTree {
    const tree = new PrefixTree(sequences, rewards);
    for (let i = 0; i < sequences.length; i++) tree.insert(i);
    return tree;
  }

  get size(): number {
    return this.parent.length;
  }

  /** V(s): mean reward of the responses through the node. */
  value(node: number): number {
    return (this.rewardSum[node] as number) / (this.count[node] as number);
  }

  /** Prefix length at the node's last token (its depth in tokens). */
  end(node: number): number {
    return (this.start[node] as number) + (this.length[node] as number);
  }

  /** The nodes on a response's path, root excluded, from the root down. */
  path(response: number): number[] {
    const out: number[] = [];
    for (let n = this.endNode[response] as number; n > 0; n = this.parent[n] as number) out.push(n);
    return out.reverse();
  }

  private newNode(parent: number, start: number, length: number, rep: number, count: number, sum: number): number {
    const id = this.parent.length;
    this.parent.push(parent);
    this.start.push(start);
    this.length.push(length);
    this.rep.push(rep);
    this.count.push(count);
    this.rewardSum.push(sum);
    this.ending.push(0);
    this.children.push([]);
    return id;
  }

  /** Cuts node c after k tokens: a new node takes the first k and c's place under its parent. */
  private split(c: number, k: number): number {
    const p = this.parent[c] as number;
    const m = this.newNode(p, this.start[c] as number, k, this.rep[c] as number, this.count[c] as number, this.rewardSum[c] as number);
    const siblings = this.children[p] as number[];
    siblings[siblings.indexOf(c)] = m;
    (this.children[m] as number[]).push(c);
    this.parent[c] = m;
    this.start[c] = (this.start[c] as number) + k;
    this.length[c] = (this.length[c] as number) - k;
    return m;
  }

  private add(node: number, reward: number): void {
    this.count[node] = (this.count[node] as number) + 1;
    // Sums grow in insertion order at every node, so equal sets give bit-equal sums and δ is exactly 0.
    this.rewardSum[node] = (this.rewardSum[node] as number) + reward;
  }

  private insert(i: number): void {
    const t = this.sequences[i] as ArrayLike<number>;
    const r = this.rewards[i] as number;
    const n = t.length;
    let node = 0;
    let pos = 0;
    this.add(0, r);
    while (pos < n) {
      const tok = t[pos];
      let child = -1;
      for (const c of this.children[node] as number[]) {
        if ((this.sequences[this.rep[c] as number] as ArrayLike<number>)[this.start[c] as number] === tok) {
          child = c;
          break;
        }
      }
      if (child < 0) {
        child = this.newNode(node, pos, n - pos, i, 0, 0);
        (this.children[node] as number[]).push(child);
        this.add(child, r);
        node = child;
        break;
      }
      const s = this.sequences[this.rep[child] as number] as ArrayLike<number>;
      const base = this.start[child] as number;
      const len = this.length[child] as number;
      const lim = Math.min(len, n - pos);
      let k = 1;
      while (k < lim && s[base + k] === t[pos + k]) k++;
      if (k < len) child = this.split(child, k);
      this.add(child, r);
      node = child;
      pos += k;
    }
    this.ending[node] = (this.ending[node] as number) + 1;
    this.endNode[i] = node;
  }
}

export interface TempoOptions {
  /** Divide by (s + ε). Default true. */
  norm?: boolean;
  eps?: number;
  /** Coefficient on the TD term δ: 1 in the official code (the paper discusses it in its section 3). */
  tdCoef?: number;
}

export interface TempoResult {
  /** The mean and std the advantages used (0 and 1 for a singleton, the GRPO fallback). */
  mean: number;
  std: number | null;
  singleton: boolean;
  /** V(s) and δ = V(s) − V(parent) per node (δ = 0 at the root). */
  values: Float64Array;
  deltas: Float64Array;
  /** GRPO's sequence advantage (R − μ)/(s + ε), i.e. the token advantage where δ = 0. */
  sequenceAdvantages: number[];
  tokenAdvantages: number[][];
}

/**
 * TEMPO token advantages A_{i,t} = (R_i − μ + λδ_{i,t})/(s + ε) over a built tree. G = 1 falls back
 * to the GRPO singleton rule (the official code gives NaN); an all-equal group gives exactly 0.
 */
export function tempoAdvantages(tree: PrefixTree, opts: TempoOptions = {}): TempoResult {
  const rewards = tree.rewards;
  const g = rewards.length;
  const norm = opts.norm ?? true;
  const eps = opts.eps ?? ADVANTAGE_EPS;
  const lambda = opts.tdCoef ?? 1;
  const singleton = g === 1;
  const flat = singleton || allEqual(rewards);
  let mu: number;
  let s: number;
  if (flat) ({ mean: mu, std: s } = groupMoments(rewards));
  else {
    mu = mean(rewards);
    s = sampleStd(rewards, mu);
  }
  const values = new Float64Array(tree.size);
  const deltas = new Float64Array(tree.size);
  for (let n = 0; n < tree.size; n++) values[n] = flat ? (rewards[0] as number) : tree.value(n);
  if (!flat) for (let n = 1; n < tree.size; n++) deltas[n] = (values[n] as number) - (values[tree.parent[n] as number] as number);

  const div = norm ? s + eps : 1;
  const sequenceAdvantages = new Array<number>(g);
  const tokenAdvantages = new Array<number[]>(g);
  for (let i = 0; i < g; i++) {
    const centred = (rewards[i] as number) - mu;
    const a = centred / div;
    sequenceAdvantages[i] = a;
    const row = new Array<number>((tree.sequences[i] as ArrayLike<number>).length).fill(a);
    if (!flat) {
      for (let n = tree.endNode[i] as number; n > 0; n = tree.parent[n] as number) {
        const d = deltas[n] as number;
        if (d !== 0) row[tree.start[n] as number] = (centred + lambda * d) / div;
      }
    }
    tokenAdvantages[i] = row;
  }
  return {
    mean: mu,
    std: norm ? s : singleton ? null : s,
    singleton,
    values,
    deltas,
    sequenceAdvantages,
    tokenAdvantages,
  };
}

/** Convenience: checks the rewards, builds the tree and returns TEMPO's token advantages. */
export function tempoTokenAdvantages(
  uid: string,
  group: ReadonlyArray<{ reward: number; ids: ArrayLike<number> }>,
  opts: TempoOptions = {},
): TempoResult {
  const rewards = group.map((x) => x.reward);
  checkRewards(uid, rewards);
  return tempoAdvantages(
    PrefixTree.build(
      group.map((x) => x.ids),
      rewards,
    ),
    opts,
  );
}
