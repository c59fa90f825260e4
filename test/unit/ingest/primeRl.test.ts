// prime-rl FileMonitor folders, written as FileMonitor and verifiers' Episode.to_record() write them
// (test/fixtures/prime-rl/make_prime_rl_dump.py): groups come from group.id, samples from branches.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { decodeFloat32 } from '../../../src/core/store/blobs';
import { exportRun } from '../../../src/core/store/exporter';
import { groupTree } from '../../../src/core/store/groupTrees';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const run = path.join(FIXTURES, 'prime-rl', 'run');
const stepFile = (step: number, kind: string, subset: string): string =>
  path.join(run, 'rollouts', `step_${step}`, kind, subset, 'traces.jsonl');
const round = (xs: readonly number[]): number[] => xs.map((x) => Math.round(x * 1e4) / 1e4);

describe('prime-rl traces', () => {
  it('reads all (effective only for its marks), groups by group.id, one sample per branch, and skips an episode without traces', async () => {
    const store = Store.open(path.join(tempDir(), 'p.db'));
    const r = await new Ingestor(store, [run], { run: 'p' }).ingestOnce();
    const broken = (JSON.parse(fs.readFileSync(stepFile(2, 'train', 'all'), 'utf8').split('\n')[5]!) as { id: string }).id;
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.metrics_added, r.grouping], ['prime-rl', 5, 18, 3, 4, 'id']);
    assert.deepEqual(r.errors, [
      {
        file: stepFile(2, 'train', 'all'),
        line: 6,
        message: `episode ${broken} has no traces (ok=false; errors: sandbox did not start); skipped`,
      },
    ]);
    const id = store.requireRun('p').id;
    assert.deepEqual(
      store.stepStats(id).map((s) => [s.split, s.step, s.samples, s.groups]),
      [
        ['train', 1, 8, 2],
        ['train', 2, 8, 2],
        ['val', 2, 2, 1],
      ],
    );
    const rows = [...exportRun(store, id)];
    const firstGroup = (JSON.parse(fs.readFileSync(stepFile(1, 'train', 'all'), 'utf8').split('\n')[0]!) as { group: { id: string } }).group
      .id;
    const g = rows.filter((s) => s.step === 1 && s.group === firstGroup);
    // Trace.reward = Σ score × weight: correct 1 × 1 + format 1 × 0.1.
    assert.deepEqual(
      g.map((s) => [s.index, s.reward, s.components, s.response]),
      [
        [0, 1.1, { correct: 1, format: 0.1 }, 'The answer is 12 .'],
        [1, 0.1, { correct: 0, format: 0.1 }, 'The answer is 13 .'],
        [2, 1.1, { correct: 1, format: 0.1 }, 'The answer is 12 .'],
        [3, 0.1, { correct: 0, format: 0.1 }, 'The answer is 13 .'],
      ],
    );
    // The response starts at the first sampled token: the 5 content tokens after "<|im_start|>assistant".
    assert.equal(g[0]!.response_ids!.length, 5);
    assert.deepEqual(g[0]!.response_ids!.slice(0, 3), g[1]!.response_ids!.slice(0, 3));
    assert.equal(g[0]!.prompt, 'system: Solve the problem .\n\nuser: What is 10 plus 2 ?');
    assert.equal(g[0]!.ground_truth, '12');
    // The multi-turn episode: assistant, tool result, assistant; only sampled turns are trained, and
    // the tool tokens in between have no sampler logprob.
    const multi = rows.find((s) => s.turns !== undefined)!;
    assert.deepEqual(
      multi.turns!.map((t) => [t.role, t.trained]),
      [
        ['assistant', true],
        ['tool', false],
        ['assistant', true],
      ],
    );
    assert.equal(multi.response_ids!.length, 19);
    assert.equal(multi.logprobs!.filter((x) => x === null || Number.isNaN(x)).length, 6); // the tool message (4 tokens) and the second reply's scaffold (2)
    // The branching episode gave two samples in its group; the eval episodes are in val.
    assert.equal(rows.filter((s) => s.step === 2 && s.split === 'train' && s.group === multi.group).length, 5);
    assert.deepEqual(
      rows.filter((s) => s.split === 'val').map((s) => s.reward),
      [1.1, 0.1],
    );
    // The eval step folder decides the step even for episodes dispatched a step earlier.
    assert.equal(multi.meta!['dispatch_step'], 1);
    const again = await new Ingestor(store, [run], { run: 'p' }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('an effective file of a run without all/ brings per-token advantages and reference logprobs', async () => {
    const store = Store.open(path.join(tempDir(), 'e.db'));
    // Beside an all/ file it would only mark which rollouts were trained on (primeRlFiltered.test.ts).
    const file = path.join(tempDir(), 'rollouts', 'step_1', 'train', 'effective', 'traces.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(stepFile(1, 'train', 'effective'), file);
    const r = await new Ingestor(store, [file], { run: 'e' }).ingestOnce();
    assert.deepEqual([r.samples_added, r.errors], [8, []]);
    const id = store.requireRun('e').id;
    const rows = [...exportRun(store, id)];
    assert.deepEqual(
      rows.slice(0, 4).map((s) => [s.advantage, s.token_advantages]),
      [
        [0.5, [0.5, 0.5, 0.5, 0.5, 0.5]],
        [-0.5, [-0.5, -0.5, -0.5, -0.5, -0.5]],
        [0.5, [0.5, 0.5, 0.5, 0.5, 0.5]],
        [-0.5, [-0.5, -0.5, -0.5, -0.5, -0.5]],
      ],
    );
    const first = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!) as {
      traces: Array<{ nodes: Array<{ logprobs: number[]; reference_logprobs?: number[] }> }>;
    };
    const node = first.traces[0]!.nodes[2]!;
    const blobs = store.db.prepare('SELECT logprobs, ref_logprobs FROM samples ORDER BY id LIMIT 1').raw().get() as [
      Uint8Array,
      Uint8Array,
    ];
    assert.deepEqual(round(decodeFloat32(blobs[0])!), node.logprobs);
    assert.deepEqual(round(decodeFloat32(blobs[1])!), node.reference_logprobs);
    store.close();
  });

  it('the prefix tree of a group is exact, built from the logged token ids', async () => {
    const store = Store.open(path.join(tempDir(), 't.db'));
    await new Ingestor(store, [run], { run: 't' }).ingestOnce();
    const group = (JSON.parse(fs.readFileSync(stepFile(1, 'train', 'all'), 'utf8').split('\n')[0]!) as { group: { id: string } }).group.id;
    const tree = groupTree(store, { run: 't', split: 'train', step: 1, group });
    assert.equal(tree.exact, true);
    // "The answer is" shared by all four, then "12 ." (samples 0, 2) and "13 ." (1, 3).
    assert.deepEqual(
      tree.nodes.map((n) => [n.parent, n.depth, n.tokens, n.count, n.samples]),
      [
        [null, 0, 0, 4, [0, 1, 2, 3]],
        [0, 0, 3, 4, [0, 1, 2, 3]],
        [1, 3, 2, 2, [0, 2]],
        [1, 3, 2, 2, [1, 3]],
      ],
    );
    store.close();
  });

  it('a node whose logprobs do not match its sampled tokens is refused with the trace named', async () => {
    const dir = path.join(tempDir(), 'rollouts', 'step_3', 'train', 'all');
    fs.mkdirSync(dir, { recursive: true });
    const line = fs.readFileSync(stepFile(1, 'train', 'all'), 'utf8').split('\n')[0]!;
    const ep = JSON.parse(line) as { id: string; traces: Array<{ nodes: Array<{ logprobs: number[] }> }> };
    ep.traces[0]!.nodes[2]!.logprobs.pop();
    fs.writeFileSync(path.join(dir, 'traces.jsonl'), `${line}\n${JSON.stringify(ep)}\n{"group": \n`);
    const store = Store.open(path.join(tempDir(), 'b.db'));
    const r = await new Ingestor(store, [dir], { run: 'b' }).ingestOnce();
    assert.equal(r.samples_added, 1);
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.message.replace(/Unexpected.*/, '…')]),
      [
        [2, `episode ${ep.id} traces[0].nodes[2] has 5 sampled tokens but 4 logprobs; trace skipped`],
        [3, 'malformed JSON: …'],
      ],
    );
    store.close();
  });
});
