// What a search shows at any size (issue #31): the best matches first while every match can be
// ranked, the newest first (and said so) past that, "more results" in the same order, and a phrase
// that spans the tokens of a hyphenated word matched only where its words follow one another.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { searchText, type SearchOptions } from '../../../src/core/store/fts';
import { Store } from '../../../src/core/store/store';
import type { SearchResultDto } from '../../../src/shared/protocol/engine';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

let store: Store;
let db: string;

const RESPONSES = [
  'recheck recheck recheck',
  'a long response that mentions recheck once among very many other words of no interest at all',
  'nothing to see here',
  'recheck it and recheck again',
  'I double-check the arithmetic now',
  'the arithmetic, I double-check it',
  'double-check: the arithmetic holds',
];

before(async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  writeJsonl(
    a,
    RESPONSES.map((response, i) => ({ step: 1 + Math.floor(i / 4), group: `g${Math.floor(i / 4)}`, prompt: 'p', response, reward: i })),
  );
  const b = path.join(dir, 'b.jsonl');
  writeJsonl(b, [{ step: 1, group: 'x', prompt: 'p', response: 'recheck in another run', reward: 9 }]);
  db = path.join(dir, 't.db');
  store = Store.open(db);
  await new Ingestor(store, [a], { run: 'main' }).ingestOnce();
  await new Ingestor(store, [b], { run: 'other' }).ingestOnce();
  store.close();
  store = Store.open(db);
});

/** Each hit as run:step:index, and the result's order and "more". */
function shown(query: string, opts: SearchOptions): [string[], SearchResultDto['order'], SearchResultDto['more']] {
  const r = searchText(store, query, opts);
  return [r.hits.map((h) => `${h.run}:${h.step}:${h.index}`), r.order, r.more];
}

describe('search order', () => {
  it('ranks every match best first while they fit the window, and pages on by offset', () => {
    assert.deepEqual(shown('recheck', { run: 'main' }), [['main:1:0', 'main:1:3', 'main:1:1'], 'best', null]);
    assert.deepEqual(shown('recheck', { run: 'main', limit: 2 }), [['main:1:0', 'main:1:3'], 'best', { offset: 2 }]);
    assert.deepEqual(shown('recheck', { run: 'main', limit: 2, offset: 2 }), [['main:1:1'], 'best', null]);
    // Every run: the other run's match is ranked with them.
    assert.deepEqual(shown('recheck', {}), [['main:1:0', 'main:1:3', 'other:1:0', 'main:1:1'], 'best', null]);
  });

  it('lists the newest first, and says so, when there are more matches than it ranks', () => {
    assert.deepEqual(shown('recheck', { run: 'main', limit: 2, rankWindow: 2 }), [['main:1:3', 'main:1:1'], 'newest', { before: 2 }]);
    assert.deepEqual(shown('recheck', { run: 'main', limit: 2, before: 2 }), [['main:1:0'], 'newest', null]);
    // The other run's newer match is not one of main's.
    assert.deepEqual(shown('recheck', { limit: 2, rankWindow: 2 }), [['other:1:0', 'main:1:3'], 'newest', { before: 4 }]);
  });

  it('matches a phrase across a hyphenated word only where its words follow one another', () => {
    assert.deepEqual(shown('"double-check the arithmetic"', { run: 'main' })[0].sort(), ['main:2:0', 'main:2:2']);
    // The words in any order: all three. Unquoted, `double-check` is not FTS5 syntax: the literal phrase again.
    assert.deepEqual(shown('double check the arithmetic', { run: 'main' })[0].sort(), ['main:2:0', 'main:2:1', 'main:2:2']);
    const literal = searchText(store, 'double-check the arithmetic', { run: 'main' });
    assert.deepEqual([literal.literal, literal.hits.map((h) => h.index).sort()], [true, [0, 2]]);
    assert.deepEqual(shown('"double-check the arithmetic"', { run: 'main', rankWindow: 1, limit: 5 }), [
      ['main:2:2', 'main:2:0'],
      'newest',
      null,
    ]);
  });

  it('answers an unknown run with no hits', () => {
    assert.deepEqual(shown('recheck', { run: 'nope' }), [[], 'best', null]);
  });
});

describe('rollout-lens search', () => {
  it('--json says the order and how to get more; the table says it on stderr', () => {
    const r = runCliJson<SearchResultDto>(['search', 'recheck', '--db', db, '--run', 'main', '--limit', '1']);
    assert.deepEqual([r.hits.map((h) => h.index), r.order, r.more, r.literal], [[0], 'best', { offset: 1 }, false]);
    const next = runCliJson<SearchResultDto>(['search', 'recheck', '--db', db, '--run', 'main', '--limit', '1', '--offset', '1']);
    assert.deepEqual([next.hits.map((h) => h.index), next.more], [[3], { offset: 2 }]);
    const older = runCliJson<SearchResultDto>(['search', 'recheck', '--db', db, '--run', 'main', '--before', '4']);
    assert.deepEqual([older.hits.map((h) => h.index), older.order, older.more], [[1, 0], 'newest', null]);
    const table = runCli(['search', 'recheck', '--db', db, '--run', 'main', '--limit', '1']);
    assert.equal(table.stderr, 'rollout-lens: more results: --offset 1\n');
    const both = runCli(['search', 'recheck', '--db', db, '--offset', '1', '--before', '4']);
    assert.equal(both.code, 2);
  });
});
