import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { tempDir, writeJsonl } from '../../helpers';
import { blankAnswerRun } from './fixtures';

/** Runs the CLI in this process and returns its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

describe('rollout-lens alerts', () => {
  it('prints the alerts as JSON with kind, step, score, sample ids and message; thresholds are flags', async () => {
    const dir = tempDir('rl-alerts-cli-');
    const db = path.join(dir, 'a.db');
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, blankAnswerRun());
    const store = Store.open(db);
    await new Ingestor(store, [file], { run: 'demo', enrich: false }).ingestOnce();
    store.close();
    // Step 9 (samples 8·9 + 1 … 8·9 + 8): indexes 3 of both groups are blank, 2 of 8 = 25%.
    const r = await cli(['alerts', '--db', db, '--run', 'demo', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        kind: 'degenerate_output',
        step: 9,
        score: 0.25,
        samples: [76, 80],
        // The same samples by the address `rollout-lens group` takes.
        refs: [
          { run: 'demo', split: 'train', step: 9, group: 'g9-0', index: 3 },
          { run: 'demo', split: 'train', step: 9, group: 'g9-1', index: 3 },
        ],
        message: '2 of 8 responses (25%) are degenerate: 2 empty, 0 repeating 4-grams, 0 with 3+ \\boxed{} answers',
      },
    ]);
    const table = await cli(['alerts', '--db', db, '--run', 'demo']);
    assert.equal(table.stdout.split('\n')[0], 'kind               step  score   flagged  message');
    // A higher bound than 25% silences it; the next call with the defaults brings it back.
    const strict = await cli(['alerts', '--db', db, '--run', 'demo', '--json', '--threshold', 'degenerateShare=0.3']);
    assert.deepEqual(JSON.parse(strict.stdout), []);
    const again = await cli(['alerts', '--db', db, '--run', 'demo', '--json']);
    assert.equal((JSON.parse(again.stdout) as unknown[]).length, 1);
  });

  it("a failure cluster of an alert's samples brings the alerts up to date first, in every command that takes one", async () => {
    const dir = tempDir('rl-alerts-cluster-');
    const db = path.join(dir, 'a.db');
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, blankAnswerRun());
    const store = Store.open(db);
    await new Ingestor(store, [file], { run: 'demo', enrich: false }).ingestOnce();
    // Alerts never judged (as a database an older version wrote): only the commands' own refresh can find step 9's.
    store.write(() => store.db.exec('DELETE FROM alerts; DELETE FROM alert_step_state; DELETE FROM alert_runs;'));
    store.close();
    const pick = ['--cluster', '1', '--cluster-by', 'alert:degenerate_output'];
    const report = await cli(['report', '--db', db, '--run', 'demo', ...pick, '--out', path.join(dir, 'blank.html'), '--json']);
    assert.equal(report.code, 0, report.stderr);
    const r = JSON.parse(report.stdout) as { step: number; group: string; cluster: { size: number; in_group: number } };
    assert.deepEqual([r.step, r.group, r.cluster.size, r.cluster.in_group], [9, 'g9-0', 2, 1]);
    const out = path.join(dir, 'blank.jsonl');
    const exported = await cli([
      'export-dataset',
      '--db',
      db,
      '--run',
      'demo',
      ...pick,
      '--kind',
      'sft',
      '--format',
      'jsonl',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual((JSON.parse(exported.stdout) as { rows: number; groups: number }).rows, 2);
    const labelled = await cli(['label', '--db', db, '--run', 'demo', ...pick, '--tag', 'blank', '--json']);
    assert.equal(labelled.code, 0, labelled.stderr);
    assert.deepEqual((JSON.parse(labelled.stdout) as { added: number }).added, 2);
  });

  it('names a bad threshold and the ones it knows', async () => {
    const r = await cli(['alerts', '--db', 'x.db', '--run', 'demo', '--threshold', 'lenght=0.3']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--threshold takes NAME=VALUE with NAME one of window, lengthRewardRise, .*saturationEffectiveMax; got "lenght=0.3"/,
    );
  });
});
