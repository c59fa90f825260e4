// Full texts of tree nodes, fetched from the host only for the nodes a user reads (the selected
// node, the path of a sample shown with token advantages): the snapshot carries previews.
import type { GroupTreeNodeView } from '../../src/shared/protocol/webviews/group';

export class NodeTextCache {
  private full = new Map<number, string>();

  constructor(private readonly fetch: (ids: number[]) => Promise<Record<string, string>>) {}

  /** A new snapshot may come from new data: forget what was fetched. */
  reset(): void {
    this.full = new Map();
  }

  /** The node's full text, if the preview is all of it or it was fetched. */
  textOf(n: GroupTreeNodeView): string | undefined {
    return n.text_length === n.text.length ? n.text : this.full.get(n.id);
  }

  async ensure(nodes: readonly GroupTreeNodeView[]): Promise<void> {
    const missing = nodes.filter((n) => this.textOf(n) === undefined).map((n) => n.id);
    if (missing.length === 0) return;
    const got = await this.fetch(missing);
    for (const n of nodes) {
      const t = got[String(n.id)];
      if (typeof t === 'string') this.full.set(n.id, t);
    }
  }
}
