// The output channel's one line per ingest, follow, re-score, search and export (issue #25 item 21).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityLine } from '../../../src/extension/activityLog';
import { ErrorCode, LensError } from '../../../src/shared/errors';

describe('activity lines', () => {
  it('says what was done, how it ended and how long it took', () => {
    assert.equal(
      activityLine(
        'rescore/run',
        { run: 'realistic-grpo', spec: 'math' },
        { result: { set: 3, status: 'complete', samples: 2048, scored: 2048, errors: 0, reused: false, resumed: false } },
        12_345,
      ),
      '[rescore] realistic-grpo with math: set 3 complete: 2048 of 2048 samples scored, 0 errors in 12.3 s',
    );
    assert.equal(
      activityLine(
        'ingest',
        { paths: ['/runs/a'], run: 'a', follow: true },
        { result: { samples_added: 1, samples_duplicate: 0, errors: [], cancelled: true } },
        61_000,
      ),
      '[ingest] follow 1 path into a: 1 sample added, 0 already stored, 0 errors (stopped) in 61.0 s',
    );
  });
  it('logs a failed search with its error', () => {
    assert.equal(
      activityLine('search', { query: '\\text{ pages}' }, { error: new LensError(ErrorCode.BadInput, 'fts5: syntax error') }, 4.2),
      '[search] "\\\\text{ pages}": failed: fts5: syntax error in 4 ms',
    );
  });
  it('leaves out the quick reads a view makes', () => {
    assert.equal(activityLine('groups/list', {}, { result: { rows: [] } }, 3), undefined);
  });
});
