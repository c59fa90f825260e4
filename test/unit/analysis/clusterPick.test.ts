// One failure cluster as a selection (src/core/analysis/failureClusters.ts pickCluster): computed again
// from its spec, checked against what the user saw, and taken on: exported as a dataset, shown in a
// shared report, labelled sample by sample. On the crafted run of three failure kinds (failureTexts.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { failureClusters, pickCluster } from '../../../src/core/analysis/failureClusters';
import { exportDataset } from '../../../src/core/export/exportDataset';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { reportData } from '../../../src/core/report/reportData';
import { clusterGroup } from '../../../src/core/report/reportCluster';
import { labelSamples, listLabels } from '../../../src/core/store/labels';
import { Store } from '../../../src/core/store/store';
import { clusterPickOf } from '../../../src/shared/clusters';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir, writeJsonl } from '../../helpers';
import { craftedFailures, failureRun } from './failureTexts';

const kindOf = new Map(craftedFailures([40, 30, 20]).map((c) => [c.text, c.kind]));

describe('a failure cluster as a selection', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = tempDir();
    writeJsonl(path.join(dir, 'r.jsonl'), failureRun());
    store = Store.open(path.join(dir, 'db.sqlite'));
    await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
  });
  after(() => store.close());

  const kinds = (ids: number[]): Array<string | undefined> => [
    ...new Set(ids.map((id) => kindOf.get(store.db.prepare('SELECT response FROM samples WHERE id = ?').pluck().get(id) as string))),
  ];

  test('computed again from its spec: the same cluster, all its members of one kind', () => {
    const report = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    const picks = report.clusters.map((c) => pickCluster(store, 'r', clusterPickOf(report, c)));
    assert.deepEqual(
      picks.map((p) => [p.cluster.id, p.ids.length, kinds(p.ids)]),
      [
        [1, 40, ['arithmetic slip']],
        [2, 30, ['never answers']],
        [3, 20, ['wrong unit']],
      ],
    );
    assert.deepEqual(picks[1]!.cluster, report.clusters[1]);
  });

  test('a cluster that is not there, or not the one the user saw, is an error naming both', () => {
    const spec = { selection: { kind: 'wrong' as const } };
    assert.throws(
      () => pickCluster(store, 'r', { spec, cluster: 4 }),
      (e: unknown) =>
        e instanceof LensError &&
        e.code === ErrorCode.NotFound &&
        e.message === 'cluster #4 of r: the clustering of 90 samples wrong (solved = the logged verdict) has 3 cluster(s)',
    );
    assert.throws(
      () => pickCluster(store, 'r', { spec, cluster: 3, expect: { size: 21, terms: ['inches'] } }),
      (e: unknown) =>
        e instanceof LensError &&
        e.code === ErrorCode.BadInput &&
        /^cluster #3 of r is no longer the one shown \(21 samples, inches\): clustered again it has 20 \(.+\)\. The run changed since: cluster it again\.$/.test(
          e.message,
        ),
    );
  });

  test('export: the rows of one cluster, intersected with the rest of the selection', () => {
    const report = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    const cluster = clusterPickOf(report, report.clusters[2]!);
    const out = path.join(dir, 'units.jsonl');
    const r = exportDataset(store, { run: 'r', kind: 'sft', format: 'jsonl', selection: { cluster }, out });
    assert.deepEqual([r.rows, r.samples], [20, 20]);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 20);
    const responses = lines.map((l) => (JSON.parse(l) as { messages: Array<{ role: string; content: string }> }).messages.at(-1)!.content);
    assert.deepEqual([...new Set(responses.map((t) => kindOf.get(t)))], ['wrong unit']);
    // Step 2 only: the cluster's members there.
    const step2 = exportDataset(store, {
      run: 'r',
      kind: 'sft',
      format: 'jsonl',
      selection: { cluster, from: 2, to: 2 },
      out: path.join(dir, 'units2.jsonl'),
    });
    const inStep2 = pickCluster(store, 'r', cluster).ids.filter(
      (id) =>
        store.db
          .prepare('SELECT st.step FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id WHERE s.id = ?')
          .pluck()
          .get(id) === 2,
    ).length;
    assert.equal(step2.rows, inStep2);
    assert.ok(inStep2 > 0 && inStep2 < 20);
  });

  test("a report of a cluster shows its most typical member's group, with the cluster above it", async () => {
    const report = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    const picked = pickCluster(store, 'r', clusterPickOf(report, report.clusters[0]!));
    const ref = clusterGroup(picked);
    const first = report.clusters[0]!.examples[0]!;
    assert.deepEqual(ref, { run: 'r', split: 'train', step: first.step, group: first.group });
    const data = await reportData(store, ref, { cluster: picked, now: new Date('2026-12-07T00:00:00Z') });
    const inGroup = data.group.samples.filter((s) => kindOf.get(data.samples[String(s.index)]!.response) === 'arithmetic slip').length;
    assert.deepEqual(
      { ...data.cluster!, examples: data.cluster!.examples.length },
      {
        run: 'r',
        selection_label: 'wrong (solved = the logged verdict)',
        from: null,
        to: null,
        clustered: 90,
        id: 1,
        name: report.clusters[0]!.name,
        terms: report.clusters[0]!.terms,
        size: 40,
        examples: 3,
        in_group: inGroup,
      },
    );
    assert.ok(inGroup >= 1);
  });

  test('label all: one tag on every member, once; a second time counts them as already labelled', () => {
    const report = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    const { ids } = pickCluster(store, 'r', clusterPickOf(report, report.clusters[1]!));
    assert.deepEqual(labelSamples(store, ids, 'rambles', { note: 'never answers', user: 'tester' }), { added: 30, already: 0 });
    assert.deepEqual(labelSamples(store, ids.slice(0, 10), 'rambles'), { added: 0, already: 10 });
    const labels = listLabels(store, { run: 'r', tag: 'rambles' });
    assert.equal(labels.length, 30);
    assert.deepEqual([...new Set(labels.map((l) => [l.note, l.created_by, l.missing].join('|')))], ['never answers|tester|false']);
    assert.equal(failureClusters(store, { run: 'r', selection: { kind: 'label', tag: 'rambles' } }).selected, 30);
    assert.throws(
      () => labelSamples(store, ids, 'bad tag!'),
      (e: unknown) => e instanceof LensError && e.code === ErrorCode.BadInput,
    );
  });
});
