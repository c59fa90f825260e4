// Exporting curated samples back to training: which samples each selection takes, the rows of each
// kind with their provenance, the margin of DPO pairs, and an empty selection that writes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportDataset } from '../../../src/core/export/exportDataset';
import { completionMessages, userMessages } from '../../../src/core/export/rows';
import { selectGroups } from '../../../src/core/export/select';
import { addLabel, removeLabel } from '../../../src/core/store/labels';
import type { DatasetExportRequest, DatasetSelection } from '../../../src/shared/datasetExport';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { exportFixture, sampleId, type ExportFixture } from './exportFixture';

let fx: ExportFixture;
before(async () => {
  fx = await exportFixture();
});
after(() => fx.store.close());

/** "group:index" of every selected sample. */
function picked(selection: DatasetSelection): string[] {
  return [...selectGroups(fx.store, 'r', selection)].flatMap((g) =>
    g.samples.filter((s) => s.selected).map((s) => `${g.group}:${s.index}`),
  );
}

function run(req: Partial<DatasetExportRequest> & Pick<DatasetExportRequest, 'kind' | 'format'>, name: string) {
  const out = path.join(fx.dir, name);
  const report = exportDataset(fx.store, { run: 'r', selection: {}, out, ...req });
  return { report, text: fs.readFileSync(out, 'utf8') };
}

describe('dataset export: selection', () => {
  it('takes the step range, the explorer filters, the outcome and the prompt kinds', () => {
    assert.deepEqual(picked({}), ['a:0', 'a:1', 'a:2', 'b:0', 'b:1', 'c:0', 'c:1', 'd:0', 'd:1', 'e:0', 'e:1']);
    assert.deepEqual(picked({ from: 2, to: 2 }), ['c:0', 'c:1', 'd:0', 'd:1']);
    assert.deepEqual(picked({ outcome: 'right' }), ['a:0', 'c:0', 'c:1', 'e:0']);
    assert.deepEqual(picked({ outcome: 'wrong', samples: { truncated: true } }), ['a:1']);
    assert.deepEqual(picked({ samples: { text: 'answer' } }), ['a:0']);
    assert.deepEqual(picked({ filter: { degenerate: false } }), ['a:0', 'a:1', 'a:2', 'e:0', 'e:1']);
    assert.deepEqual(picked({ prompts: 'zero-accuracy' }), ['b:0', 'b:1', 'd:0', 'd:1']);
    // From step 2 on, 2+2 never gave gradient either (group a of step 1 is out of the range).
    assert.deepEqual(picked({ prompts: 'never-trainable', from: 2 }), ['c:0', 'c:1', 'd:0', 'd:1']);
  });

  it("takes an alert's samples and a re-score's flips, by direction", () => {
    assert.deepEqual(picked({ alert: 'degenerate_output' }), ['a:1', 'b:0']);
    assert.deepEqual(picked({ alert: 'degenerate_output', from: 2 }), []);
    assert.deepEqual(picked({ flips: { set: fx.setId } }), ['a:0', 'a:1']);
    assert.deepEqual(picked({ flips: { set: fx.setId, direction: 'to-correct' } }), ['a:1']);
    assert.deepEqual(picked({ flips: { set: fx.setId, direction: 'to-incorrect' } }), ['a:0']);
    assert.deepEqual(picked({ flips: { set: fx.setId }, alert: 'degenerate_output' }), ['a:1']);
  });
});

describe('dataset export: labels', () => {
  it('takes the samples a label tag is on (on themselves or their group) and writes their tags as provenance', () => {
    addLabel(fx.store, { run: 'r', split: 'train', step: 1, group: 'a', index: 1 }, 'reward-hack', { user: 't' });
    addLabel(fx.store, { run: 'r', split: 'train', step: 2, group: 'c' }, 'bad-gt', { user: 't' });
    try {
      assert.deepEqual(picked({ label: 'reward-hack' }), ['a:1']);
      assert.deepEqual(picked({ label: 'bad-gt' }), ['c:0', 'c:1']);
      assert.deepEqual(picked({ label: 'bad-gt', outcome: 'wrong' }), []);
      const rows = run({ kind: 'sft', format: 'jsonl', selection: { from: 1, to: 2 } }, 'labelled.jsonl')
        .text.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { meta: { group: string; sample_index: number; labels: string[] } })
        .map((r) => [`${r.meta.group}:${r.meta.sample_index}`, r.meta.labels]);
      assert.deepEqual(rows, [
        ['a:0', []],
        ['a:1', ['reward-hack']],
        ['a:2', []],
        ['b:0', []],
        ['b:1', []],
        ['c:0', ['bad-gt']],
        ['c:1', ['bad-gt']],
        ['d:0', []],
        ['d:1', []],
      ]);
    } finally {
      removeLabel(fx.store, { run: 'r', split: 'train', step: 1, group: 'a', index: 1 }, 'reward-hack');
      removeLabel(fx.store, { run: 'r', split: 'train', step: 2, group: 'c' }, 'bad-gt');
    }
  });
});

describe('dataset export: rows', () => {
  it('writes SFT rows as TRL messages with provenance in meta', () => {
    const { report, text } = run({ kind: 'sft', format: 'jsonl', selection: { outcome: 'right' } }, 'sft.jsonl');
    assert.deepEqual(report, {
      run: 'r',
      kind: 'sft',
      format: 'jsonl',
      path: path.join(fx.dir, 'sft.jsonl'),
      rows: 4,
      groups: 3,
      samples: 4,
      below_margin: 0,
      columns: ['messages', 'meta'],
    });
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(JSON.parse(lines[0]!), {
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: 'The answer is 4.' },
      ],
      meta: {
        run: 'r',
        split: 'train',
        step: 1,
        group: 'a',
        sample_index: 0,
        sample_id: sampleId(fx.store, 'a', 0),
        reward: 1,
        success: true,
        labels: [],
        data_source: 'rollout-lens/r',
        ground_truth: '4',
      },
    });
    assert.deepEqual(
      lines
        .map((l) => (JSON.parse(l) as { meta: { group: string; sample_index: number } }).meta)
        .map((m) => `${m.group}:${m.sample_index}`),
      ['a:0', 'c:0', 'c:1', 'e:0'],
    );
  });

  it("pairs each group's best with its worst selected sample, above the margin", () => {
    const all = run({ kind: 'dpo', format: 'jsonl' }, 'dpo.jsonl');
    assert.equal(all.report.rows, 2);
    assert.equal(all.report.groups, 5);
    assert.equal(all.report.below_margin, 3);
    assert.deepEqual(JSON.parse(all.text.split('\n')[0]!), {
      prompt: [{ role: 'user', content: 'What is 2+2?' }],
      chosen: [{ role: 'assistant', content: 'The answer is 4.' }],
      rejected: [{ role: 'assistant', content: 'It is 5 because 5 5 5' }],
      meta: {
        run: 'r',
        split: 'train',
        step: 1,
        group: 'a',
        prompt_id: fx.store.db.prepare("SELECT lower(hex(hash)) FROM prompts WHERE text LIKE '%2+2%'").pluck().get(),
        chosen_index: 0,
        chosen_reward: 1,
        rejected_index: 1,
        rejected_reward: 0,
        labels: [],
      },
    });
    // Rejected from the selected samples only: in group a the only sample left is index 2 (gap 0.5).
    const half = run({ kind: 'dpo', format: 'jsonl', margin: 0.5, selection: { samples: { text: 'maybe' } } }, 'dpo-half.jsonl');
    assert.equal(half.report.rows, 1);
    const pair = JSON.parse(half.text) as { meta: { rejected_index: number; rejected_reward: number } };
    assert.deepEqual([pair.meta.rejected_index, pair.meta.rejected_reward], [2, 0.5]);
    assert.throws(
      () => run({ kind: 'dpo', format: 'jsonl', margin: 0.75, selection: { samples: { text: 'maybe' } } }, 'dpo-none.jsonl'),
      (e: unknown) =>
        e instanceof LensError &&
        e.code === ErrorCode.NotFound &&
        /1 group\(s\) but no pair .* margin 0.75: nothing written/.test(e.message),
    );
    assert.equal(fs.existsSync(path.join(fx.dir, 'dpo-none.jsonl')), false);
  });

  it('writes the distinct prompts of the selection for RL, with their counts', () => {
    const { report, text } = run({ kind: 'rl-prompts', format: 'jsonl', selection: { prompts: 'zero-accuracy' } }, 'rl.jsonl');
    assert.equal(report.rows, 1);
    assert.deepEqual(report.columns, ['prompt', 'ground_truth', 'data_source', 'meta']);
    const row = JSON.parse(text) as { prompt: unknown; ground_truth: string; meta: Record<string, unknown> };
    assert.deepEqual(row.prompt, [{ role: 'user', content: 'Name a prime.' }]);
    assert.equal(row.ground_truth, '2');
    assert.deepEqual(
      { ...row.meta, prompt_id: undefined },
      {
        run: 'r',
        split: 'train',
        step: 1,
        group: 'b',
        prompt_id: undefined,
        appearances: 2,
        samples: 4,
        solve_rate: 0,
        reward_mean: 0,
        labels: [],
      },
    );
  });

  it('refuses DPO as verl parquet, a relative path and a wrong extension, before writing', () => {
    const base = { run: 'r', selection: {} };
    const bad = (req: DatasetExportRequest, re: RegExp) =>
      assert.throws(
        () => exportDataset(fx.store, req),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput && re.test(e.message),
      );
    bad({ ...base, kind: 'dpo', format: 'verl-parquet', out: path.join(fx.dir, 'p.parquet') }, /use --format jsonl/);
    bad({ ...base, kind: 'sft', format: 'jsonl', out: 'rel.jsonl' }, /must be absolute/);
    bad({ ...base, kind: 'sft', format: 'verl-parquet', out: path.join(fx.dir, 'p.jsonl') }, /writes a \.parquet file/);
    assert.equal(fs.existsSync(path.join(fx.dir, 'p.parquet')), false);
  });

  it('says an empty selection holds no samples and creates nothing', () => {
    const out = path.join(fx.dir, 'empty.parquet');
    assert.throws(
      () => exportDataset(fx.store, { run: 'r', kind: 'sft', format: 'verl-parquet', selection: { from: 9 }, out }),
      (e: unknown) =>
        e instanceof LensError &&
        e.code === ErrorCode.NotFound &&
        e.message === 'export-dataset: the selection in run "r" holds no samples: nothing written',
    );
    assert.deepEqual(
      fs.readdirSync(fx.dir).filter((f) => f.startsWith('empty')),
      [],
    );
  });
});

describe('dataset export: messages', () => {
  it("takes a templated prompt's last user turn, and a multi-turn sample's turns in order", () => {
    assert.deepEqual(userMessages('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n  Why?<|im_end|>\n<|im_start|>assistant\n'), [
      { role: 'user', content: 'Why?' },
    ]);
    assert.deepEqual(userMessages('Plain question'), [{ role: 'user', content: 'Plain question' }]);
    assert.deepEqual(
      completionMessages({
        response: 'ignored when there are turns',
        turns: [
          { role: 'assistant', content: '<tool_call>ls</tool_call>', trained: true },
          { role: 'tool', content: 'a.txt', trained: false },
          { role: 'environment', content: 'reward 0', trained: false },
          { role: 'assistant', content: 'Done.', trained: true },
        ],
      }),
      [
        { role: 'assistant', content: '<tool_call>ls</tool_call>' },
        { role: 'tool', content: 'a.txt' },
        { role: 'user', content: 'reward 0' },
        { role: 'assistant', content: 'Done.' },
      ],
    );
  });
});
