// A group snapshot built the way the panel host builds it (src/extension/webviews/groupPanel.ts),
// from native JSONL ingested through the real Ingestor into a real SQLite file: sampler and
// trainer logprobs with gaps, entropy, token strings, a multi-turn sample, and a group with none.
import { describeSuccessRule } from '../../src/shared/success';
import { runSuccessRule } from '../../src/core/store/successStore';
import * as path from 'node:path';
import { Ingestor } from '../../src/core/ingest/ingestor';
import { getSample, listSamples } from '../../src/core/store/reads';
import { groupTree } from '../../src/core/store/groupTrees';
import { Store } from '../../src/core/store/store';
import { groupTokenStats, sampleTokens } from '../../src/core/store/tokenStore';
import type { GroupRef, SampleDetail } from '../../src/shared/explorer';
import { GroupMessages, toGroupTreeView, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { SampleTokens } from '../../src/shared/tokenSignals';
import { tempDir, writeJsonl } from '../helpers';

export const TURNS = [
  { role: 'user', content: 'Compute 2+2 with the tool.\n', trained: false },
  { role: 'assistant', content: 'Calling it. <tool_call>{"name":"calc","args":"2+2"}</tool_call>\n', trained: true },
  { role: 'tool', content: '<script>window.__pwned=1</script>4\n', trained: false },
  { role: 'assistant', content: 'The answer is 4.', trained: true },
];

export interface TokenGroupFixture {
  snapshot: GroupSnapshot;
  json: string;
  details: Map<number, SampleDetail>;
  tokens: Map<number, SampleTokens>;
  nodeTexts: Map<number, string>;
}

export async function tokenStore(): Promise<Store> {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    {
      step: 3,
      group: 'g',
      prompt: 'What is 2+2?',
      response: 'The answer is 4.',
      reward: 1,
      response_ids: [10, 11, 12, 13, 14],
      response_tokens: ['The', ' answer', ' is', ' 4', '.'],
      logprobs: [-0.05, -0.5, null, -3, -6],
      train_logprobs: [-0.05, -0.25, -1, -2.5, -6.125],
      entropy: [0.05, 0.5, null, 1.5, 2],
    },
    {
      step: 3,
      group: 'g',
      prompt: 'What is 2+2?',
      response: 'Five.',
      reward: 0,
      response_ids: [20, 14],
      response_tokens: ['Five', '.'],
      logprobs: [-0.1, -0.2],
    },
    { step: 3, group: 'g', prompt: 'What is 2+2?', response: TURNS.map((t) => t.content).join(''), reward: 0, turns: TURNS },
    { step: 4, group: 'k', prompt: 'Plain', response: 'no logprobs here', reward: 1 },
    { step: 4, group: 'k', prompt: 'Plain', response: 'none here either', reward: 0 },
  ]);
  const store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'tok' }).ingestOnce();
  return store;
}

export function tokenGroupFixture(store: Store, ref: GroupRef): TokenGroupFixture {
  const rows = listSamples(store, ref);
  const details = new Map(rows.map((r) => [r.index, getSample(store, { ...ref, index: r.index })]));
  const tokens = new Map(rows.map((r) => [r.index, sampleTokens(store, { ...ref, index: r.index })]));
  const tree = groupTree(store, ref);
  const first = details.get(rows[0]!.index)!;
  const rule = runSuccessRule(store.db, store.requireRun(ref.run).id);
  const snapshot: GroupSnapshot = {
    ref,
    prompt: first.prompt,
    ground_truth: first.ground_truth,
    success_rule: describeSuccessRule(rule.rules, rule.threshold),
    samples: rows.map((r) => ({ ...r, components: details.get(r.index)?.components ?? null })),
    tree: toGroupTreeView(tree),
    tree_error: null,
    estimator: 'grpo',
    tokens: groupTokenStats(store, ref),
    media: null,
    game: null,
    timeline: null,
    judging: null,
    labels: { group: [], samples: [] },
  };
  return { snapshot, json: JSON.stringify(snapshot), details, tokens, nodeTexts: new Map(tree.nodes.map((n) => [n.id, n.text])) };
}

export function answerTokenGroup(fx: TokenGroupFixture): (method: string, params: unknown) => unknown {
  return (method, params) => {
    const index = (params as { index?: number }).index ?? -1;
    if (method === GroupMessages.sample.method) return fx.details.get(index);
    if (method === GroupMessages.tokens.method) return fx.tokens.get(index);
    if (method === GroupMessages.nodeTexts.method) {
      return Object.fromEntries(
        (params as { ids: number[] }).ids.filter((id) => fx.nodeTexts.has(id)).map((id) => [String(id), fx.nodeTexts.get(id)]),
      );
    }
    throw new Error(`unexpected request ${method}`);
  };
}
