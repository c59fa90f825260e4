// A sample's response as the prefix tree saw it: the node texts along its path, each underlined
// by its TEMPO token advantage. Within a node every token has the same advantage except the first,
// which carries δ = V(node) − V(parent); where its extent is known it gets its own mark, else a bar.
import type { GroupTreeNodeView, GroupTreeView, ValueRuns } from '../../src/shared/protocol/webviews/group';
import type { Mark } from '../shared/chunkedText';
import { fmt, signed } from '../shared/format';
import { diverging } from '../shared/theme';
import { counted } from '../../src/shared/text';

/** Token advantage at token t from run-length encoded values (binary search over run starts). */
export class RunLookup {
  private readonly starts: number[] = [];
  private readonly values: number[] = [];
  readonly length: number;
  readonly maxAbs: number;
  readonly mean: number;

  constructor(runs: ValueRuns) {
    let at = 0;
    let maxAbs = 0;
    let sum = 0;
    for (const [v, n] of runs) {
      this.starts.push(at);
      this.values.push(v);
      at += n;
      if (Number.isFinite(v)) {
        maxAbs = Math.max(maxAbs, Math.abs(v));
        sum += v * n;
      }
    }
    this.length = at;
    this.maxAbs = maxAbs;
    this.mean = at > 0 ? sum / at : NaN;
  }

  at(t: number): number {
    if (t < 0 || t >= this.length) return NaN;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo] as number;
  }
}

/** Does the node's ascending `samples` list contain i? */
export function passesThrough(node: { samples: readonly number[] }, i: number): boolean {
  const s = node.samples;
  let lo = 0;
  let hi = s.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = s[mid] as number;
    if (v === i) return true;
    if (v < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The nodes a sample passes through, root first (nodes are in preorder, so ancestors come first). */
export function pathOf(tree: GroupTreeView, index: number): GroupTreeNodeView[] {
  return tree.nodes.filter((n) => passesThrough(n, index));
}

/** `textOf` gives each path node's full text (fetched beforehand); null when one is missing. */
export function tokenMarks(
  tree: GroupTreeView,
  index: number,
  textOf: (n: GroupTreeNodeView) => string | undefined,
): { text: string; marks: Mark[] } | null {
  const sample = tree.samples.find((s) => s.index === index);
  if (!sample) return null;
  const adv = new RunLookup(sample.token_advantage_runs);
  const scale = adv.maxAbs > 0 ? adv.maxAbs : 1;
  const heat = (a: number): string => diverging(a / scale);
  const firstText = new Map(tree.decision_tokens.map((d) => [d.node, d.text]));
  const parts: string[] = [];
  const marks: Mark[] = [];
  let at = 0;
  for (const node of pathOf(tree, index)) {
    if (node.tokens === 0 || node.text_length === 0) continue;
    const text = textOf(node);
    if (text === undefined) return null;
    const start = at;
    const end = at + text.length;
    parts.push(text);
    at = end;
    const first = adv.at(node.depth);
    const rest = node.tokens > 1 ? adv.at(node.depth + 1) : first;
    const where = `tokens ${node.depth}–${node.depth + node.tokens - 1}, V ${fmt(node.value)}, δ ${signed(node.delta)}, ${counted(node.count, 'response')}`;
    const firstTitle = `first token: advantage ${signed(first)} (δ ${signed(node.delta)})`;
    if (node.tokens === 1 || first === rest) {
      marks.push({ start, end, cls: 'tok', heat: heat(first), title: `advantage ${signed(first)} · ${where}` });
      continue;
    }
    const lead = firstText.get(node.id);
    if (lead && text.startsWith(lead) && lead.length < text.length) {
      marks.push({ start, end: start + lead.length, cls: 'tok', heat: heat(first), title: `${firstTitle} · ${where}` });
      marks.push({ start: start + lead.length, end, cls: 'tok', heat: heat(rest), title: `advantage ${signed(rest)} · ${where}` });
      continue;
    }
    marks.push({
      start,
      end,
      cls: 'tok',
      heat: heat(rest),
      title: `advantage ${signed(rest)} after the first token · ${where}`,
      lead: heat(first),
      leadTitle: firstTitle,
    });
  }
  return { text: parts.join(''), marks };
}
