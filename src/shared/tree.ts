// The group view's tree DTOs (what `rollout-lens tree --json` prints and the engine sends the
// webview): the radix-compressed prefix tree with V(s) and δ, TEMPO token advantages, decision tokens.

export interface GroupTreeNode {
  id: number;
  parent: number | null;
  /** Token offset where this node's run starts. */
  depth: number;
  /** The run's token texts, concatenated. */
  text: string;
  /** Tokens in the run (the edge into this node). */
  tokens: number;
  count: number;
  /** V(s): mean reward of the responses through the node. */
  value: number;
  /** V(s) − V(parent): the TD term carried by the run's first token. */
  delta: number;
  /** Indices of the responses through the node, ascending. */
  samples: number[];
  /** Branch nodes (≥ 2 children) only: V of each child, in child order. */
  children_values?: number[];
  /** Tool / environment / user turns that came in on this edge: shown, never a decision. */
  context?: TreeContext[];
}

/** A turn the policy was not trained on, placed after `at` trained tokens of the responses in `samples`. */
export interface TreeContext {
  at: number;
  role: 'assistant' | 'tool' | 'user' | 'environment';
  /** The turn's text, cut to a preview. */
  text: string;
  samples: number[];
}

export interface GroupTreeSample {
  index: number;
  reward: number;
  /** GRPO's sequence advantage, what TEMPO gives wherever δ = 0. */
  advantage: number;
  token_advantages: number[];
}

/** A branch edge ranked by |δ|: where good and bad responses parted ways. */
export interface DecisionToken {
  node: number;
  /** The text of the token carrying δ (the run's first token). */
  text: string;
  /** Token offset of that token. */
  depth: number;
  delta: number;
  value: number;
  parent_value: number;
  count: number;
}

export interface BranchPoint {
  node: number;
  /** Prefix length (tokens) at which the responses split. */
  depth: number;
  fan_out: number;
}

export interface GroupTree {
  group: string;
  /** True only when every response's tokens are logged ids; else this is an approximate P2T. */
  exact: boolean;
  mean: number;
  std: number | null;
  nodes: GroupTreeNode[];
  samples: GroupTreeSample[];
  decision_tokens: DecisionToken[];
  branches: BranchPoint[];
  /** Share of all response tokens with δ ≠ 0 (where TEMPO differs from GRPO). */
  delta_token_fraction: number;
  warnings: string[];
}
