// One failure cluster on the command line (src/cli/commands/clusterPick.ts): --cluster-by's forms,
// export-dataset --cluster and report --cluster through the built CLI, and the commands `clusters`
// prints to take a cluster on.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { clusterPickOption, parseClusterBy } from '../../../src/cli/commands/clusterPick';
import { UsageError } from '../../../src/cli/output';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';
import { failureRun } from '../analysis/failureTexts';

describe('--cluster-by', () => {
  test('wrong, flipped:SET, alert:KIND, text:QUERY (colons kept), label:TAG', () => {
    assert.deepEqual(parseClusterBy('wrong'), { kind: 'wrong' });
    assert.deepEqual(parseClusterBy('flipped:3'), { kind: 'flipped', set: 3 });
    assert.deepEqual(parseClusterBy('alert:format_gaming'), { kind: 'alert', alert: 'format_gaming' });
    assert.deepEqual(parseClusterBy('text:ratio 1:2'), { kind: 'text', query: 'ratio 1:2' });
    assert.deepEqual(parseClusterBy('label:bad-gt'), { kind: 'label', tag: 'bad-gt' });
  });

  test('bad forms say what the forms are', () => {
    const forms = '(wrong, flipped:SET, alert:KIND, text:QUERY or label:TAG)';
    const cases: Array<[string, string]> = [
      ['wrong:1', 'wrong takes no value'],
      ['flipped:0', 'a re-score set is a number ≥ 1'],
      ['alert:nope', 'an alert kind is one of'],
      ['text:', 'text needs a value after the colon'],
      ['labels:x', 'unknown kind "labels"'],
    ];
    for (const [given, why] of cases)
      assert.throws(
        () => parseClusterBy(given),
        (e: unknown) =>
          e instanceof UsageError && e.message.startsWith(`--cluster-by ${JSON.stringify(given)}: ${why}`) && e.message.endsWith(forms),
        given,
      );
  });

  test('the clustering options go with --cluster; the range is the command’s', () => {
    assert.equal(clusterPickOption({}, {}), undefined);
    assert.throws(() => clusterPickOption({ seed: '3' }, {}), /--seed goes with --cluster ID/);
    assert.deepEqual(clusterPickOption({ cluster: '2', 'cluster-by': 'label:x', seed: '3', k: '4' }, { split: 'val', from: 5 }), {
      spec: { split: 'val', from: 5, selection: { kind: 'label', tag: 'x' }, k: 4, seed: 3 },
      cluster: 2,
    });
  });
});

describe('a cluster through the CLI', () => {
  let dir: string;
  let db: string;
  before(() => {
    dir = tempDir();
    db = path.join(dir, 'f.db');
    writeJsonl(path.join(dir, 'f.jsonl'), failureRun());
    runCli(['ingest', path.join(dir, 'f.jsonl'), '--db', db, '--run', 'failures']);
  });

  test('clusters prints the commands that take a cluster on, with its options', () => {
    const r = runCli(['clusters', '--db', db, '--run', 'failures', '--steps', '2-3', '--k', '3']);
    assert.equal(r.code, 0);
    const tail = r.stdout.trim().split('\n').slice(-2);
    assert.deepEqual(tail, [
      `Export cluster ID: rollout-lens export-dataset --db ${db} --run failures --from 2 --to 3 --cluster ID --seed 1 --k 3 --kind sft --format jsonl --out FILE.jsonl`,
      `Share it as a page: rollout-lens report --db ${db} --run failures --steps 2-3 --cluster ID --seed 1 --k 3 --out FILE.html`,
    ]);
  });

  test('export-dataset --cluster writes that cluster’s samples; report --cluster shows it above a group', () => {
    const out = path.join(dir, 'c2.jsonl');
    const e = runCliJson<{ rows: number; samples: number; groups: number }>([
      'export-dataset',
      '--db',
      db,
      '--run',
      'failures',
      '--cluster',
      '2',
      '--kind',
      'sft',
      '--format',
      'jsonl',
      '--out',
      out,
      '--json',
    ]);
    assert.deepEqual([e.rows, e.samples, e.groups], [30, 30, 20]);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 30);
    const html = path.join(dir, 'c3.html');
    const r = runCliJson<{ samples: number; step: number; group: string; cluster: { id: number; size: number; in_group: number } }>([
      'report',
      '--db',
      db,
      '--run',
      'failures',
      '--cluster',
      '3',
      '--out',
      html,
      '--json',
    ]);
    assert.deepEqual([r.samples, r.step, r.group, r.cluster.id, r.cluster.size, r.cluster.in_group], [6, 2, 's2-g0', 3, 20, 1]);
    assert.match(fs.readFileSync(html, 'utf8'), /"selection_label":"wrong \(solved = the logged verdict\)"/);
  });

  test('label --cluster tags every sample of the cluster once', () => {
    const args = ['label', '--db', db, '--run', 'failures', '--cluster', '2', '--tag', 'rambles', '--json'];
    assert.deepEqual(runCliJson(args), {
      cluster: 2,
      name: 'approach and, is not, let me, not right, the approach',
      size: 30,
      tag: 'rambles',
      added: 30,
      already: 0,
    });
    assert.deepEqual(runCliJson<{ added: number; already: number }>(args).already, 30);
    const listed = runCliJson<{ labels: unknown[] }>(['labels', '--db', db, '--run', 'failures', '--tag', 'rambles', '--json']);
    assert.equal(listed.labels.length, 30);
    const both = runCli(['label', '--db', db, '--run', 'failures', '--cluster', '2', '--step', '1', '--tag', 'x']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--step names one group or sample: not with --cluster \(its range is --steps A-B\)/);
  });

  test('bad usage: a cluster that is not there, --step with --cluster, two ways to name the group', () => {
    const none = runCli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'failures',
      '--cluster',
      '9',
      '--kind',
      'sft',
      '--format',
      'jsonl',
      '--out',
      path.join(dir, 'x.jsonl'),
    ]);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /cluster #9 of failures: the clustering of 90 samples wrong \(solved = the logged verdict\) has 3 cluster\(s\)/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'x.jsonl')), false);
    const step = runCli(['report', '--db', db, '--run', 'failures', '--cluster', '1', '--step', '2', '--out', path.join(dir, 'y.html')]);
    assert.equal(step.code, 2);
    assert.match(step.stderr, /--cluster takes its step range as --steps A-B, not --step/);
    const two = runCli(['report', '--db', db, '--run', 'failures', '--cluster', '1', '--label', 'x', '--out', path.join(dir, 'y.html')]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /exactly one of --group UID, --label TAG or --cluster ID/);
  });
});
