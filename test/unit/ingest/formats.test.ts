// The format list (src/core/ingest/formats.ts) names every format once; detection, the messages that
// list the formats, --format and the table in docs/formats.md#formats follow it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseFormat } from '../../../src/cli/commands/ingest';
import { COMMANDS } from '../../../src/cli/main';
import { FORMATS } from '../../../src/core/ingest/formats';
import { detectObject } from '../../../src/core/ingest/sources';
import { ROLLOUT_FORMATS } from '../../../src/shared/rollout';
import { ROOT } from '../../helpers';

/** A first record of each shape, and what it is detected as. */
const RECORDS: Array<[Record<string, unknown>, string]> = [
  [{ input: 'q', output: 'a', score: 1, step: 1 }, 'verl'],
  [{ step: 1, group: 'g', prompt: 'q', response: 'a', reward: 1 }, 'native'],
  [{ step: 1, group: 'g', prompt: 'q', turns: [], reward: 1 }, 'native'],
  [{ id: 'e', task: {}, group: { id: 'g' }, traces: [] }, 'prime-rl'],
  [{ content: [['q']], rewards: [1], idx: 0 }, 'nemo-rl'],
  [{ task_id: 1, sample_idx: 0, prompt: 'q', completion: 'a', reward: 1 }, 'areal'],
  [{ rollout_id: 3, evaluation: false, sample: {} }, 'slime'],
  // A whole logging step as lists; the same keys holding scalars are not ms-swift's.
  [{ step: ['1'], prompt: ['q'], completion: ['a'], accuracy: [1], advantages: [0] }, 'ms-swift'],
  [{ id: ['g'], messages: ['[]'], responses: ['a'], scores: [1], global_step: [1] }, 'roll'],
  [{ trajectory_data: ['{}'], messages: ['[]'], global_step: [0] }, 'roll'],
  [{ input_prompt: 'q', output_response: 'a', score: 1, stop_reason: 'stop', env_extras: {} }, 'skyrl-eval'],
  [{ step: 1, metrics: { loss: 1 } }, 'native-metrics'],
  [{ step: 1, data: { loss: 1 } }, 'verl-metrics'],
  [{ step: 1, time: 2, loss: 1 }, 'prime-rl-metrics'],
  // verl's keys are tried before native's: a verl row may carry native's keys as reward extras.
  [{ input: 'q', output: 'a', score: 1, prompt: 'q', response: 'a', reward: 1, group: 'g' }, 'verl'],
  // Rollout keys before metrics keys: a rollout record may hold `step` and `data` too.
  [{ content: [['q']], rewards: [1], idx: 0, step: 1, data: {} }, 'nemo-rl'],
];

describe('the format list', () => {
  it('names the rollout formats of ROLLOUT_FORMATS (src/shared), in the same order', () => {
    assert.deepEqual(FORMATS.rolloutIds(), [...ROLLOUT_FORMATS]);
  });

  it('tries first records in the order detection has always used', () => {
    assert.deepEqual(
      FORMATS.tried.map((f) => f.id),
      [
        'verl',
        'native',
        'prime-rl',
        'nemo-rl',
        'areal',
        'slime',
        'ms-swift',
        'roll',
        'skyrl-eval',
        'native-metrics',
        'verl-metrics',
        'prime-rl-metrics',
      ],
    );
    for (const f of FORMATS.tried) {
      for (const later of f.triedBefore ?? []) {
        assert.ok(FORMATS.find(later), `${f.id} names an unknown format ${later}`);
        const at = (id: string): number => FORMATS.tried.findIndex((g) => g.id === id);
        assert.ok(at(f.id) < at(later), `${f.id} is tried after ${later}`);
      }
    }
  });

  it('detects each shape of record, and names the known formats when none matches', () => {
    for (const [record, format] of RECORDS) assert.equal(detectObject(record), format, JSON.stringify(record));
    assert.deepEqual(detectObject({ hello: 1 }), {
      unknown:
        'records with keys {hello} match no known format (native, verl, prime-rl, nemo-rl, areal, converted slime, ms-swift, roll, skyrl-eval, metrics logs)',
    });
  });

  it('knows TRL files and slime dumps by name, and lists the files a folder is searched for', () => {
    assert.equal(FORMATS.detectFileName('completions_00001.parquet'), 'trl');
    assert.equal(FORMATS.detectFileName('trainer_state.json'), 'trl-state');
    const pt = FORMATS.detectFileName('data_3.pt');
    assert.ok(typeof pt === 'object' && /convert slime FILE/.test(pt.unknown));
    assert.equal(FORMATS.detectFileName('1.jsonl'), undefined);
    assert.equal(FORMATS.detectFileName('debug_log_GUI-G1_iou.txt'), 'vlm-r1-debug');
    assert.equal(FORMATS.detectFileName('debug_log.2025-05-01-10-00-00_format.txt'), 'vlm-r1-debug');
    // rLLM's EpisodeLogger names; its batch_summary.json and other JSON files are not episodes.
    assert.equal(FORMATS.detectFileName('episode_hash2eeec5d4_idt-mul_0.json'), 'rllm');
    assert.equal(FORMATS.detectFileName('batch_summary.json'), undefined);
    assert.equal(FORMATS.detectFileName('episode_2.json'), undefined);
    assert.equal(
      FORMATS.fileNamesText(),
      '.jsonl, oat buffer_step*.pkl, .parquet, slime .pt, debug_log*.txt, *_iou.txt, *_hit.txt, VideoChat-R1 / Time-R1 IoU reward .txt, oat eval_results/{step}.json, rLLM episode_hash*_id*.json, ART trajectories/{split}/{step}.jsonl|yaml|parquet, trainer_state.json',
    );
    assert.deepEqual(
      ['a.jsonl', 'b.parquet', 'c.pt', 'trainer_state.json', 'notes.txt', 'state.json', 'run_hit.txt', 'eval_format.txt'].filter((n) =>
        FORMATS.isKnownFileName(n),
      ),
      ['a.jsonl', 'b.parquet', 'c.pt', 'trainer_state.json', 'run_hit.txt'],
    );
  });

  it('gives --format its choices: the usage line and the unknown-format error', () => {
    const ids = FORMATS.rolloutIds();
    assert.ok(COMMANDS['ingest']!.usage.includes(`[--format auto|${ids.join('|')}]`), COMMANDS['ingest']!.usage);
    for (const id of ['auto', ...ids]) assert.equal(parseFormat(id), id);
    assert.throws(() => parseFormat('csv'), {
      message:
        'unknown format "csv": use auto, native, verl, trl, prime-rl, nemo-rl, areal, slime, vlm-r1-debug, videochat-r1-debug, oat-eval, rllm, art, ms-swift, roll, skyrl-eval',
    });
  });

  it('is the table in docs/formats.md#formats: every id there, and no other', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'formats.md'), 'utf8');
    const section = /^## Formats\n([\s\S]*?)(?=^## )/m.exec(doc)?.[1];
    assert.ok(section, 'docs/formats.md has no "## Formats" section');
    const ids = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
    assert.equal(new Set(ids).size, ids.length, `an id repeats in the table: ${ids.join(', ')}`);
    const known: string[] = FORMATS.all.map((f) => f.id);
    assert.deepEqual(
      ids.filter((id) => !known.includes(id)),
      [],
      'ids in the table that no format has',
    );
    assert.deepEqual(
      known.filter((id) => !ids.includes(id)),
      [],
      'formats missing from the table',
    );
  });
});
