// ART trajectory logs in their three generations, JSONL, YAML and Parquet (test/fixtures/art/make_art_trajectories.py,
// from the writers' exact field lists: ART itself is not installed here; the YAML is PyYAML's yaml.dump and
// the Parquet pyarrow's with zstd, as ART writes them): a group per line (or group_index), Choices trained.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readYamlGroups } from '../../../src/core/ingest/artFiles';
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
const yamlArt = path.join(FIXTURES, 'art', 'yaml', '.art');
const parquetArt = path.join(FIXTURES, 'art', 'parquet', '.art');
const GAME_TURNS = [
  { role: 'assistant', content: 'left', trained: true },
  { role: 'user', content: 'board after left: 4 . . 2', trained: false },
  { role: 'assistant', content: 'down', trained: true },
  { role: 'user', content: 'board after down: 4 . . 4', trained: false },
  { role: 'assistant', content: 'up', trained: true },
];
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
    assert.deepEqual(game.turns, GAME_TURNS);
    assert.deepEqual(game.meta, { metrics: { max_value: 16, duration: 1.5 }, metadata: { game_id: 'g1' } });
    const one = rows.find((s) => s.step === 1 && s.group === '0' && s.index === 1)!;
    assert.deepEqual([one.response, one.turns], ['right', undefined]);
    const again = await new Ingestor(store, [art], { run: 'a' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('reads the older YAML files (PyYAML anchors and all) the same way', async () => {
    const store = Store.open(path.join(tempDir(), 'y.db'));
    const r = await new Ingestor(store, [yamlArt], { run: 'y' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['art', 2, 7, 2, [], 'id']);
    const id = store.requireRun('y').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 5, 2, 0.5],
        ['train', 2, 2, 1, 1],
      ],
    );
    const game = [...exportRun(store, id)].find((s) => s.step === 1 && s.group === '0' && s.index === 2)!;
    // The system message is written once with an anchor and referred to by the other trajectories.
    assert.equal(game.prompt, 'system: You play 2048. Answer with one move.\n\nuser: board: 2 . . 2');
    assert.deepEqual(game.turns, GAME_TURNS);
    assert.deepEqual(game.meta, { metrics: { duration: 1.5, max_value: 16 }, metadata: { game_id: 'g1' } });
    store.close();
  });

  it('reads the newer Parquet files (zstd): group_index groups, trainable messages as trained turns, v1 and v2', async () => {
    const store = Store.open(path.join(tempDir(), 'p.db'));
    const r = await new Ingestor(store, [parquetArt], { run: 'p' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping], ['art', 2, 7, 2, [], 'id']);
    const id = store.requireRun('p').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups, s.reward_mean]),
      [
        ['train', 1, 5, 2, 0.5],
        ['train', 2, 2, 1, 0.5],
      ],
    );
    const rows = [...exportRun(store, id)];
    // v2 at step 2: group 0 kept no trajectory (one row without one), so the game is group 1.
    assert.deepEqual(
      rows.filter((s) => s.step === 2).map((s) => [s.group, s.index, s.reward, s.response]),
      [
        ['1', 0, 1, 'left'],
        ['1', 1, 0, 'down'],
      ],
    );
    // v2 left the 'down' trajectory's messages null (its user message is content parts): read from trajectory_json.
    assert.equal(
      rows.find((s) => s.step === 2 && s.index === 1)!.prompt,
      'system: You play 2048. Answer with one move.\n\nuser: board: 2 2 . .',
    );
    const game = rows.find((s) => s.step === 1 && s.group === '0' && s.index === 2)!;
    assert.deepEqual(game.turns, GAME_TURNS);
    assert.deepEqual(game.meta, { metrics: { max_value: 16, duration: 1.5 }, metadata: { game_id: 'g1' } });
    store.close();
  });

  it('YAML: resolves a message shared by hundreds of trajectories, and refuses an alias bomb', () => {
    const traj = (i: number): string =>
      `  - messages_and_choices:\n    - ${i === 0 ? '&id001\n      ' : '*id001'}${i === 0 ? 'content: sys\n      role: system' : ''}\n    reward: 1.0\n`;
    const many = readYamlGroups(`- trajectories:\n${Array.from({ length: 300 }, (_, i) => traj(i)).join('')}`);
    assert.equal(many.fileError, undefined);
    const g = many.groups[0]!.group as { trajectories: Array<{ messages_and_choices: unknown[] }> };
    assert.deepEqual([g.trajectories.length, g.trajectories[299]!.messages_and_choices], [300, [{ content: 'sys', role: 'system' }]]);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = readYamlGroups(`- trajectories: []\n  bomb:\n${levels.map((l) => `    ${l}`).join('\n')}\n`);
    assert.match(bomb.fileError ?? '', /^the YAML cannot be expanded: /);
  });

  it('is known by its place: trajectories/{split}/{step}.jsonl; other JSONL files keep their formats', () => {
    const dir = tempDir();
    const place = path.join(dir, 'trajectories', 'train');
    fs.mkdirSync(place, { recursive: true });
    fs.copyFileSync(path.join(train, '0002.jsonl'), path.join(place, '0002.jsonl'));
    // The same line elsewhere is no known record: ART lines carry no step.
    fs.copyFileSync(path.join(train, '0002.jsonl'), path.join(dir, '0002.jsonl'));
    // ART's Parquet is no TRL completions file, and its YAML is found although .yaml is no known name.
    const ptrain = path.join(parquetArt, '2048', 'models', 'agent-001', 'trajectories', 'train');
    fs.copyFileSync(path.join(ptrain, '0001.parquet'), path.join(place, '0001.parquet'));
    const ytrain = path.join(yamlArt, '2048', 'models', 'agent-001', 'trajectories', 'train');
    fs.mkdirSync(path.join(dir, 'trajectories', 'eval'));
    fs.copyFileSync(path.join(ytrain, '0001.yaml'), path.join(dir, 'trajectories', 'eval', '0003.yaml'));
    const d = discover([dir], 'auto');
    assert.deepEqual(
      d.files.map((f) => [path.relative(dir, f.path), f.format, f.split]),
      [
        ['trajectories/eval/0003.yaml', 'art', 'val'],
        ['trajectories/train/0001.parquet', 'art', 'train'],
        ['trajectories/train/0002.jsonl', 'art', 'train'],
      ],
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
    // In a YAML file, the line its group starts on.
    const yfile = path.join(dir, '0006.yaml');
    const ytext = fs.readFileSync(path.join(yamlArt, '2048', 'models', 'agent-001', 'trajectories', 'train', '0001.yaml'), 'utf8');
    // The last `reward: 0.0` (line 107) is group 1's second trajectory.
    fs.writeFileSync(yfile, ytext.replace(/reward: 0\.0\n(?![\s\S]*reward: 0\.0)/, 'reward: lost\n'));
    const y = await new Ingestor(store, [path.dirname(dir)], { run: 'b' }).ingestOnce();
    assert.deepEqual(
      [y.samples_added, y.errors],
      [3, [{ file: yfile, line: 74, message: 'trajectories[1].reward must be a finite number, got a string ("lost")' }]],
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
    const pass = async (settling: boolean, which = file): Promise<[number, number, string[]]> => {
      const p: WholeFilePass = { ctx, file: which, settling, notes: { rewardNames: new Set() }, ahead: undefined };
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
    // A Parquet file has its footer written last: without it, it waits too.
    const pq = path.join(dir, '0002.parquet');
    const bytes = fs.readFileSync(path.join(parquetArt, '2048', 'models', 'agent-001', 'trajectories', 'train', '0002.parquet'));
    fs.writeFileSync(pq, bytes.subarray(0, bytes.length - 100));
    assert.deepEqual(await pass(true, pq), [0, 0, []]);
    fs.writeFileSync(pq, bytes);
    assert.deepEqual(await pass(true, pq), [2, 0, []]);
    assert.deepEqual(await pass(false, pq), [0, 0, []]);
    store.close();
  });
});
