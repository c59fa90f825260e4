// rollout-lens label / labels: the documented JSON (docs/cli.md#labels), exactly once, and a label
// whose group is gone is reported, not dropped.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { LabelsJson } from '../../../src/cli/commands/labels';
import { Store } from '../../../src/core/store/store';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The JSON with the time checked and replaced, so the rest compares literally. */
function timeless(j: LabelsJson): LabelsJson {
  for (const l of j.labels) {
    assert.match(l.created_at, ISO);
    l.created_at = 'T';
  }
  return j;
}

describe('rollout-lens label and labels', () => {
  it('labels a group and a sample once, lists them with tag counts, filters by tag and removes', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(
      file,
      [1, 1, 0].map((reward, i) => ({ step: 3, group: 'g7', prompt: 'p', response: `r${i}`, reward })),
    );
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', file, '--db', db, '--run', 'demo']);
    const at = ['--db', db, '--run', 'demo', '--step', '3', '--group', 'g7'];
    const first = runCli(['label', ...at, '--sample', '1', '--tag', 'reward-hack', '--note', 'format reward only']);
    assert.deepEqual([first.code, first.stdout], [0, 'labelled demo step 3 group g7 sample 1 reward-hack\n']);
    const again = runCli(['label', ...at, '--sample', '1', '--tag', 'reward-hack']);
    assert.deepEqual([again.code, again.stdout], [0, 'already labelled demo step 3 group g7 sample 1 reward-hack\n']);
    assert.equal(runCli(['label', ...at, '--tag', 'bad-gt']).code, 0);
    const user = os.userInfo().username;
    const label = (index: number | null, tag: string, note: string) => ({
      run: 'demo',
      split: 'train',
      step: 3,
      group: 'g7',
      index,
      tag,
      note,
      created_at: 'T',
      created_by: user,
      missing: false,
    });
    assert.deepEqual(timeless(runCliJson<LabelsJson>(['labels', '--db', db, '--run', 'demo'])), {
      run: 'demo',
      tags: [
        { tag: 'bad-gt', count: 1, missing: 0 },
        { tag: 'reward-hack', count: 1, missing: 0 },
      ],
      labels: [label(null, 'bad-gt', ''), label(1, 'reward-hack', 'format reward only')],
    });
    assert.deepEqual(
      timeless(runCliJson<LabelsJson>(['labels', '--db', db, '--run', 'demo', '--tag', 'reward-hack', '--step', '3'])).labels,
      [label(1, 'reward-hack', 'format reward only')],
    );

    // --query: words of the tag or the note, ignoring case.
    assert.deepEqual(timeless(runCliJson<LabelsJson>(['labels', '--db', db, '--run', 'demo', '--query', 'FORMAT reward'])).labels, [
      label(1, 'reward-hack', 'format reward only'),
    ]);
    assert.equal(
      runCli(['labels', '--db', db, '--run', 'demo', '--query', 'nothing like it']).stdout,
      'no labels on demo matching "nothing like it"\n',
    );
    assert.equal(runCli(['labels', '--db', db, '--run', 'demo', '--query', ' ']).code, 2);

    const bad = runCli(['label', ...at, '--tag', 'reward hack']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid label tag "reward hack"/);
    const nowhere = runCli(['label', ...at, '--sample', '9', '--tag', 'x']);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /demo: step 3 group g7 sample 9 is not stored/);

    assert.equal(runCli(['label', ...at, '--tag', 'bad-gt', '--remove']).stdout, 'removed bad-gt from demo step 3 group g7\n');
    const gone = runCli(['label', ...at, '--tag', 'bad-gt', '--remove']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /demo step 3 group g7 has no label "bad-gt"/);
    const table = runCli(['labels', '--db', db, '--run', 'demo']);
    assert.equal(table.stdout.split('\n')[0]!.replace(/ +/g, ' ').trim(), 'split step group sample tag note created_by created_at missing');
  });

  it('a label on a group that is no longer stored is listed as missing, with a warning', () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.jsonl');
    writeJsonl(a, [{ step: 1, group: 'g', prompt: 'p', response: 'r', reward: 1 }]);
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', a, '--db', db, '--run', 'one']);
    assert.equal(runCli(['label', '--db', db, '--run', 'one', '--step', '1', '--group', 'g', '--tag', 'bad-gt']).code, 0);
    // The label names run "one": a second run with the same group does not carry it.
    runCliJson(['ingest', a, '--db', db, '--run', 'two']);
    assert.deepEqual(runCliJson<LabelsJson>(['labels', '--db', db, '--run', 'two']), { run: 'two', tags: [], labels: [] });
    const store = Store.open(db);
    store.write(() => store.db.prepare('DELETE FROM runs WHERE name = ?').run('one'));
    store.close();
    const r = runCli(['labels', '--db', db, '--run', 'one', '--json']);
    assert.equal(r.code, 0);
    assert.deepEqual(
      timeless(JSON.parse(r.stdout) as LabelsJson).labels.map((l) => [l.step, l.group, l.index, l.tag, l.missing]),
      [[1, 'g', null, 'bad-gt', true]],
    );
    assert.equal(
      r.stderr,
      'rollout-lens: 1 label(s) of one point at a group or sample no longer stored (missing: true); ingest the run again to attach them\n',
    );
  });
});
