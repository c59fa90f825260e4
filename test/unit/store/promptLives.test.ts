// The per-prompt aggregates `prompts` ranks by (migration 12): kept by triggers as groups arrive,
// also when a group turns trainable in a later file, and filled once for a database made before.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { promptIdOf, promptLives } from '../../../src/core/store/promptTimeline';
import { fillPromptLives, fillStepRanges } from '../../../src/core/store/scaleMigrations';
import { Store } from '../../../src/core/store/store';
import { tempDir, writeJsonl } from '../../helpers';

const P = 'What is 1+1?';
const Q = 'Name a prime.';

function rows(step: number, uid: string, prompt: string, rewards: number[], first = 0): object[] {
  return rewards.map((reward, i) => ({ step, group: uid, prompt, index: first + i, response: `r${i}`, reward }));
}

const lives = (store: Store): unknown[] =>
  store.db
    .prepare(
      `SELECT p.text, l.split, l.appearances, l.trainable, l.first_step, l.last_step, l.last_trainable_step
         FROM prompt_lives l JOIN prompts p ON p.id = l.prompt_id ORDER BY p.text, l.split`,
    )
    .raw()
    .all();

describe('prompt aggregates', () => {
  it('count appearances and trainable groups as they arrive, a group turning trainable in a later file included', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    // Step 4's group of P has one sample (reward 1) in a.jsonl and the rest (reward 0) in b.jsonl.
    writeJsonl(a, [...rows(2, 'p2', P, [1, 1]), ...rows(4, 'p4', P, [1]), ...rows(3, 'q3', Q, [0, 0]), ...rows(9, 'p9', P, [0, 1])]);
    writeJsonl(b, [...rows(4, 'p4', P, [0, 0], 1), ...rows(1, 'p1', P, [0, 0])]);
    const store = Store.open(path.join(dir, 't.db'));
    await new Ingestor(store, [a], { run: 'r' }).ingestOnce();
    assert.deepEqual(lives(store), [
      ['Name a prime.', 'train', 1, 0, 3, 3, null],
      ['What is 1+1?', 'train', 3, 1, 2, 9, 9],
    ]);
    await new Ingestor(store, [b], { run: 'r' }).ingestOnce();
    const kept = lives(store);
    assert.deepEqual(kept, [
      ['Name a prime.', 'train', 1, 0, 3, 3, null],
      ['What is 1+1?', 'train', 4, 2, 1, 9, 9],
    ]);
    // The same as counting every group again.
    fillPromptLives(store.db);
    assert.deepEqual(lives(store), kept);
    // Each step's sample id range, step 4's across both files; the same as reading the samples again.
    const ranges = (): unknown[] => store.db.prepare('SELECT step, first_sample_id, last_sample_id FROM steps ORDER BY step').raw().all();
    const expected = [
      [1, 10, 11],
      [2, 1, 2],
      [3, 4, 5],
      [4, 3, 9],
      [9, 6, 7],
    ];
    assert.deepEqual(ranges(), expected);
    fillStepRanges(store.db);
    assert.deepEqual(ranges(), expected);
    assert.deepEqual(
      promptLives(store, 'r').map((r) => [r.prompt_id, r.trainable, r.appearances]),
      [
        [promptIdOf(P), 2, 4],
        [promptIdOf(Q), 0, 1],
      ],
    );
    // Deleting the run deletes its aggregates.
    store.db.prepare('DELETE FROM runs').run();
    assert.deepEqual(lives(store), []);
    store.close();
  });

  it('are filled from the groups when a version-11 database is opened', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.jsonl');
    writeJsonl(a, [...rows(1, 'p1', P, [1, 0]), ...rows(2, 'p2', P, [1, 1]), ...rows(1, 'q1', Q, [0, 1])]);
    const file = path.join(dir, 'v11.db');
    const store = Store.open(file);
    await new Ingestor(store, [a], { run: 'old' }).ingestOnce();
    // What version 11 had: no aggregates, no step ranges (and no labels, version 13).
    store.db.exec(
      'DROP TRIGGER prompt_lives_group_added; DROP TRIGGER prompt_lives_group_trainable; DROP TABLE prompt_lives; ALTER TABLE steps DROP COLUMN first_sample_id; ALTER TABLE steps DROP COLUMN last_sample_id; DROP TABLE labels;',
    );
    store.db.pragma('user_version = 11');
    store.close();
    const again = Store.open(file);
    assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(lives(again), [
      ['Name a prime.', 'train', 1, 1, 1, 1, 1],
      ['What is 1+1?', 'train', 2, 1, 1, 2, 1],
    ]);
    // Step 1 holds samples 1, 2 (p1) and 5, 6 (q1); step 2 samples 3 and 4.
    assert.deepEqual(again.db.prepare('SELECT step, first_sample_id, last_sample_id FROM steps ORDER BY step').raw().all(), [
      [1, 1, 6],
      [2, 3, 4],
    ]);
    again.close();
  });
});
