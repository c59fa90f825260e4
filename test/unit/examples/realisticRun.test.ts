// The realistic demo run's writer (examples/realistic-run): deterministic native JSONL with real
// tokenizer ids, G = 8 groups that branch at 7 points, reward components and tool-use turns.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { buildGroupTree } from '../../../src/core/analysis/groupTree';
import { loadTokenizer } from '../../../src/core/tokenize/tokenizerFile';
import { tokenizeGroup } from '../../../src/core/tokenize/tokenSource';
import { ROOT, tempDir } from '../../helpers';

interface Row {
  step: number;
  group: string;
  index: number;
  response?: string;
  reward: number;
  components: Record<string, number>;
  finish_reason: string;
  response_ids: number[];
  response_tokens?: string[];
  logprobs: number[];
  train_logprobs: number[];
  turns?: Array<{ role: string; content: string; trained: boolean }>;
}

function write(steps: number): { dir: string; rows: Row[] } {
  const dir = tempDir('rl-realistic-');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'examples/realistic-run/writer.mjs'), `--out=${dir}/output`, `--steps=${steps}`, '--interval-ms=0'],
    { stdio: 'pipe' },
  );
  const rows = fs
    .readFileSync(path.join(dir, 'output', 'rollouts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  return { dir, rows };
}

describe('realistic demo run writer', () => {
  const { dir, rows } = write(3);

  test('3 steps of 4 groups of 8, written twice, are the same bytes', () => {
    assert.equal(rows.length, 96);
    assert.deepEqual([...new Set(rows.map((r) => r.group))].slice(0, 5), ['s1-p4', 's1-p5', 's1-p6', 's1-p7', 's2-p8']);
    const again = write(3);
    assert.equal(
      fs.readFileSync(path.join(again.dir, 'output', 'rollouts.jsonl'), 'utf8'),
      fs.readFileSync(path.join(dir, 'output', 'rollouts.jsonl'), 'utf8'),
    );
  });

  test('token ids decode to the response with the tokenizer.json it wrote; arrays line up', () => {
    const tok = loadTokenizer(path.join(dir, 'tokenizer', 'tokenizer.json'));
    for (const r of rows.filter((x) => !x.turns)) {
      assert.equal(r.logprobs.length, r.response_ids.length);
      assert.equal(r.response_tokens?.length, r.response_ids.length);
      assert.equal(r.response_ids.map((id) => tok.tokenText(id)).join(''), r.response);
    }
  });

  test('trainer logprobs: one per token, never above 0, mostly within 0.05 of the sampler, about 0.4% outside the clip range', () => {
    const deltas: number[] = [];
    for (const r of rows) {
      assert.equal(r.train_logprobs.length, r.logprobs.length);
      assert.ok(r.train_logprobs.every((x) => x <= 0));
      r.logprobs.forEach((lp, j) => deltas.push(r.train_logprobs[j]! - lp));
    }
    const outside = deltas.filter((d) => Math.exp(d) > 1.2 || Math.exp(d) < 0.8).length;
    assert.deepEqual([deltas.length, deltas.filter((d) => Math.abs(d) < 0.05).length, outside], [254089, 252810, 1024]);
    assert.ok(deltas.every((d) => Math.abs(d) < 1.2 + 1e-9));
  });

  test('the groups of step 1 branch 7, 7, 7 and 6 times (G − 1 = 7 at most), and rewards are the sum of their components', () => {
    const tok = loadTokenizer(path.join(dir, 'tokenizer', 'tokenizer.json'));
    const step1 = rows.filter((r) => r.step === 1);
    const groups = [...new Set(step1.map((r) => r.group))];
    const branches = groups.map((g) => {
      const members = step1.filter((r) => r.group === g);
      const tokens = tokenizeGroup(
        members.map((m) => ({ response: m.response ?? '', responseIds: m.response_ids })),
        { tokenizer: tok },
      );
      return buildGroupTree(
        g,
        members.map((m, i) => ({ reward: m.reward, tokens: tokens[i]! })),
      ).branches.length;
    });
    // A split tree over 8 samples gives at most 7 branch points; a split due after a response has
    // ended, or one whose two choices read the same, gives fewer.
    assert.deepEqual(branches, [7, 7, 7, 6]);
    for (const r of rows) {
      const sum = r.components['correctness']! + r.components['format']! + r.components['overlong']!;
      assert.ok(Math.abs(sum - r.reward) < 1e-9, `${r.group}/${r.index}: ${sum} vs ${r.reward}`);
    }
  });

  test('one group of step 1 uses the calculator tool: assistant turns trained, tool turns not', () => {
    const tool = rows.filter((r) => r.turns);
    assert.equal(tool.length, 8);
    assert.deepEqual([...new Set(tool.map((r) => r.group))], ['s1-p7']);
    assert.deepEqual([...new Set(tool[0]!.turns!.map((t) => `${t.role}:${t.trained}`))], ['assistant:true', 'tool:false']);
  });
});
