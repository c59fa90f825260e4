// The shared report's data and file without a browser: what reportData embeds (the group with its
// actions marked off and its labels, every sample, per-token arrays under their cap, the run's dashboard), how the page's JSON blocks are escaped, which paths are refused,
// and the CLI's choices of group (--group, --label). Needs dist/ (the CLI and dist/webview/report.js).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { reportData } from '../../../src/core/report/reportData';
import { jsonForScriptBlock, reportPolicy } from '../../../src/core/report/reportHtml';
import { checkReportPath } from '../../../src/core/report/writeReport';
import { addLabel } from '../../../src/core/store/labels';
import { Store } from '../../../src/core/store/store';
import { sampleTokens } from '../../../src/core/store/tokenStore';
import { runCli, runCliJson, tempDir, writeJsonl } from '../../helpers';

let dir: string;
let db: string;
const REF = { run: 'r', split: 'train', step: 1, group: 'g' } as const;

before(() => {
  dir = tempDir('rl-report-unit-');
  db = path.join(dir, 'r.db');
  const line = (step: number, group: string, index: number, reward: number, ids: number[]): object => ({
    step,
    group,
    index,
    prompt: 'What is 2+2?',
    response: ids.map(String).join(' '),
    response_ids: ids,
    logprobs: ids.map((x) => -x / 10),
    reward,
  });
  writeJsonl(path.join(dir, 'r.jsonl'), [
    line(1, 'g', 0, 1, [1, 2, 3]),
    line(1, 'g', 1, 0, [1, 2, 4, 5]),
    line(2, 'h', 0, 1, [7]),
    line(2, 'h', 1, 0, [8]),
  ]);
  runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'r']);
});

describe('shared report data', () => {
  it('embeds the group marked as a report, every sample, token arrays, the dashboard; no labels yet', async () => {
    const store = Store.open(db, { readonly: true });
    try {
      const d = await reportData(store, REF, { now: new Date('2026-12-07T01:00:00Z') });
      assert.deepEqual(
        [d.written_at, d.group.shared_report, d.group.estimator, d.group.samples.map((s) => s.reward), d.group.labels, d.dashboard_error],
        ['2026-12-07T01:00:00.000Z', true, 'grpo', [1, 0], { group: [], samples: [] }, null],
      );
      assert.deepEqual(Object.keys(d.samples), ['0', '1']);
      assert.equal(d.samples['1']?.response, '1 2 4 5');
      assert.deepEqual(d.tokens['1']?.ids, [1, 2, 4, 5]);
      assert.deepEqual([d.tokens_left, d.tokens_left_out, d.images], [0, null, []]);
      assert.deepEqual(d.dashboard?.train.step, [1, 2]);
      assert.equal(d.dashboard?.live, false);
    } finally {
      store.close();
    }
  });

  it('past the token cap, the arrays left out are counted and said so', async () => {
    const store = Store.open(db, { readonly: true });
    try {
      // Room for sample 0's arrays exactly: sample 1's (one token more) do not fit after them.
      const first = JSON.stringify(sampleTokens(store, { ...REF, index: 0 })).length;
      const d = await reportData(store, REF, { tokenBudget: first });
      assert.deepEqual(Object.keys(d.tokens), ['0']);
      assert.equal(d.tokens_left, 1);
      assert.equal(
        d.tokens_left_out,
        'The per-token arrays of 1 sample were left out of this report: they pass its 1 KB cap on token data.',
      );
    } finally {
      store.close();
    }
  });

  it('JSON blocks cannot close their script element; the policy allows only the nonce and data: fonts and images', () => {
    assert.equal(jsonForScriptBlock({ t: '</script><!-- x' }), '{"t":"\\u003c/script>\\u003c!-- x"}');
    assert.equal(
      reportPolicy('abc'),
      "default-src 'none'; script-src 'nonce-abc'; style-src 'nonce-abc'; font-src data:; img-src data:; base-uri 'none'; form-action 'none'",
    );
  });

  it('refuses relative, "..", non-.html and missing-folder paths', () => {
    const msg = (p: string): string => {
      try {
        checkReportPath(p);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.deepEqual(
      [msg('out.html'), msg(`${dir}/../x.html`), msg(path.join(dir, 'x.txt')), msg(path.join(dir, 'no', 'x.html'))],
      [
        'report path must be absolute: "out.html"',
        `report path must not contain "..": ${JSON.stringify(`${dir}/../x.html`)}`,
        `report path must end in .html: ${JSON.stringify(path.join(dir, 'x.txt'))}`,
        `report folder does not exist: ${path.join(dir, 'no')}`,
      ],
    );
    assert.equal(msg(path.join(dir, 'ok.html')), 'accepted');
  });
});

describe('rollout-lens report', () => {
  it('needs exactly one of --group and --label, and --step with --group', () => {
    const out = path.join(dir, 'x.html');
    const both = runCli(['report', '--db', db, '--run', 'r', '--step', '1', '--group', 'g', '--label', 'x', '--out', out]);
    const noStep = runCli(['report', '--db', db, '--run', 'r', '--group', 'g', '--out', out]);
    assert.deepEqual(
      [both.code, both.stderr, noStep.code, noStep.stderr],
      [
        2,
        'rollout-lens: name the group by exactly one of --group UID, --label TAG or --cluster ID (see rollout-lens --help)\n',
        2,
        'rollout-lens: --group needs --step N (see rollout-lens --help)\n',
      ],
    );
    assert.equal(fs.existsSync(out), false);
  });

  it('--label picks the first group carrying the tag, and says when none does', () => {
    const out = path.join(dir, 'label.html');
    const none = runCli(['report', '--db', db, '--run', 'r', '--label', 'bad-gt', '--out', out]);
    assert.deepEqual([none.code, none.stderr], [1, 'rollout-lens: no group of r carries the label "bad-gt"\n']);
    const store = Store.open(db);
    addLabel(store, { run: 'r', split: 'train', step: 2, group: 'h', index: 1 }, 'bad-gt', { user: 'carol' });
    addLabel(store, { run: 'r', split: 'train', step: 1, group: 'g' }, 'bad-gt', { user: 'carol' });
    store.close();
    const r = runCliJson<Record<string, unknown>>(['report', '--db', db, '--run', 'r', '--label', 'bad-gt', '--out', out]);
    assert.deepEqual([r['step'], r['group'], r['labels'], r['other_labelled_groups']], [1, 'g', 1, 1]);
    const atStep2 = runCliJson<Record<string, unknown>>([
      'report',
      '--db',
      db,
      '--run',
      'r',
      '--label',
      'bad-gt',
      '--step',
      '2',
      '--out',
      out,
    ]);
    assert.deepEqual([atStep2['step'], atStep2['group'], atStep2['labels'], atStep2['other_labelled_groups']], [2, 'h', 1, 0]);
  });
});
