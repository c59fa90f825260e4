// Loading the group view: one engine request (views/group), then the host's own facts (settings).
// Without vscode, so the one-request rule is tested (test/unit/extension/groupViewLoad.test.ts).
import type { GroupRef } from '../../shared/explorer';
import type { MethodDescriptor } from '../../shared/protocol/methods';
import type { AdvantageEstimator } from '../../shared/protocol/webviews/advantages';
import type { GroupSnapshot } from '../../shared/protocol/webviews/group';
import { ViewMethods } from '../../shared/protocol/views';

/** The part of EngineClient this needs. */
export interface ViewEngine {
  request<P, R>(m: MethodDescriptor<P, R>, params: P, opts?: { signal?: AbortSignal }): Promise<R>;
}

export interface GroupViewSettings {
  clipEpsilon: number;
  advantageEstimator: AdvantageEstimator;
}

export interface LoadedGroupView {
  snapshot: GroupSnapshot;
  /** Full texts of the tree's nodes, by id (the snapshot carries previews). */
  nodeTexts: Map<number, string>;
}

export async function loadGroupView(
  engine: ViewEngine,
  ref: GroupRef,
  settings: GroupViewSettings,
  signal?: AbortSignal,
): Promise<LoadedGroupView> {
  const r = await engine.request(ViewMethods.group, { ...ref, epsilon: settings.clipEpsilon }, signal ? { signal } : {});
  return {
    snapshot: { ...r.view, estimator: settings.advantageEstimator },
    nodeTexts: new Map(Object.entries(r.node_texts).map(([id, text]) => [Number(id), text])),
  };
}
