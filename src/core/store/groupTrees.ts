// A stored group's prefix tree: its samples read once, tokenised by the best source available
// (logged ids > tokenizer.json > approximate), then analysis/groupTree.ts.
import type { GroupRef } from '../../shared/explorer';
import type { Turn } from '../../shared/rollout';
import type { GroupTree } from '../../shared/tree';
import { buildGroupTree, type GroupTreeOptions } from '../analysis/groupTree';
import { attachContext } from '../analysis/treeContext';
import { tokenizeGroup, type TokenSourceSample } from '../tokenize/tokenSource';
import type { TextTokenizer } from '../tokenize/tokenizerFile';
import { decodeInt32 } from './blobs';
import { requireGroupId } from './reads';
import type { Store } from './store';

export interface TreeRow {
  idx: number;
  reward: number;
  response: string;
  response_ids: Buffer | null;
  response_tokens: string | null;
  turns: string | null;
}

export type TreeOptions = GroupTreeOptions & {
  tokenizer?: TextTokenizer;
  /** Per stored index, the outcome to build the tree on instead of the reward (a judged estimator's). */
  outcomes?: ReadonlyMap<number, number>;
};

export function groupTree(store: Store, ref: GroupRef, opts: TreeOptions = {}): GroupTree {
  const gid = requireGroupId(store, ref);
  const rows = store.db
    .prepare('SELECT idx, reward, response, response_ids, response_tokens, turns FROM samples WHERE group_id = ? ORDER BY idx')
    .all(gid) as TreeRow[];
  return treeOfRows(ref, rows, opts);
}

/** The prefix tree of a group's rows, already read (in index order). */
export function treeOfRows(ref: GroupRef, rows: readonly TreeRow[], opts: TreeOptions = {}): GroupTree {
  const samples: TokenSourceSample[] = rows.map((r) => {
    const s: TokenSourceSample = { response: r.response };
    const ids = decodeInt32(r.response_ids);
    if (ids) s.responseIds = ids;
    if (r.response_tokens) s.responseTokens = JSON.parse(r.response_tokens) as string[];
    if (r.turns) s.turns = JSON.parse(r.turns) as Turn[];
    return s;
  });
  const tokens = tokenizeGroup(samples, opts.tokenizer ? { tokenizer: opts.tokenizer } : {});
  const tree = buildGroupTree(
    ref.group,
    rows.map((r, i) => ({ reward: opts.outcomes?.get(r.idx) ?? r.reward, tokens: tokens[i]! })),
    opts,
  );
  // The tree numbers responses by position; callers address samples by their stored index.
  const idx = (position: number): number => rows[position]?.idx ?? position;
  for (const s of tree.samples) s.index = idx(s.index);
  for (const n of tree.nodes) n.samples = n.samples.map(idx);
  attachContext(
    tree,
    tokens.map((t) => t.texts),
    samples.map((s) => s.turns),
  );
  return tree;
}
