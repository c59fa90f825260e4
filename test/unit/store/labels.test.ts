// Labels on groups and samples: stored by the sample's identity, exactly once, reported when their
// target is gone, and back in place when the run is ingested again (issue #30, item 1).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { addLabel, groupLabels, labelTags, listLabels, removeLabel } from '../../../src/core/store/labels';
import { listGroups, listSamples, listSteps } from '../../../src/core/store/reads';
import { Store } from '../../../src/core/store/store';
import { rescore } from '../../../src/core/rewards/rescore';
import { labelSearchItems } from '../../../src/extension/commands/labelSearch';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir, writeJsonl } from '../../helpers';

const ROWS = [
  { step: 1, group: 'g1', prompt: 'What is 2+2?', response: '\\boxed{4}', reward: 1, ground_truth: '4' },
  { step: 1, group: 'g1', prompt: 'What is 2+2?', response: '\\boxed{5}', reward: 1, ground_truth: '4' },
  { step: 1, group: 'g2', prompt: 'What is 3+3?', response: '\\boxed{6}', reward: 1, ground_truth: '6' },
  { step: 2, group: 'g1', prompt: 'What is 2+2?', response: 'four', reward: 0, ground_truth: '4' },
];
const NOW = new Date('2026-12-07T01:00:00.000Z');
const by = { user: 'ana', now: NOW };

async function fixture(): Promise<{ store: Store; file: string }> {
  const dir = tempDir('rl-labels-');
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, ROWS);
  const store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
  return { store, file };
}

/** Each label as one line, for literal comparisons. */
const lines = (store: Store, q: { run: string; tag?: string; step?: number } = { run: 'r' }): string[] =>
  listLabels(store, q).map(
    (l) =>
      `${l.split} ${l.step} ${l.group} ${l.index ?? 'group'} ${l.tag} "${l.note}" ${l.created_by} ${l.created_at}${l.missing ? ' missing' : ''}`,
  );

const g1 = { run: 'r', split: 'train' as const, step: 1, group: 'g1' };

async function labelled(): Promise<{ store: Store; file: string }> {
  const f = await fixture();
  addLabel(f.store, { ...g1, index: 1 }, 'reward-hack', { ...by, note: 'boxed 5 got reward 1' });
  addLabel(f.store, g1, 'bad-gt', by);
  addLabel(f.store, { ...g1, step: 2 }, 'bad-gt', by);
  return f;
}

describe('labels', () => {
  it('stores a tag on a group or a sample once, with its note, time and user', async () => {
    const { store } = await labelled();
    try {
      const again = addLabel(store, { ...g1, index: 1 }, 'reward-hack', { user: 'bo', now: new Date(0) });
      assert.deepEqual([again.added, again.label.created_by, again.label.note], [false, 'ana', 'boxed 5 got reward 1']);
      // A note given with a repeated tag replaces the note; the label stays the first one's.
      addLabel(store, { ...g1, index: 1 }, 'reward-hack', { user: 'bo', note: 'the format reward alone' });
      assert.deepEqual(lines(store), [
        'train 1 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z',
        'train 1 g1 1 reward-hack "the format reward alone" ana 2026-12-07T01:00:00.000Z',
        'train 2 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z',
      ]);
      assert.deepEqual(lines(store, { run: 'r', tag: 'bad-gt', step: 2 }), ['train 2 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z']);
      assert.deepEqual(labelTags(store, 'r'), [
        { tag: 'bad-gt', count: 2, missing: 0 },
        { tag: 'reward-hack', count: 1, missing: 0 },
      ]);
      const gl = groupLabels(store, g1);
      assert.deepEqual(
        [gl.group.map((l) => l.tag), gl.samples.map((s) => [s.index, s.labels.map((l) => l.tag)])],
        [['bad-gt'], [[1, ['reward-hack']]]],
      );
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM labels').pluck().get(), 3);
      assert.equal(removeLabel(store, { ...g1, step: 2 }, 'bad-gt'), true);
      assert.equal(removeLabel(store, { ...g1, step: 2 }, 'bad-gt'), false);
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM labels').pluck().get(), 2);
    } finally {
      store.close();
    }
  });

  it('defaults the user to the OS user and the time to now', async () => {
    const { store } = await fixture();
    try {
      const { label } = addLabel(store, g1, 'truncated-good');
      assert.equal(label.created_by.length > 0, true);
      assert.match(label.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    } finally {
      store.close();
    }
  });

  it('refuses bad tags, long notes and targets that are not stored, and stores nothing', async () => {
    const { store } = await fixture();
    try {
      const refused = (f: () => unknown): string => {
        try {
          f();
        } catch (e) {
          assert.ok(e instanceof LensError);
          return `${e.code}: ${e.message}`;
        }
        return 'accepted';
      };
      assert.deepEqual(
        [
          refused(() => addLabel(store, g1, 'reward hack')),
          refused(() => addLabel(store, g1, '')),
          refused(() => addLabel(store, g1, 'x'.repeat(41))),
          refused(() => addLabel(store, g1, '-flag')),
          refused(() => addLabel(store, g1, 'ok', { note: 'n'.repeat(2001) })),
          refused(() => addLabel(store, { ...g1, index: 7 }, 'ok')),
          refused(() => addLabel(store, { ...g1, group: 'g9' }, 'ok')),
          refused(() => addLabel(store, { ...g1, step: 9 }, 'ok')),
        ],
        [
          `${ErrorCode.BadInput}: invalid label tag "reward hack": use letters, digits and . _ : -, starting with a letter or digit (e.g. reward-hack)`,
          `${ErrorCode.BadInput}: a label tag cannot be empty`,
          `${ErrorCode.BadInput}: a label tag is at most 40 characters, got 41`,
          `${ErrorCode.BadInput}: invalid label tag "-flag": use letters, digits and . _ : -, starting with a letter or digit (e.g. reward-hack)`,
          `${ErrorCode.BadInput}: a label note is at most 2000 characters`,
          `${ErrorCode.NotFound}: r: step 1 group g1 sample 7 is not stored`,
          `${ErrorCode.NotFound}: r: step 1 group g9 is not stored`,
          `${ErrorCode.NotFound}: r: step 9 group g1 is not stored`,
        ],
      );
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM labels').pluck().get(), 0);
    } finally {
      store.close();
    }
  });

  it('filters groups, steps and samples by a tag and carries the tags on the rows', async () => {
    const { store } = await labelled();
    try {
      addLabel(store, { ...g1, group: 'g2', index: 0 }, 'truncated-good', by);
      const groups = listGroups(store, { run: 'r', step: 1 }, { offset: 0, limit: 10 }).rows;
      assert.deepEqual(
        groups.map((g) => [g.group, g.labels]),
        [
          ['g1', ['bad-gt', 'reward-hack']],
          ['g2', ['truncated-good']],
        ],
      );
      const hacked = listGroups(store, { run: 'r' }, { offset: 0, limit: 10, filter: { label: 'reward-hack' } }).rows;
      assert.deepEqual(
        hacked.map((g) => [g.step, g.group]),
        [[1, 'g1']],
      );
      const badGt = listGroups(store, { run: 'r' }, { offset: 0, limit: 10, filter: { label: 'bad-gt' } }).rows;
      assert.deepEqual(
        badGt.map((g) => [g.step, g.group]),
        [
          [1, 'g1'],
          [2, 'g1'],
        ],
      );
      assert.deepEqual(
        listSteps(store, 'r', 0, 10, undefined, { filter: { label: 'truncated-good' } }).rows.map((s) => s.step),
        [1],
      );
      assert.deepEqual(
        listSamples(store, g1).map((s) => [s.index, s.labels]),
        [
          [0, undefined],
          [1, ['reward-hack']],
        ],
      );
      assert.deepEqual(
        listSamples(store, g1, { filter: { label: 'reward-hack' } }).map((s) => s.index),
        [1],
      );
      // A label on the whole group is on each of its samples.
      assert.deepEqual(
        listSamples(store, g1, { filter: { label: 'bad-gt' } }).map((s) => s.index),
        [0, 1],
      );
      assert.deepEqual(
        listSamples(store, { ...g1, group: 'g2' }, { filter: { label: 'bad-gt' } }).map((s) => s.index),
        [],
      );
    } finally {
      store.close();
    }
  });
});

describe('finding labels', () => {
  it('by words of the tag or the note, ignoring case; the search items say where each is', async () => {
    const { store } = await fixture();
    try {
      addLabel(store, { ...g1, index: 1 }, 'reward-hack', { ...by, note: 'Boxed the WRONG answer, reward 1' });
      addLabel(store, g1, 'bad-gt', { ...by, note: 'the wrong gt was used' });
      addLabel(store, { ...g1, step: 2 }, 'truncated-good', by);
      const find = (text: string): string[] =>
        listLabels(store, { run: 'r', text }).map((l) => `${l.step} ${l.group} ${l.index ?? 'group'} ${l.tag}`);
      assert.deepEqual(find('wrong'), ['1 g1 group bad-gt', '1 g1 1 reward-hack']);
      assert.deepEqual(find('wrong gt'), ['1 g1 group bad-gt']);
      assert.deepEqual(find('GOOD'), ['2 g1 group truncated-good']);
      assert.deepEqual(find('%'), []);
      assert.deepEqual(
        labelSearchItems(listLabels(store, { run: 'r', text: 'hack' })).map(({ label, description, detail }) => [
          label,
          description,
          detail,
        ]),
        [['reward-hack', 'r · step 1 group g1 sample 1', 'Boxed the WRONG answer, reward 1 · ana, 2026-12-07 01:00 UTC']],
      );
    } finally {
      store.close();
    }
  });
});

describe('labels survive re-ingest, deletion and re-score', () => {
  it('re-ingesting the same file keeps each label exactly once', async () => {
    const { store, file } = await labelled();
    try {
      const before = lines(store);
      await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
      // The same rows under another file name: their identities are the stored ones, so nothing doubles.
      const copy = path.join(path.dirname(file), 'copy.jsonl');
      fs.copyFileSync(file, copy);
      const report = await new Ingestor(store, [copy], { run: 'r' }).ingestOnce();
      assert.deepEqual([report.samples_added, report.samples_duplicate], [0, 4]);
      assert.deepEqual(lines(store), before);
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 4);
    } finally {
      store.close();
    }
  });

  it('a deleted run leaves its labels reported as missing; ingesting it again attaches them', async () => {
    const { store, file } = await labelled();
    try {
      store.write(() => store.db.prepare('DELETE FROM runs WHERE name = ?').run('r'));
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 0);
      assert.deepEqual(lines(store), [
        'train 1 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z missing',
        'train 1 g1 1 reward-hack "boxed 5 got reward 1" ana 2026-12-07T01:00:00.000Z missing',
        'train 2 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z missing',
      ]);
      assert.deepEqual(labelTags(store, 'r'), [
        { tag: 'bad-gt', count: 2, missing: 2 },
        { tag: 'reward-hack', count: 1, missing: 1 },
      ]);
      await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
      assert.deepEqual(lines(store), [
        'train 1 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z',
        'train 1 g1 1 reward-hack "boxed 5 got reward 1" ana 2026-12-07T01:00:00.000Z',
        'train 2 g1 group bad-gt "" ana 2026-12-07T01:00:00.000Z',
      ]);
      assert.deepEqual(
        listSamples(store, g1, { filter: { label: 'reward-hack' } }).map((s) => [s.index, s.labels]),
        [[1, ['reward-hack']]],
      );
    } finally {
      store.close();
    }
  });

  it('a re-score leaves the labels as they were', async () => {
    const { store } = await labelled();
    try {
      const before = lines(store);
      const r = await rescore(store, { run: 'r', spec: 'math', trusted: false });
      assert.equal(r.samples, 4);
      assert.deepEqual(lines(store), before);
      assert.deepEqual(
        listGroups(store, { run: 'r', step: 1 }, { offset: 0, limit: 10, filter: { label: 'reward-hack' } }).rows.map((g) => g.group),
        ['g1'],
      );
    } finally {
      store.close();
    }
  });
});
