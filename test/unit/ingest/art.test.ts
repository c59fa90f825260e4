// ART trajectory logs, JSONL generation (test/fixtures/art/make_art_trajectories.py, from the writer's exact
// field list: ART itself is not installed here): a line is a group, Choices are the trained turns.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { artTrajectories } from '../../../src/core/ingest/artFormat';
import type { WholeFilePass } from '../../../src/core/ingest/formats';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { discover } from '../../../src/core/ingest/sources';
import { exportRun } from '../../../src/core/store/exporter';
import { FileCursors } from '../../../src/core/store/files';
import { RolloutWriter } from '../../../src/core/store/rolloutWriter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const art = path.join(FIXTURES, 'art', 'jsonl', '.art');
const train = path.join(art, '2048', 'models', 'agent-001', 'trajectories', 'train');

describe('ART trajectory logs', () => {
  it('reads a group per line, the step from the file name, and Choices as the trained turns', async () => {
    const store = Store.open(path.join(tempDir(), 'a.db'));
    const r = await new Ingestor(store, [art], { run: 'a' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['art', 3, 8, 3, [], 'id']);
    const id = store.requireRun('a').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 5, 2, 0.5],
        ['train', 2, 2, 1, 1],
        ['val', 2, 1, 1, 1],
      ],
    );
    const rows = [...exportRun(store, id)];
    assert.deepEqual(
      rows.filter((s) => s.step === 1).map((s) => [s.group, s.index, s.reward, s.turns?.length ?? 0]),
      [
        ['0', 0, 1, 3],
        ['0', 1, 0, 0],
        ['0', 2, 0.5, 5],
        ['1', 0, 1, 0],
        ['1', 1, 0, 0],
      ],
    );
    const game = rows.find((s) => s.step === 1 && s.group === '0' && s.index === 2)!;
    assert.equal(game.prompt, 'system: You play 2048. Answer with one move.\n\nuser: board: 2 . . 2');
    assert.deepEqual(game.turns, [
      { role: 'assistant', content: 'left', trained: true },
      { role: 'user', content: 'board after left: 4 . . 2', trained: false },
      { role: 'assistant', content: 'down', trained: true },
      { role: 'user', content: 'board after down: 4 . . 4', trained: false },
      { role: 'assistant', content: 'up', trained: true },
    ]);
    assert.deepEqual(game.meta, { metrics: { max_value: 16, duration: 1.5 }, metadata: { game_id: 'g1' } });
    const one = rows.find((s) => s.step === 1 && s.group === '0' && s.index === 1)!;
    assert.deepEqual([one.response, one.turns], ['right', undefined]);
    const again = await new Ingestor(store, [art], { run: 'a' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('is known by its place: trajectories/{split}/{step}.jsonl; other JSONL files keep their formats', () => {
    const dir = tempDir();
    const place = path.join(dir, 'trajectories', 'train');
    fs.mkdirSync(place, { recursive: true });
    fs.copyFileSync(path.join(train, '0002.jsonl'), path.join(place, '0002.jsonl'));
    // The same line elsewhere is no known record: ART lines carry no step.
    fs.copyFileSync(path.join(train, '0002.jsonl'), path.join(dir, '0002.jsonl'));
    const d = discover([dir], 'auto');
    assert.deepEqual(
      d.files.map((f) => [path.relative(dir, f.path), f.format, f.split]),
      [['trajectories/train/0002.jsonl', 'art', 'train']],
    );
    assert.deepEqual(
      d.unknown.map((u) => [path.relative(dir, u.path), u.reason.slice(0, 38)]),
      [['0002.jsonl', 'records with keys {trajectories} match']],
    );
  });

  it('names a bad group by file and line and stores the other groups', async () => {
    const dir = path.join(tempDir(), 'trajectories', 'train');
    fs.mkdirSync(dir, { recursive: true });
    const lines = fs.readFileSync(path.join(train, '0001.jsonl'), 'utf8').split('\n');
    const file = path.join(dir, '0005.jsonl');
    fs.writeFileSync(file, [lines[0]!.replace('"reward": 0.0', '"reward": "lost"'), lines[1]!].join('\n'));
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [path.dirname(dir)], { run: 'b' }).ingestOnce();
    assert.deepEqual([r.format, r.samples_added], ['art', 2]);
    assert.deepEqual(r.errors, [{ file, line: 1, message: 'trajectories[1].reward must be a finite number, got a string ("lost")' }]);
    // The second line keeps its group number: 1.
    assert.deepEqual(
      [...exportRun(store, store.requireRun('b').id)].map((s) => [s.step, s.group, s.index]),
      [
        [5, '1', 0],
        [5, '1', 1],
      ],
    );
    store.close();
  });

  it('following a run: a step file caught half written waits, and is stored once when complete', async () => {
    const dir = path.join(tempDir(), 'trajectories', 'train');
    fs.mkdirSync(dir, { recursive: true });
    const store = Store.open(path.join(tempDir(), 'c.db'));
    const runId = store.ensureRun('c', null);
    const ctx = {
      store,
      cursors: new FileCursors(store.db),
      writer: new RolloutWriter(store.db, runId),
      runId,
      batchRows: 4000,
      breathe: () => Promise.resolve(),
    };
    const file = path.join(dir, '0001.jsonl');
    const pass = async (settling: boolean): Promise<[number, number, string[]]> => {
      const p: WholeFilePass = { ctx, file, settling, notes: { rewardNames: new Set() }, ahead: undefined };
      const c = await artTrajectories.pass(p);
      return [c.added, c.duplicate, c.errors.map((e) => e.message)];
    };
    const full = fs.readFileSync(path.join(train, '0001.jsonl'), 'utf8');
    fs.writeFileSync(file, full.slice(0, full.indexOf('\n') + 200));
    assert.deepEqual(await pass(true), [0, 0, []]);
    fs.writeFileSync(file, full);
    assert.deepEqual(await pass(true), [5, 0, []]);
    assert.deepEqual(await pass(true), [0, 0, []]);
    assert.deepEqual(await pass(false), [0, 0, []]);
    // Rewritten (ART opens the file with "w"): read again, nothing stored twice.
    fs.writeFileSync(file, full + '\n');
    assert.deepEqual(await pass(false), [0, 5, []]);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 5);
    store.close();
  });
});
