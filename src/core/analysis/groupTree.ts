// The group view's data: the radix-compressed prefix tree with V(s) and δ, TEMPO token advantages,
// decision tokens and branch statistics (docs/algorithms.md#tree-output). Also what `rollout-lens tree --json` prints.
import type { BranchPoint, DecisionToken, GroupTree, GroupTreeNode } from '../../shared/tree';
import type { TokenizedResponse } from '../tokenize/tokenSource';
import { checkRewards } from './advantages';
import { PrefixTree, tempoAdvantages, type TempoOptions } from './prefixTree';

export interface GroupTreeOptions extends TempoOptions {
  /** How many decision tokens to list (default 10). */
  decisions?: number;
}

function runText(texts: readonly string[], start: number, length: number): string {
  if (length === 1) return texts[start] ?? '';
  let s = '';
  for (let t = start; t < start + length; t++) s += texts[t] ?? '';
  // Reading a character makes V8 flatten the rope now, while its thousands of parts are young
  // garbage; kept as ropes, they survive into the old generation and GC dominates (measured ~10×).
  s.charCodeAt(0);
  return s;
}

/** Node ids in preorder (parents first, children in order of their first response), for rendering. */
function preorder(tree: PrefixTree): number[] {
  const order: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const n = stack.pop() as number;
    order.push(n);
    const ch = tree.children[n] as number[];
    for (let k = ch.length - 1; k >= 0; k--) stack.push(ch[k] as number);
  }
  return order;
}

function warningsFor(uid: string, responses: ReadonlyArray<{ tokens: TokenizedResponse }>): string[] {
  const w: string[] = [];
  const name = JSON.stringify(uid);
  if (responses.length === 1) {
    w.push(`group ${name} has one sample: TEMPO is undefined (std of one reward); advantages use the GRPO singleton rule R/(1+ε)`);
  }
  const sources = new Set(responses.map((r) => r.tokens.source));
  if (sources.has('approximate')) {
    w.push(`group ${name}: approximate P2T (no token ids or tokenizer): words and punctuation, values differ from training`);
  } else if (sources.has('tokenizer')) {
    w.push(`group ${name}: tokens re-tokenised from text with tokenizer.json; the tree can differ from what was sampled`);
  }
  return w;
}

/** Builds the group's tree, values, TEMPO advantages and summaries. Throws on non-finite rewards. */
export function buildGroupTree(
  uid: string,
  responses: ReadonlyArray<{ reward: number; tokens: TokenizedResponse }>,
  opts: GroupTreeOptions = {},
): GroupTree {
  const rewards = responses.map((r) => r.reward);
  checkRewards(uid, rewards);
  const tree = PrefixTree.build(
    responses.map((r) => r.tokens.ids),
    rewards,
  );
  const tempo = tempoAdvantages(tree, opts);

  const order = preorder(tree);
  const idOf = new Int32Array(tree.size);
  order.forEach((n, k) => (idOf[n] = k));

  const through: number[][] = Array.from({ length: tree.size }, () => []);
  let deltaTokens = 0;
  let totalTokens = 0;
  for (let i = 0; i < responses.length; i++) {
    totalTokens += (responses[i] as { tokens: TokenizedResponse }).tokens.ids.length;
    for (let n = tree.endNode[i] as number; n >= 0; n = tree.parent[n] as number) {
      (through[n] as number[]).push(i);
      if ((tempo.deltas[n] as number) !== 0) deltaTokens++;
    }
  }

  const nodes: GroupTreeNode[] = [];
  const branches: BranchPoint[] = [];
  const candidates: DecisionToken[] = [];
  for (const n of order) {
    const texts = (responses[tree.rep[n] as number] as { tokens: TokenizedResponse }).tokens.texts;
    const start = tree.start[n] as number;
    const length = tree.length[n] as number;
    const p = tree.parent[n] as number;
    const node: GroupTreeNode = {
      id: idOf[n] as number,
      parent: p < 0 ? null : (idOf[p] as number),
      depth: start,
      text: runText(texts, start, length),
      tokens: length,
      count: tree.count[n] as number,
      value: tempo.values[n] as number,
      delta: tempo.deltas[n] as number,
      samples: through[n] as number[],
    };
    const ch = tree.children[n] as number[];
    if (ch.length >= 2) {
      node.children_values = ch.map((c) => tempo.values[c] as number);
      branches.push({ node: node.id, depth: start + length, fan_out: ch.length });
    }
    nodes.push(node);
    if (node.delta !== 0 && p >= 0) {
      candidates.push({
        node: node.id,
        text: texts[start] ?? '',
        depth: start,
        delta: node.delta,
        value: node.value,
        parent_value: tempo.values[p] as number,
        count: node.count,
      });
    }
  }
  candidates.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.node - b.node);

  return {
    group: uid,
    exact: responses.every((r) => r.tokens.exact),
    mean: tempo.mean,
    std: tempo.std,
    nodes,
    samples: responses.map((r, i) => ({
      index: i,
      reward: r.reward,
      advantage: tempo.sequenceAdvantages[i] as number,
      token_advantages: tempo.tokenAdvantages[i] as number[],
    })),
    decision_tokens: candidates.slice(0, opts.decisions ?? 10),
    branches,
    delta_token_fraction: totalTokens > 0 ? deltaTokens / totalTokens : 0,
    warnings: warningsFor(uid, responses),
  };
}
