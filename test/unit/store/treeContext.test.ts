// Tool / environment text on the prefix tree's edges: a multi-turn group's tree is the tree of its
// trained text alone (same nodes, decisions and branch points), and each untrained turn sits, as
// context, on the edge the policy was on when the turn came in. Through the real Ingestor and SQLite.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import type { GroupTree } from '../../../src/shared/tree';
import { tempDir, writeJsonl } from '../../helpers';

const CALL = { role: 'assistant', content: 'Let me call. <tool_call>x</tool_call>', trained: true };
const SAMPLES = [
  {
    reward: 1,
    turns: [CALL, { role: 'tool', content: 'out one\n', trained: false }, { role: 'assistant', content: ' So yes.', trained: true }],
  },
  {
    reward: 0,
    turns: [CALL, { role: 'tool', content: 'out two\n', trained: false }, { role: 'assistant', content: ' So no.', trained: true }],
  },
  {
    reward: 1,
    turns: [
      CALL,
      { role: 'tool', content: 'out two\n', trained: false },
      { role: 'assistant', content: ' So no.', trained: true },
      { role: 'environment', content: 'final check', trained: false },
    ],
  },
];
let multi: GroupTree;
let plain: GroupTree;

before(async () => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  const trained = (ts: (typeof SAMPLES)[number]['turns']): string =>
    ts
      .filter((t) => t.trained)
      .map((t) => t.content)
      .join('');
  writeJsonl(file, [
    ...SAMPLES.map((s) => ({
      step: 1,
      group: 'm',
      prompt: 'p',
      response: s.turns.map((t) => t.content).join(''),
      reward: s.reward,
      turns: s.turns,
    })),
    // The same trained text with no turns: what the multi-turn tree must equal.
    ...SAMPLES.map((s) => ({ step: 1, group: 't', prompt: 'p', response: trained(s.turns), reward: s.reward })),
  ]);
  const store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
  multi = groupTree(store, { run: 'r', split: 'train', step: 1, group: 'm' });
  plain = groupTree(store, { run: 'r', split: 'train', step: 1, group: 't' });
  store.close();
});

describe('tool and environment text on prefix-tree edges', () => {
  it('branches on trained tokens only: nodes, decisions and branch points are those of the trained text', () => {
    const shape = (t: GroupTree): unknown => t.nodes.map((n) => [n.id, n.parent, n.depth, n.tokens, n.text, n.samples]);
    assert.deepEqual(shape(multi), shape(plain));
    assert.deepEqual(shape(multi), [
      [0, null, 0, 0, '', [0, 1, 2]],
      [1, 0, 0, 18, 'Let me call. <tool_call>x</tool_call> So ', [0, 1, 2]],
      [2, 1, 18, 2, 'yes.', [0]],
      [3, 1, 18, 2, 'no.', [1, 2]],
    ]);
    assert.deepEqual(
      multi.decision_tokens.map((d) => [d.node, d.text, d.depth]),
      plain.decision_tokens.map((d) => [d.node, d.text, d.depth]),
    );
    assert.equal(multi.decision_tokens.length, 2);
    assert.deepEqual(multi.branches, plain.branches);
    assert.equal(
      plain.nodes.some((n) => n.context),
      false,
    );
  });

  it('puts each untrained turn on the edge it came in on, with its role and responses', () => {
    assert.deepEqual(
      multi.nodes.filter((n) => n.context).map((n) => [n.id, n.text, n.context]),
      [
        // The shared first edge spans tokens 0–18; both tool outputs came after its 15th token
        // ("Let me call. <tool_call>x</tool_call>" is 15 word / space / punctuation pieces).
        [
          1,
          'Let me call. <tool_call>x</tool_call> So ',
          [
            { at: 15, role: 'tool', text: 'out one\n', samples: [0] },
            { at: 15, role: 'tool', text: 'out two\n', samples: [1, 2] },
          ],
        ],
        // The trailing environment turn of sample 2, after its last trained token (18 + 2).
        [3, 'no.', [{ at: 20, role: 'environment', text: 'final check', samples: [2] }]],
      ],
    );
    // Never a decision: no decision token or node text holds the tool or environment text.
    assert.equal(
      multi.decision_tokens.some((d) => /out|final/.test(d.text)),
      false,
    );
    assert.equal(
      multi.nodes.some((n) => /out|final/.test(n.text)),
      false,
    );
  });
});
