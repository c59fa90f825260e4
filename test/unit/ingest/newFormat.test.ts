// What adding a JSON-lines trainer format takes: a descriptor in its own file and its line in the
// list. Here the descriptor is a made-up trainer's, added to a copy of the list, and everything the
// list derives picks it up; the scan below keeps the ingest, the CLI and the engine from naming a
// JSON-lines format anywhere else, which is what used to make a new format touch five files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FORMATS, Formats, type LineFormat } from '../../../src/core/ingest/formats';
import { describe as describeValue, isFiniteNumber, isStep, parseObjectLine } from '../../../src/core/ingest/jsonLine';
import type { ParsedRecord } from '../../../src/core/ingest/records';
import type { Split } from '../../../src/shared/rollout';
import { ROOT } from '../../helpers';

/** A made-up trainer writing `{"iter", "question", "answer", "points"}`, one file per run, one row per rollout. */
function parseToyLine(text: string, split: Split, group: string): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  const { iter, question, answer, points } = o;
  if (!isStep(iter)) return { kind: 'error', message: `"iter" must be an integer ≥ 0, got ${describeValue(iter)}` };
  if (typeof question !== 'string' || typeof answer !== 'string' || !isFiniteNumber(points)) {
    return { kind: 'error', message: 'needs "question" and "answer" strings and finite "points"' };
  }
  const sample = {
    split,
    step: iter,
    group: `${group}:${question}`,
    prompt: question,
    response: answer,
    reward: points,
  };
  return { kind: 'sample', sample, grouping: 'prompt-text' };
}

/** What the new format's own file would export. */
const toyRollouts: LineFormat<'toy', 'rollouts'> = {
  id: 'toy',
  kind: 'rollouts',
  reads: 'lines',
  matches: (o) => 'question' in o && 'answer' in o && 'points' in o,
  parser: ({ file, split }) => ({ parse: (t) => parseToyLine(t, split, path.basename(file, '.jsonl')) }),
};

/** The list with the one new line: after the last rollout format, as ROLLOUT_FORMATS would list it. */
const WITH_TOY = new Formats([
  ...FORMATS.all.filter((f) => f.kind === 'rollouts'),
  toyRollouts,
  ...FORMATS.all.filter((f) => f.kind === 'metrics'),
]);
const TOY_ROW = { iter: 4, question: '2+2?', answer: '4', points: 1 };

describe('adding a JSON-lines format', () => {
  it('is detected, parsed and listed from its descriptor alone', () => {
    assert.equal(FORMATS.detectRecord(TOY_ROW), undefined);
    assert.equal(WITH_TOY.detectRecord(TOY_ROW), 'toy');
    // Its keys are tried after the other rollout formats' and before the metrics formats'.
    assert.deepEqual(
      WITH_TOY.tried.map((f) => f.id),
      [...FORMATS.tried.filter((f) => f.kind === 'rollouts'), toyRollouts, ...FORMATS.tried.filter((f) => f.kind === 'metrics')].map(
        (f) => f.id,
      ),
    );
    const toy = WITH_TOY.get('toy');
    assert.ok(toy.reads === 'lines');
    const parser = toy.parser({ file: '/runs/r1.jsonl', split: 'train', saved: null, groupSize: undefined, datasets: [] });
    assert.deepEqual(parser.parse(JSON.stringify(TOY_ROW)), {
      kind: 'sample',
      sample: { split: 'train', step: 4, group: 'r1:2+2?', prompt: '2+2?', response: '4', reward: 1 },
      grouping: 'prompt-text',
    });
    assert.equal(
      WITH_TOY.recordFormatsText(),
      'native, verl, prime-rl, nemo-rl, areal, converted slime, ms-swift, roll, skyrl-eval, toy, metrics logs',
    );
    // The id a rollout format also adds to ROLLOUT_FORMATS (src/shared), which the list is checked against.
    assert.deepEqual(WITH_TOY.rolloutIds(), [...FORMATS.rolloutIds(), 'toy']);
    // Its files are .jsonl, which a folder's walk already looks at.
    assert.equal(WITH_TOY.fileNamesText(), FORMATS.fileNamesText());
  });

  it('leaves the detection of every other format as it was', () => {
    const rows = [
      { input: 'q', output: 'a', score: 1 },
      { step: 1, group: 'g', prompt: 'q', response: 'a', reward: 1 },
      { traces: [], task: {}, ok: true },
      { content: [], rewards: [], idx: 0 },
      { task_id: 1, sample_idx: 0, completion: 'a', reward: 1 },
      { rollout_id: 1, sample: {} },
      { step: 1, metrics: {} },
      { step: 1, data: {} },
      { step: 1, time: 0 },
    ];
    assert.deepEqual(
      rows.map((r) => WITH_TOY.detectRecord(r)),
      rows.map((r) => FORMATS.detectRecord(r)),
    );
  });

  it('needs no other source file: only a format’s own file names a JSON-lines format’s id', () => {
    const files: string[] = [];
    for (const dir of ['src/core/ingest', 'src/cli', 'src/engine']) {
      for (const rel of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
        if (rel.endsWith('.ts')) files.push(path.join(dir, rel));
      }
    }
    const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
    const describing = files.filter((f) => /: (LineFormat|WholeFileFormat)</.test(texts.get(f)!));
    assert.ok(describing.length >= 7, `format files found: ${describing.join(', ')}`);
    const found: string[] = [];
    for (const f of FORMATS.tried) {
      const quoted = new RegExp(`['"\`]${f.id}['"\`]`);
      for (const [file, text] of texts) {
        if (!describing.includes(file) && quoted.test(text)) found.push(`${file} names ${f.id}`);
      }
    }
    assert.deepEqual(found, [], 'dispatch on a format id outside the format list');
  });
});
