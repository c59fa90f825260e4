// Multi-turn rollouts: per-turn token counts and tool calls, and reflection keywords counted and
// highlighted only in the policy's own (trained) turns, through the real Ingestor and SQLite.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { describeTurns } from '../../../src/core/analysis/turns';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { enrichPending } from '../../../src/core/store/enrich';
import { getSample, listGroups, listSamples } from '../../../src/core/store/reads';
import { searchText } from '../../../src/core/store/fts';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import { reflectionMatcher } from '../../../src/core/analysis/reflection';
import { tempDir, writeJsonl } from '../../helpers';

const TURNS = [
  { role: 'assistant', content: 'Let me check. <tool_call>{"name":"calc"}</tool_call>', trained: true },
  { role: 'tool', content: 'wait: result is 4\n', trained: false },
  { role: 'assistant', content: 'Wait, so it is 4.', trained: true },
];
const RESPONSE = TURNS.map((t) => t.content).join('');
let store: Store;

before(async () => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    { step: 1, group: 'g', prompt: 'p', response: RESPONSE, reward: 1, turns: TURNS },
    { step: 1, group: 'g', prompt: 'p', response: 'wait wait', reward: 0 },
  ]);
  store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
  await enrichPending(store, reflectionMatcher());
});

describe('multi-turn samples', () => {
  it('counts tokens per turn exactly when the logged token strings spell the turns', () => {
    const tokens = ['Let', ' me', ' check.', ' <tool_call>{"name":"calc"}</tool_call>', 'wait', ': result is 4\n', 'Wait', ', so it is 4.'];
    assert.deepEqual(
      describeTurns(TURNS as never, tokens).map((t) => [t.role, t.trained, t.tokens, t.tokens_exact, t.tool_calls]),
      [
        ['assistant', true, 4, true, 1],
        ['tool', false, 2, true, 0],
        ['assistant', true, 2, true, 0],
      ],
    );
    // Without token strings: the approximate word / whitespace / punctuation pieces ("Let", " ", "me", …).
    assert.deepEqual(
      describeTurns(TURNS as never).map((t) => [t.tokens, t.tokens_exact]),
      [
        [23, false],
        [9, false],
        [11, false],
      ],
    );
  });

  it('shows the turns in the sample detail', () => {
    const d = getSample(store, { run: 'r', split: 'train', step: 1, group: 'g', index: 0 });
    assert.deepEqual(
      d.turns?.map((t) => [t.role, t.trained, t.tool_calls]),
      [
        ['assistant', true, 1],
        ['tool', false, 0],
        ['assistant', true, 0],
      ],
    );
    assert.equal(getSample(store, { run: 'r', split: 'train', step: 1, group: 'g', index: 1 }).turns, null);
  });

  it('counts and highlights reflection keywords only in trained turns', () => {
    const d = getSample(store, { run: 'r', split: 'train', step: 1, group: 'g', index: 0 });
    const toolStart = TURNS[0]!.content.length;
    assert.deepEqual(
      d.reflection_hits.map((h) => h.start),
      [toolStart + TURNS[1]!.content.length],
    );
    const rows = listSamples(store, { run: 'r', split: 'train', step: 1, group: 'g' });
    assert.deepEqual(
      rows.map((r) => r.reflection_count),
      [1, 2],
    );
    // The group aggregate (enrich pass): 1 + 2 keywords, both samples reflect.
    const g = listGroups(store, { run: 'r', split: 'train', step: 1 }, { offset: 0, limit: 5, filter: { reflects: true } });
    assert.equal(g.rows[0]!.reflecting, 2);
  });

  it('text search finds only the policy’s own text: a match only in tool output is no hit', () => {
    const hits = (q: string): Array<[number, string]> => searchText(store, q).hits.map((h) => [h.index, h.snippet]);
    assert.deepEqual(hits('result'), []);
    assert.deepEqual(
      hits('calc').map(([i]) => i),
      [0],
    );
    assert.deepEqual(
      hits('wait')
        .map(([i]) => i)
        .sort(),
      [0, 1],
    );
    const ref = { run: 'r', split: 'train' as const, step: 1 };
    assert.deepEqual(listGroups(store, ref, { offset: 0, limit: 5, filter: { text: 'result' } }).rows, []);
    assert.deepEqual(
      listSamples(store, { ...ref, group: 'g' }, { filter: { text: 'check' } }).map((r) => r.index),
      [0],
    );
  });

  it('the prefix tree branches on trained tokens only; tool text sits on its edge as context', () => {
    const tree = groupTree(store, { run: 'r', split: 'train', step: 1, group: 'g' });
    assert.equal(
      tree.nodes.some((n) => n.text.includes('result')),
      false,
    );
    assert.equal(
      tree.decision_tokens.some((d) => d.text.includes('result')),
      false,
    );
    const withContext = tree.nodes.filter((n) => n.context);
    assert.equal(withContext.length, 1);
    const node = withContext[0]!;
    // Turn 1 is 23 approximate pieces: the tool turn comes in after trained token 23, on sample 0's own edge.
    assert.deepEqual(node.context, [{ at: 23, role: 'tool', text: 'wait: result is 4\n', samples: [0] }]);
    assert.deepEqual([node.depth, node.samples], [0, [0]]);
  });
});
