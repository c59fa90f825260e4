// Search snippets mark matches out of band (issue #25 item 7): the text is the response as written,
// the matches are ranges; tables and quick picks show them between « », which LaTeX does not use.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { SearchResultDto } from '../../../src/shared/protocol/engine';
import { markedSnippet, splitSnippet } from '../../../src/shared/text';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

let db: string;

before(() => {
  const dir = tempDir();
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    { step: 1, group: 'g', prompt: 'How many pages?', response: 'So the answer is \\boxed{164 \\text{ pages}}.', reward: 0 },
  ]);
  db = path.join(dir, 'a.db');
  assert.equal(runCli(['ingest', file, '--db', db, '--run', 'math']).code, 0);
});

describe('search snippets', () => {
  it('--json gives the text as written and the matches as ranges', () => {
    const [hit] = runCliJson<SearchResultDto>(['search', 'pages', '--db', db, '--json']).hits;
    assert.equal(hit!.snippet, 'So the answer is \\boxed{164 \\text{ pages}}.');
    assert.deepEqual(hit!.highlights, [[35, 40]]);
    assert.equal(hit!.snippet.slice(35, 40), 'pages');
  });
  it('the table marks a match inside LaTeX with « » and leaves the backslashes alone', () => {
    const r = runCli(['search', 'boxed', '--db', db]);
    assert.match(r.stdout, /So the answer is \\«boxed»\{164 \\text\{ pages\}\}\.\n$/);
  });
  it('splits in-band markers into ranges, and puts them back as « »', () => {
    const s = splitSnippet('a \u0002b\u0003 c \u0002dd\u0003');
    assert.deepEqual(s, {
      snippet: 'a b c dd',
      highlights: [
        [2, 3],
        [6, 8],
      ],
    });
    assert.equal(markedSnippet(s), 'a «b» c «dd»');
  });
});
