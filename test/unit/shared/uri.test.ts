import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  documentPath,
  groupBadgePath,
  parseBadgeQuery,
  parseDocumentPath,
  sampleBadgePath,
  type LensDocument,
} from '../../../src/shared/uri';

describe('rollout-lens: document paths', () => {
  const docs: LensDocument[] = [
    { kind: 'sample', ref: { run: 'qwen/7b run', split: 'train', step: 12, group: 'a/b?c#d', index: 3 }, part: 'full' },
    { kind: 'sample', ref: { run: 'r', split: 'val', step: 0, group: 'g', index: 0 }, part: 'response' },
    { kind: 'group', ref: { run: 'r', split: 'train', step: 5, group: '9f1c' } },
    { kind: 'rationale', ref: { run: 'r', split: 'train', step: 5, group: '9f1c', index: 7 }, set: 'set 2' },
  ];
  for (const d of docs) {
    it(`round-trips a ${d.kind} document`, () => {
      const { path, query } = documentPath(d);
      assert.deepEqual(parseDocumentPath(path, query), d);
    });
  }

  it('names the sample in the last path segment (the editor tab)', () => {
    assert.equal(documentPath(docs[0]!).path, '/sample/qwen%2F7b run/train/12/a%2Fb?c#d/sample 3 · step 12.md');
  });

  for (const bad of [
    '/sample/r/test/1/g/sample 0.md',
    '/sample/r/train/x/g/sample 0.md',
    '/sample/r/train/1/g/0.md',
    '/other/r/train/1/g/sample 0.md',
    '/sample/%E0%A4%A/train/1/g/sample 0.md',
    '/group/r/train/1',
  ]) {
    it(`refuses ${bad}`, () => assert.equal(parseDocumentPath(bad, 'part=full'), undefined));
  }
});

describe('rollout-lens-tree: label badges', () => {
  it('carries a group’s and a sample’s tags in the badge query, and none when unlabelled', () => {
    const g = groupBadgePath(
      { run: 'r', split: 'train', step: 3, group: 'a/b' },
      { degenerate: false, truncated: true, labels: ['bad-gt', 'x:y'] },
    );
    assert.deepEqual(g, { path: '/group/r/train/3/a%2Fb', query: 'degenerate=0&truncated=1&labels=bad-gt%2Cx%3Ay' });
    assert.deepEqual(parseBadgeQuery(g.query).labels, ['bad-gt', 'x:y']);
    const s = sampleBadgePath({ run: 'r', split: 'val', step: 3, group: 'g', index: 2 }, ['reward-hack']);
    assert.deepEqual(s, { path: '/sample/r/val/3/g/2', query: 'labels=reward-hack' });
    assert.deepEqual(parseBadgeQuery(s.query), {
      degenerate: false,
      truncated: false,
      tools: false,
      dropped: false,
      alerts: [],
      labels: ['reward-hack'],
    });
    assert.deepEqual(
      parseBadgeQuery(groupBadgePath({ run: 'r', split: 'train', step: 3, group: 'g' }, { degenerate: true, truncated: false }).query)
        .labels,
      [],
    );
  });
});
