// Issue 18 parity fixes: interval brackets under qwenCompat=false, compute-engine's console noise
// kept off the terminal, `grade --reward SPEC`, and per-sample failures that do not stop a batch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { gradeWithSpec } from '../../../src/core/rewards/grade';
import { bracketsDiffer, mathEqual } from '../../../src/core/rewards/math/mathEqual';
import { createScorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import { ROOT } from '../../helpers';

/** A real CLI process from the sources (the bundle may not be built): stdout, stderr, exit code. */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const main = "require('./src/cli/main').main(process.argv.slice(1)).then((c) => { process.exitCode = c; })";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', main, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const gradeOne = (reward: string, response: string, groundTruth: string) => gradeWithSpec({ reward, response, groundTruth, trusted: true });

describe('interval brackets', () => {
  it('bracketsDiffer compares the outer bracket pair only', () => {
    assert.equal(bracketsDiffer('(0,1]', '[0,1)'), true);
    assert.equal(bracketsDiffer('[1,2]', '(1,2)'), true);
    assert.equal(bracketsDiffer('(1,2)', '(1,2.0)'), false);
    assert.equal(bracketsDiffer('(1,2)', '1,2'), false);
  });
  it("qwenCompat=true keeps Qwen's quirk: (0,1] = [0,1) and [1,2] = (1,2) at the tuple stage", async () => {
    assert.deepEqual(await mathEqual('(0,1]', '[0,1)'), { equal: true, stage: 'tuple' });
    assert.deepEqual(await mathEqual('[1,2]', '(1,2)'), { equal: true, stage: 'tuple' });
    const r = await gradeOne('math(symbolic=false)', 'So \\boxed{(0,1]}', '[0,1)');
    assert.equal(r.correct, true);
    assert.equal(r.stage, 'tuple');
  });
  it('qwenCompat=false compares bracket types', async () => {
    const o = { compareBrackets: true };
    assert.deepEqual(await mathEqual('(0,1]', '[0,1)', o), { equal: false, stage: 'brackets' });
    assert.deepEqual(await mathEqual('[1,2]', '(1,2)', o), { equal: false, stage: 'brackets' });
    assert.deepEqual(await mathEqual('(1, 2.0)', '(1,2)', o), { equal: true, stage: 'tuple' });
    const r = await gradeOne('math(qwenCompat=false,symbolic=false)', 'So \\boxed{(0,1]}', '[0,1)');
    assert.deepEqual([r.correct, r.score, r.stage, r.approximate], [false, 0, 'brackets', false]);
    const same = await gradeOne('math(qwenCompat=false,symbolic=false)', 'So \\boxed{(0,1]}', '(0,1]');
    assert.deepEqual([same.correct, same.stage], [true, 'string']);
  });
});

describe('compute-engine noise', () => {
  // (\sin, 2) makes compute-engine print "Invalid type | tuple<[object Object], …>" while it
  // simplifies (0.27); the answer is still judged, and nothing but our line reaches the terminal.
  it('a real `grade` run prints only its verdict, on stdout, and nothing on stderr', () => {
    const r = cli(['grade', '--answer-format', 'math', '--response', 'So \\boxed{(\\sin, 2)}', '--ground-truth', '(1,3)']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'incorrect (different, approximate): extracted "(\\\\sin, 2)" → "(\\\\sin,2)" vs "(1,3)"; boxed: yes\n');
    assert.equal(r.code, 0);
  });
  it('the same through `grade --reward math --json`', () => {
    const r = cli(['grade', '--reward', 'math', '--response', 'So \\boxed{(\\sin, 2)}', '--ground-truth', '(1,3)', '--json']);
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as { correct: boolean; stage: string; approximate: boolean };
    assert.deepEqual([out.correct, out.stage, out.approximate], [false, 'different', true]);
  });
});

describe('grade --reward SPEC', () => {
  it('grades one answer with a combined spec and says which stage decided', async () => {
    const r = await gradeOne('0.5*math + 0.5*format:boxed', 'The answer is \\boxed{\\frac{1}{2}}.', '1/2');
    assert.deepEqual(r, {
      reward: '0.5*math + 0.5*format:boxed',
      score: 1,
      correct: true,
      extracted: '\\frac{1}{2}',
      stage: 'string',
      approximate: false,
      spec_approximate: false,
      components: { math: 1, 'math.correct': 1, 'math.boxed': 1, 'format:boxed': 1, 'format:boxed.boxed': 1 },
      rationale: 'math: equal at the string stage',
      error: null,
    });
  });
  it('a usage error when mixed with --answer-format', () => {
    const r = cli(['grade', '--reward', 'math', '--answer-format', 'dapo', '--response', 'x', '--ground-truth', 'y']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--reward replaces --answer-format/);
  });
});

describe('bad input for graders', () => {
  it('a spec with unknown options names them', () => {
    assert.throws(() => parseRewardSpec('math(qwen_compat=false, symbolc=true)'), /math: Unrecognized keys: "qwen_compat", "symbolc"/);
  });
  it('a grader that throws on one sample marks that sample with the reason and goes on', async () => {
    const scorer = await createScorer(parseRewardSpec('math(symbolic=false)'), { trusted: true, baseDir: ROOT });
    try {
      const base = { prompt: '', data_source: null, extra: {} };
      const out = await scorer.score([
        { ...base, id: 'a', response: '\\boxed{2}', ground_truth: '2' },
        { ...base, id: 'b', response: '\\boxed{2}', ground_truth: null },
        { ...base, id: 'c', response: '\\boxed{3}', ground_truth: '2' },
      ]);
      assert.deepEqual(
        out.map((o) => [o.score, o.error ?? null]),
        [
          [1, null],
          [null, 'math: the sample has no ground_truth to compare with'],
          [0, null],
        ],
      );
    } finally {
      await scorer.dispose();
    }
  });
});
