// A prompt that repeats across steps (and runs): its timeline from the per-group aggregates, the
// step it stopped carrying gradient, the run-level list, and the CLI's documented JSON.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { promptIdOf, promptLives, promptTimeline } from '../../../src/core/store/promptTimeline';
import { Store } from '../../../src/core/store/store';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

const P = 'What is 1+1?';
const Q = 'Name a prime.';
let store: Store;
let db: string;

/** Rows for one group: rewards, verdict = reward > 0. */
function group(step: number, uid: string, prompt: string, rewards: number[], split = 'train'): object[] {
  return rewards.map((reward, i) => ({ step, group: uid, prompt, response: 'r'.repeat(i + 1), reward, correct: reward > 0, split }));
}

before(async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  writeJsonl(a, [
    ...group(1, 'p1', P, [1, 0]),
    ...group(1, 'q1', Q, [0, 0]),
    ...group(2, 'p2', P, [1, 1]),
    ...group(2, 'pv', P, [0, 1, 1], 'val'),
    ...group(3, 'p3', P, [0, 1, 1, 1]),
    ...group(3, 'q3', Q, [0, 0]),
    ...group(4, 'p4', P, [1, 1]),
    ...group(5, 'p5', P, [1, 1]),
  ]);
  writeJsonl(b, [...group(1, 'x1', P, [0, 0]), ...group(2, 'x2', P, [0, 1])]);
  db = path.join(dir, 't.db');
  store = Store.open(db);
  await new Ingestor(store, [a], { run: 'base' }).ingestOnce();
  await new Ingestor(store, [b], { run: 'new' }).ingestOnce();
});

describe('prompt timeline', () => {
  it('lists every group of the prompt by step with solve rate, spread, length and degenerate', () => {
    const t = promptTimeline(store, 'base', { text: P });
    assert.equal(t.prompt_id, promptIdOf(P));
    assert.deepEqual(
      t.points.map((p) => [
        p.step,
        p.split,
        p.group,
        p.samples,
        p.reward_mean,
        p.solve_rate,
        p.degenerate,
        p.spread,
        p.mean_length,
        p.length_unit,
      ]),
      [
        [1, 'train', 'p1', 2, 0.5, 0.5, false, 1, 1.5, 'chars'],
        [2, 'train', 'p2', 2, 1, 1, true, 0, 1.5, 'chars'],
        [2, 'val', 'pv', 3, 2 / 3, 2 / 3, false, 1, 2, 'chars'],
        [3, 'train', 'p3', 4, 0.75, 0.75, false, 1, 2.5, 'chars'],
        [4, 'train', 'p4', 2, 1, 1, true, 0, 1.5, 'chars'],
        [5, 'train', 'p5', 2, 1, 1, true, 0, 1.5, 'chars'],
      ],
    );
    assert.deepEqual(t.stopped, { step: 4, split: 'train', kind: 'all-correct' });
  });

  it('filters by split and finds a prompt by its id; one that never stopped has no stop step', () => {
    const v = promptTimeline(store, 'base', { promptId: promptIdOf(P).toUpperCase() }, 'val');
    assert.deepEqual(
      v.points.map((p) => p.group),
      ['pv'],
    );
    assert.equal(v.stopped, null);
    assert.deepEqual(promptTimeline(store, 'base', { text: Q }).stopped, { step: 1, split: 'train', kind: 'all-wrong' });
    assert.equal(promptTimeline(store, 'new', { text: P }).stopped, null);
  });

  it('refuses an unknown prompt with one line naming it', () => {
    assert.throws(
      () => promptTimeline(store, 'base', { promptId: 'a'.repeat(40) }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound && e.message === `${db}: no prompt with id ${'a'.repeat(40)}`,
    );
    assert.throws(
      () => promptTimeline(store, 'base', { promptId: 'xyz' }),
      /^LensError: prompt id "xyz" is not a SHA-1 \(40 hex digits\) or a prefix of one \(6 or more\)$/,
    );
  });

  it('takes the text as a user types it: trimmed, without the chat template', () => {
    const id = promptIdOf(P);
    assert.equal(promptTimeline(store, 'base', { text: `  ${P}\n` }).prompt_id, id);
    assert.equal(promptTimeline(store, 'base', { text: `<|im_start|>user\n${P}<|im_end|>\n<|im_start|>assistant\n` }).prompt_id, id);
  });

  it('takes a unique prefix of a prompt id, as the views show it', () => {
    const id = promptIdOf(P);
    assert.equal(promptTimeline(store, 'base', { promptId: id.slice(0, 12) }).prompt_id, id);
    assert.equal(promptTimeline(store, 'base', { promptId: id.slice(0, 7).toUpperCase() }).prompt_id, id);
    assert.throws(() => promptTimeline(store, 'base', { promptId: id.slice(0, 5) }), /or a prefix of one \(6 or more\)/);
    assert.throws(
      () => promptTimeline(store, 'base', { promptId: 'ffffff' }),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound && e.message === `${db}: no prompt with id ffffff`,
    );
  });

  it('ranks the run’s prompts by how many steps they carried gradient', () => {
    assert.deepEqual(promptLives(store, 'base'), [
      { prompt_id: promptIdOf(P), preview: P, appearances: 5, trainable: 2, first_step: 1, last_step: 5, last_trainable_step: 3 },
      { prompt_id: promptIdOf(Q), preview: Q, appearances: 2, trainable: 0, first_step: 1, last_step: 3, last_trainable_step: null },
    ]);
  });
});

describe('rollout-lens prompt', () => {
  it('prints the documented rows ordered by step', () => {
    assert.deepEqual(runCliJson(['prompt', '--db', db, '--run', 'base', '--text', P, '--split', 'train']), [
      // Responses 'r', 'rr', …: a group of 2 has a mean length of 1.5 characters, of 4 of 2.5.
      {
        step: 1,
        split: 'train',
        group: 'p1',
        samples: 2,
        reward_mean: 0.5,
        solve_rate: 0.5,
        spread: 1,
        mean_length: 1.5,
        length_unit: 'chars',
        degenerate: false,
      },
      {
        step: 2,
        split: 'train',
        group: 'p2',
        samples: 2,
        reward_mean: 1,
        solve_rate: 1,
        spread: 0,
        mean_length: 1.5,
        length_unit: 'chars',
        degenerate: true,
      },
      {
        step: 3,
        split: 'train',
        group: 'p3',
        samples: 4,
        reward_mean: 0.75,
        solve_rate: 0.75,
        spread: 1,
        mean_length: 2.5,
        length_unit: 'chars',
        degenerate: false,
      },
      {
        step: 4,
        split: 'train',
        group: 'p4',
        samples: 2,
        reward_mean: 1,
        solve_rate: 1,
        spread: 0,
        mean_length: 1.5,
        length_unit: 'chars',
        degenerate: true,
      },
      {
        step: 5,
        split: 'train',
        group: 'p5',
        samples: 2,
        reward_mean: 1,
        solve_rate: 1,
        spread: 0,
        mean_length: 1.5,
        length_unit: 'chars',
        degenerate: true,
      },
    ]);
  });

  it('puts two runs side by side, keyed by run', () => {
    const out = runCliJson<Record<string, Array<{ step: number; solve_rate: number }>>>([
      'prompt',
      '--db',
      db,
      '--run',
      'base',
      '--run',
      'new',
      '--prompt-id',
      promptIdOf(P),
      '--split',
      'train',
    ]);
    assert.deepEqual(Object.keys(out), ['base', 'new']);
    assert.deepEqual(
      out['new']!.map((r) => [r.step, r.solve_rate]),
      [
        [1, 0],
        [2, 0.5],
      ],
    );
    assert.equal(out['base']!.length, 5);
  });

  it('answers an unknown prompt id with one line and exit code 1', () => {
    const r = runCli(['prompt', '--db', db, '--run', 'base', '--prompt-id', 'b'.repeat(40), '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `rollout-lens: ${db}: no prompt with id ${'b'.repeat(40)}\n`);
  });

  it('prompts lists the run’s prompts by trainable steps', () => {
    const rows = runCliJson<Array<{ preview: string; trainable: number }>>(['prompts', '--db', db, '--run', 'base']);
    assert.deepEqual(
      rows.map((r) => [r.preview, r.trainable]),
      [
        [P, 2],
        [Q, 0],
      ],
    );
  });
});
