// Searching all turns: by default a keyword that appears only in a tool turn is no hit (the policy's
// own text is what search counts); with allTurns (the setting rolloutLens.search.includeAllTurns,
// the CLI's --all-turns) it is one. Through the store, the engine protocol and the CLI.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { EngineServer } from '../../../src/engine/server';
import { listGroups, listSamples, listSteps } from '../../../src/core/store/reads';
import { searchText } from '../../../src/core/store/fts';
import { Store } from '../../../src/core/store/store';
import type { SearchHitDto, SearchResultDto } from '../../../src/shared/protocol/engine';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import { runCli, runCliJson, tempDir, transportPair, writeJsonl } from '../../helpers';

const TURNS = [
  { role: 'user', content: 'Add 17 and 25.\n', trained: false },
  { role: 'assistant', content: 'I will use the tool. <tool_call>{"name":"calc"}</tool_call>\n', trained: true },
  { role: 'tool', content: 'calculator says 42\n', trained: false },
  { role: 'assistant', content: 'The sum is 42.', trained: true },
];
let dir: string;
let db: string;

before(async () => {
  dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    { step: 1, group: 'g', prompt: 'Add 17 and 25.', response: TURNS.map((t) => t.content).join(''), reward: 1, turns: TURNS },
    { step: 1, group: 'g', prompt: 'Add 17 and 25.', response: 'It is 41.', reward: 0 },
  ]);
  db = path.join(dir, 'a.db');
  assert.equal(runCli(['ingest', file, '--db', db, '--run', 'agent']).code, 0);
});

describe('search in all turns', () => {
  it('store: a keyword only in a tool turn is 0 hits by default, 1 with allTurns', () => {
    const store = Store.open(db);
    try {
      assert.deepEqual(searchText(store, 'calculator').hits, []);
      assert.deepEqual(
        searchText(store, 'calculator', { allTurns: true }).hits.map((h) => [h.run, h.step, h.group, h.index]),
        [['agent', 1, 'g', 0]],
      );
      // The user turn is no policy text either; "sum" is in a trained turn and found both ways.
      assert.equal(searchText(store, '17').hits.length, 0);
      assert.equal(searchText(store, '17', { allTurns: true }).hits.length, 1);
      assert.equal(searchText(store, 'sum').hits.length, 1);
      // The explorer's text filter follows the same switch.
      const step = { run: 'agent', split: 'train' as const, step: 1 };
      assert.equal(listGroups(store, step, { offset: 0, limit: 5, filter: { text: 'calculator' } }).total, 0);
      assert.equal(listGroups(store, step, { offset: 0, limit: 5, filter: { text: 'calculator', allTurns: true } }).total, 1);
      assert.deepEqual(
        listSamples(store, { ...step, group: 'g' }, { filter: { text: 'calculator', allTurns: true } }).map((r) => r.index),
        [0],
      );
      assert.deepEqual(listSamples(store, { ...step, group: 'g' }, { filter: { text: 'calculator' } }), []);
    } finally {
      store.close();
    }
  });

  it('a group with a tool turn is a tool-use group: counted, badged and filtered (issue #25 item 14)', () => {
    const store = Store.open(db);
    try {
      const step = { run: 'agent', split: 'train' as const, step: 1 };
      const [g] = listGroups(store, step, { offset: 0, limit: 5 }).rows;
      assert.deepEqual([g!.group, g!.size, g!.tool_use], ['g', 2, 1]);
      assert.equal(listGroups(store, step, { offset: 0, limit: 5, filter: { tools: true } }).total, 1);
      assert.deepEqual(
        listSteps(store, 'agent', 0, 10, undefined, { filter: { tools: true } }).rows.map((r) => r.step),
        [1],
      );
    } finally {
      store.close();
    }
  });

  it('engine protocol: search takes allTurns and refuses a non-boolean', async () => {
    const [a, b] = transportPair();
    const server = new EngineServer(new RpcEndpoint(b));
    const client = new RpcEndpoint(a);
    await client.request('initialize', { db });
    const hits = async (p: Record<string, unknown>): Promise<SearchHitDto[]> =>
      ((await client.request('search', { query: 'calculator', ...p })) as SearchResultDto).hits;
    assert.deepEqual(await hits({}), []);
    assert.deepEqual(
      (await hits({ allTurns: true })).map((h) => h.index),
      [0],
    );
    assert.deepEqual(
      (await hits({ allTurns: false })).map((h) => h.index),
      [],
    );
    await assert.rejects(hits({ allTurns: 'yes' }), (e: Error) => /^search: allTurns: /.test(e.message));
    const groups = (await client.request('groups/list', {
      run: 'agent',
      split: 'train',
      step: 1,
      offset: 0,
      limit: 5,
      filter: { text: 'calculator', allTurns: true },
    })) as { total: number };
    assert.equal(groups.total, 1);
    server.dispose();
  });

  it('CLI: search --json prints no hit by default and the one hit with --all-turns', () => {
    assert.deepEqual(runCliJson(['search', 'calculator', '--db', db]), { hits: [], literal: false, order: 'best', more: null });
    const { hits } = runCliJson<SearchResultDto>(['search', 'calculator', '--db', db, '--all-turns']);
    assert.deepEqual(
      hits.map(({ sample_id: _id, ...h }) => h),
      [
        {
          run: 'agent',
          split: 'train',
          step: 1,
          group: 'g',
          index: 0,
          reward: 1,
          snippet: '…I will use the tool. <tool_call>{"name":"calc"}</tool_call>\ncalculator…',
          highlights: [[61, 71]],
        },
      ],
    );
    assert.deepEqual(
      runCliJson<SearchResultDto>(['search', 'sum', '--db', db, '--run', 'agent']).hits.map((h) => h.index),
      [0],
    );
    const bad = runCli(['search', '--db', db]);
    assert.deepEqual(
      [bad.code, bad.stderr],
      [2, 'rollout-lens: search needs one QUERY (quote it: "let me recheck" OR wait) (see rollout-lens --help)\n'],
    );
    const noRun = runCli(['search', 'sum', '--db', db, '--run', 'nope']);
    assert.deepEqual([noRun.code, noRun.stdout], [1, '']);
  });

  it('CLI: a LaTeX query is searched for as a literal phrase, and stderr says so', () => {
    // A backslash is not FTS5 syntax; the tokenizer reads `\sum is 42` as the words "sum is 42".
    const r = runCli(['search', '\\sum is 42', '--db', db, '--json']);
    assert.deepEqual(
      [r.code, (JSON.parse(r.stdout) as SearchResultDto).hits.map((h) => h.index), r.stderr],
      [0, [0], 'rollout-lens: "\\\\sum is 42" is not FTS5 query syntax: searched for it as one literal phrase\n'],
    );
  });
});
