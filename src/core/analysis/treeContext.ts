// Environment, tool and user text in a multi-turn group's prefix tree. The tree is built on the
// policy's trained tokens only, so these turns are never decisions; they are attached to the node
// whose run they follow (the edge the policy was on when the turn came in), as context to read.
import type { Turn } from '../../shared/rollout';
import type { GroupTree, TreeContext } from '../../shared/tree';
import { hasUntrainedTurns } from '../tokenize/trainedTurns';

/** Characters of a context turn kept on the node (the sample view has the whole turn). */
export const CONTEXT_PREVIEW = 240;

/**
 * `texts[i]` are sample i's token strings (as the tree used them, trained text only) and `turns[i]`
 * its turns. A turn's place is the number of trained tokens before it; when the token strings do
 * not spell the trained text (logged ids without strings) it cannot be placed and is skipped.
 */
export function attachContext(
  tree: GroupTree,
  texts: ReadonlyArray<readonly string[]>,
  turns: ReadonlyArray<readonly Turn[] | undefined>,
): void {
  const byNode = new Map<number, Map<string, TreeContext>>();
  turns.forEach((ts, i) => {
    if (!ts || !hasUntrainedTurns(ts)) return;
    const toks = texts[i] ?? [];
    const trainedLength = ts.reduce((k, t) => k + (t.trained ? t.content.length : 0), 0);
    if (toks.reduce((k, t) => k + t.length, 0) !== trainedLength) return;
    // Trained characters before each turn → trained tokens before it.
    const ends: number[] = [];
    let c = 0;
    for (const t of toks) ends.push((c += t.length));
    let chars = 0;
    const path = tree.nodes.filter((n) => n.samples.includes(tree.samples[i]!.index));
    for (const t of ts) {
      if (t.trained) {
        chars += t.content.length;
        continue;
      }
      let at = 0;
      while (at < ends.length && ends[at]! <= chars) at++;
      // The deepest node on the path whose run starts before `at` (the root for a leading turn).
      let node = path[0]!;
      for (const n of path) if (n.depth < at || (at === 0 && n.parent === null)) node = n;
      const text = t.content.length > CONTEXT_PREVIEW ? t.content.slice(0, CONTEXT_PREVIEW - 1) + '…' : t.content;
      const key = JSON.stringify([at, t.role, text]);
      const m = byNode.get(node.id) ?? new Map<string, TreeContext>();
      const hit = m.get(key) ?? { at, role: t.role, text, samples: [] };
      hit.samples.push(tree.samples[i]!.index);
      m.set(key, hit);
      byNode.set(node.id, m);
    }
  });
  for (const n of tree.nodes) {
    const m = byNode.get(n.id);
    if (m) n.context = [...m.values()].sort((a, b) => a.at - b.at || a.samples[0]! - b.samples[0]!);
  }
}
