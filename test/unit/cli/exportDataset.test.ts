// rollout-lens export-dataset: the documented --json report, a relative --out, the selection options,
// and an empty selection that says so, exits 1 and creates nothing (docs/cli.md#export-dataset).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from '../../helpers';
import { exportFixture } from '../export/exportFixture';

let dir: string;
let db: string;
let setId: number;
before(async () => {
  const fx = await exportFixture();
  fx.store.close();
  ({ dir, db, setId } = fx);
});

describe('rollout-lens export-dataset', () => {
  it('writes verl parquet and prints the documented report', () => {
    const r = runCli(
      [
        'export-dataset',
        '--db',
        db,
        '--run',
        'r',
        '--kind',
        'sft',
        '--format',
        'verl-parquet',
        '--outcome',
        'right',
        '--out',
        'sft.parquet',
        '--json',
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      run: 'r',
      kind: 'sft',
      format: 'verl-parquet',
      path: path.join(fs.realpathSync(dir), 'sft.parquet'),
      rows: 4,
      groups: 3,
      samples: 4,
      below_margin: 0,
      columns: ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info', 'messages'],
    });
    assert.equal(fs.readFileSync(path.join(dir, 'sft.parquet')).subarray(0, 4).toString(), 'PAR1');
  });

  it("takes the selection options: DPO pairs of a re-score's flips with a margin, in words", () => {
    const out = path.join(dir, 'dpo.jsonl');
    const r = runCli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'r',
      '--kind',
      'dpo',
      '--format',
      'jsonl',
      '--flips',
      String(setId),
      '--flip-direction',
      'to-incorrect',
      '--margin',
      '0.5',
      '--out',
      out,
    ]);
    // a0 (reward 1) is the only flipped sample: it is the rejected one and also the group's best, so the gap is 0.
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'rollout-lens: export-dataset: the selection in run "r" has 1 group(s) but no pair with a reward gap > 0 and ≥ margin 0.5: nothing written\n',
    );
    const ok = runCli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'r',
      '--kind',
      'dpo',
      '--format',
      'jsonl',
      '--flips',
      String(setId),
      '--margin',
      '0.5',
      '--out',
      out,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${out}: 1 dpo row(s) from 2 sample(s) in 1 group(s)\n`);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 1);
  });

  it('takes the explorer group filters: --hard-to-ground keeps the all-zero groups of one prompt', () => {
    const r = runCli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'r',
      '--kind',
      'rl-prompts',
      '--format',
      'jsonl',
      '--hard-to-ground',
      '--out',
      path.join(dir, 'h.jsonl'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { rows: number; groups: number; samples: number };
    assert.deepEqual([report.rows, report.groups, report.samples], [1, 2, 4]);
    assert.match(fs.readFileSync(path.join(dir, 'h.jsonl'), 'utf8'), /^\{"prompt":\[\{"role":"user","content":"Name a prime\."\}\]/);
  });

  it('exits 1 on an empty selection and creates nothing', () => {
    const out = path.join(dir, 'none.jsonl');
    const r = runCli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'r',
      '--kind',
      'rl-prompts',
      '--format',
      'jsonl',
      '--step',
      '2',
      '--alert',
      'degenerate_output',
      '--out',
      out,
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'rollout-lens: export-dataset: the selection in run "r" holds no samples: nothing written\n');
    assert.equal(fs.existsSync(out), false);
    assert.equal(fs.existsSync(`${out}.partial`), false);
  });

  it('refuses bad usage with exit 2', () => {
    const base = ['export-dataset', '--db', db, '--run', 'r', '--format', 'jsonl', '--out', path.join(dir, 'x.jsonl')];
    const cases: Array<[string[], string]> = [
      [['--kind', 'sft', '--margin', '1'], '--margin is for --kind dpo'],
      [['--kind', 'ppo'], '--kind must be one of sft, dpo, rl-prompts, got "ppo"'],
      [['--kind', 'sft', '--step', '1', '--from', '1'], 'give --step N or --from/--to, not both'],
      [['--kind', 'sft', '--flip-direction', 'any'], '--flip-direction needs --flips SET'],
    ];
    for (const [args, message] of cases) {
      const r = runCli([...base, ...args]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `rollout-lens: ${message} (see rollout-lens --help)\n`);
    }
  });
});
