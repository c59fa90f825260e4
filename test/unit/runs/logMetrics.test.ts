import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  LogMetricsParser,
  parseMetricsJson,
  parsePythonDict,
  parseTqdm,
  parseVerlLine,
  pythonNumber,
  stripLogPrefix,
} from '../../../src/core/runs/logMetrics';
import { FIXTURES } from '../../helpers';

const LOGS = path.join(FIXTURES, 'logs');
const read = (f: string): string => fs.readFileSync(path.join(LOGS, f), 'utf8');

describe('log metric parsers', () => {
  it('reads Python number reprs, numpy scalars, bools and non-finite values', () => {
    assert.deepEqual(
      ['0.5', '-1.49e-08', '3', 'np.float64(0.25)', 'np.float32(0.0025)', 'np.int64(7)', 'True', 'False'].map(pythonNumber),
      [0.5, -1.49e-8, 3, 0.25, 0.0025, 7, 1, 0],
    );
    assert.ok(Number.isNaN(pythonNumber('np.float64(nan)')));
    assert.ok(Number.isNaN(pythonNumber('-inf')));
    assert.deepEqual(['abc', '', "tensor(0.5, device='cuda:0')", '1.2.3'].map(pythonNumber), [undefined, undefined, undefined, undefined]);
  });

  it('parses verl console lines (pprint values, numpy reprs, %.3f, actor prefix, Ray repeat suffix)', () => {
    const lines = read('verl-console.txt').trim().split('\n');
    const parsed = lines.map(parseVerlLine);
    assert.deepEqual(
      parsed.map((p) => p?.step),
      [1, 2, 3, 4, 5, 6],
    );
    const first = parsed[0]!.values;
    assert.equal(Object.keys(first).length, 17);
    assert.deepEqual(
      [
        first['training/global_step'],
        first['actor/entropy'],
        first['actor/pg_clipfrac'],
        first['actor/lr'],
        first['response_length/mean'],
        first['val-core/openai/gsm8k/reward/mean@1'],
      ],
      [1, 1.24, 0.0025, 1e-6, 447.625, 0.5],
    );
    assert.equal('note' in first, false);
    assert.ok(Number.isNaN(parsed[2]!.values['critic/advantages/mean']!));
    assert.deepEqual(parsed[3]!.values, { 'actor/pg_loss': -0.012, 'critic/score/mean': 0.5 });
    assert.deepEqual(parsed[4]!.values, { 'actor/pg_loss': -0.02, 'critic/score/mean': 0.625 });
    assert.deepEqual(parsed[5]!.values, { 'critic/score/mean': 0.75 });
    assert.equal(parseVerlLine('[sample-grpo] step 1: reward 0.594'), null);
    assert.equal(parseVerlLine('step:3'), null);
  });

  it("parses TRL's per-step dict lines captured from the real sample run", () => {
    const dicts = read('trl-stdout.txt')
      .split('\n')
      .map(parsePythonDict)
      .filter((d) => d !== null);
    assert.equal(dicts.length, 7);
    const first = dicts[0]!;
    assert.deepEqual(
      [first['loss'], first['grad_norm'], first['learning_rate'], first['rewards/correctness/mean'], first['reward'], first['epoch']],
      [0, 17.51, 0.003, 0.125, 0.5625, 0.25],
    );
    assert.equal(Object.keys(first).length, 26);
    assert.equal(dicts[1]!['loss'], -1.118e-8);
    assert.deepEqual(Object.keys(dicts[6]!), [
      'train_runtime',
      'train_samples_per_second',
      'train_steps_per_second',
      'train_loss',
      'epoch',
    ]);
  });

  it('parses older transformers dicts with raw numbers, and rejects what is not a dict', () => {
    assert.deepEqual(parsePythonDict("{'loss': 0.0123, 'grad_norm': 1.5, 'learning_rate': 5e-06, 'epoch': 0.1}"), {
      loss: 0.0123,
      grad_norm: 1.5,
      learning_rate: 5e-6,
      epoch: 0.1,
    });
    assert.deepEqual(parsePythonDict(`{"it's": '1', 'name': 'x'}`), { "it's": 1 });
    assert.equal(parsePythonDict('{not a dict}'), null);
    assert.equal(parsePythonDict("{'a': 'x'}"), null);
    assert.equal(parsePythonDict('│ │ user      │ 11 │'), null);
  });

  it('parses native metrics JSON lines (real sample-run lines), verl file-logger lines and Python NaN', () => {
    const lines = read('native-metrics.jsonl').trim().split('\n');
    const m = lines.map(parseMetricsJson);
    assert.deepEqual(
      m.map((x) => x?.step),
      [1, 2, 3, 4, 5, 6, 6],
    );
    assert.equal(m[0]!.values['rewards/format_reward/mean'], 0.4375);
    assert.deepEqual(parseMetricsJson('{"step": 2, "data": {"critic/score/mean": 0.5, "flag": true}}'), {
      step: 2,
      values: { 'critic/score/mean': 0.5, flag: 1 },
    });
    const withNan = parseMetricsJson('{"step": 3, "metrics": {"kl": NaN, "loss": 1.5}}');
    assert.equal(withNan!.values['loss'], 1.5);
    assert.ok(Number.isNaN(withNan!.values['kl']!));
    assert.equal(parseMetricsJson('{"step": -1, "metrics": {"a": 1}}'), null);
    assert.equal(parseMetricsJson('{"prompt": "x", "step": 1}'), null);
  });

  it('reads step, total and ETA from the tqdm bar the real TRL run drew (\\r-separated)', () => {
    const raw = read('trl-stderr.txt');
    assert.ok(raw.includes('\r'));
    assert.deepEqual(parseTqdm(raw), { step: 6, total: 6, etaSeconds: 0 });
    const parts = raw.split('\r');
    const atOne = parts.findIndex((p) => p.includes(' 1/6 '));
    assert.deepEqual(parseTqdm(parts.slice(0, atOne + 1).join('\r')), { step: 1, total: 6, etaSeconds: 1 });
    assert.deepEqual(parseTqdm('  0%|          | 0/6 [00:00<?, ?it/s]'), {
      step: 0,
      total: 6,
      etaSeconds: null,
    });
    assert.deepEqual(parseTqdm('Training Progress:  10%|█         | 10/100 [01:00<1:02:03, 6.00s/it]'), {
      step: 10,
      total: 100,
      etaSeconds: 3723,
    });
    assert.deepEqual(parseTqdm('37it [00:05,  7.10it/s]'), { step: 37, total: null, etaSeconds: null });
    assert.equal(parseTqdm('Processed prompts: 100%|██████████| 512/512 [00:10<00:00, 50.1it/s]'), null);
    assert.equal(parseTqdm('                                             '), null);
  });

  it('splits keeper log lines into stamp, stream and text', () => {
    assert.deepEqual(stripLogPrefix('2026-11-27T09:03:45.123Z out step:1 - a:1'), {
      tag: 'out',
      text: 'step:1 - a:1',
    });
    assert.deepEqual(stripLogPrefix('plain slurm output'), { tag: null, text: 'plain slurm output' });
  });

  it('numbers TRL dict lines as steps 1..N and stores the summary at the last step', () => {
    const p = new LogMetricsParser();
    const recs = read('trl-stdout.txt')
      .split('\n')
      .flatMap((l) => p.feed(`2026-11-27T09:03:45.123Z out ${l}`));
    assert.deepEqual(
      recs.map((r) => (r.kind === 'metrics' ? [r.source, r.metrics.step, Object.keys(r.metrics.values).length] : r.kind)),
      [
        ['trl', 1, 26],
        ['trl', 2, 26],
        ['trl', 3, 26],
        ['trl', 4, 26],
        ['trl', 5, 26],
        ['trl', 6, 26],
        ['trl', 6, 5],
      ],
    );
    assert.deepEqual([p.trlRecords, p.lastStep], [6, 6]);
    const resumed = new LogMetricsParser(6, 6);
    const [next] = resumed.feed("{'loss': '0.5'}");
    assert.ok(next?.kind === 'metrics' && next.metrics.step === 7);
    assert.deepEqual(p.feed('2026-11-27T09:03:45.123Z sup exited with code 0'), []);
  });
});
