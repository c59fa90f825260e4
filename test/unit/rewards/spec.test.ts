import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { listRewardFunctions } from '../../../src/core/rewards/registry';
import { createScorer } from '../../../src/core/rewards/scorer';
import { canonicalSpecJson, parseRewardSpec, specLabel } from '../../../src/core/rewards/spec';
import { parseSpecText } from '../../../src/core/rewards/specGrammar';
import type { RewardInput } from '../../../src/core/rewards/types';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir } from '../../helpers';

function sample(response: string, ground_truth: string | null = '42', extra: RewardInput['extra'] = {}): RewardInput {
  return { id: response.slice(0, 8), prompt: 'q', response, ground_truth, data_source: null, extra };
}

function rejects(f: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof LensError && e.code === code && pattern.test(e.message));
}

describe('reward spec grammar', () => {
  it('parses weighted sums, variants, arguments and constants', () => {
    assert.deepEqual(parseSpecText('0.5*math + 0.5*format:boxed - 1'), {
      constant: -1,
      terms: [
        { fn: 'math', weight: 0.5, args: {}, position: 1 },
        { fn: 'format', weight: 0.5, variant: 'boxed', args: {}, position: 12 },
      ],
    });
    assert.deepEqual(parseSpecText(`-dapo(strictBoxVerify=true, units=[a, 'b c', "d"], x=-2.5e1, p=./m.onnx)`).terms[0], {
      fn: 'dapo',
      weight: -1,
      args: { strictBoxVerify: true, units: ['a', 'b c', 'd'], x: -25, p: './m.onnx' },
      position: 2,
    });
  });
  it('names the position of the first problem', () => {
    rejects(() => parseSpecText('math + + format'), ErrorCode.BadInput, /position 8/);
    rejects(() => parseSpecText('math(qwenCompat true)'), ErrorCode.BadInput, /expected "=" after qwenCompat at position 17/);
    rejects(() => parseSpecText('0.5*'), ErrorCode.BadInput, /function name after "\*" at position 5 \(at the end\)/);
    rejects(() => parseSpecText('math format'), ErrorCode.BadInput, /position 6/);
    rejects(() => parseSpecText('3'), ErrorCode.BadInput, /at least one reward function/);
    rejects(() => parseSpecText('  '), ErrorCode.BadInput, /empty/);
  });
});

describe('resolving a spec', () => {
  it('fills defaults, so the stored canonical JSON reproduces the run', () => {
    const spec = parseRewardSpec('math+format:boxed');
    assert.equal(specLabel(spec), 'math + format:boxed');
    assert.deepEqual(spec.terms[1], {
      fn: 'format',
      weight: 1,
      config: { kind: 'boxed', match: 1, miss: 0, strict: true },
    });
    assert.equal(canonicalSpecJson(spec), canonicalSpecJson(parseRewardSpec(JSON.parse(canonicalSpecJson(spec)) as object)));
    assert.equal(canonicalSpecJson(spec), canonicalSpecJson(parseRewardSpec('math + format(kind=boxed, strict=true)')));
  });
  it('reads a JSON file, resolving paths against its folder', () => {
    const dir = tempDir();
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        terms: [
          { fn: 'onnx', config: { model: 'rm.onnx', tokenizer: 'tok/tokenizer.json' } },
          { fn: 'overlong', variant: 'paper', weight: 0.5 },
        ],
      }),
    );
    const spec = parseRewardSpec(file);
    assert.equal(spec.terms[0]!.config['model'], path.join(dir, 'rm.onnx'));
    assert.equal(spec.terms[0]!.config['tokenizer'], path.join(dir, 'tok', 'tokenizer.json'));
    assert.equal(spec.terms[1]!.config['form'], 'paper');
    assert.equal(specLabel(spec), 'onnx + 0.5*overlong:paper');
  });
  it('rejects unknown functions, variants and settings with the spec and the reason', () => {
    rejects(() => parseRewardSpec('mathh'), ErrorCode.BadInput, /unknown reward function "mathh".*known: math, simplerl/);
    rejects(() => parseRewardSpec('math-format'), ErrorCode.BadInput, /write "math - format" with spaces/);
    rejects(() => parseRewardSpec('format:fancy'), ErrorCode.BadInput, /format has no variant "fancy"; use one of boxed, think-answer/);
    rejects(() => parseRewardSpec('math:x'), ErrorCode.BadInput, /math has no variants/);
    rejects(() => parseRewardSpec('math(qwenCompat=3)'), ErrorCode.BadInput, /position 1: math: qwenCompat: .*boolean/);
    rejects(() => parseRewardSpec('math(colour=red)'), ErrorCode.BadInput, /colour/);
    rejects(() => parseRewardSpec('{"terms": []}'), ErrorCode.BadInput, /terms/);
    rejects(() => parseRewardSpec('/nonexistent/spec.json'), ErrorCode.Unreadable, /nonexistent\/spec.json: cannot read/);
  });
  it('lists every function with its defaults', () => {
    const ids = listRewardFunctions().map((f) => f.id);
    assert.deepEqual(ids, [
      'math',
      'simplerl',
      'dapo',
      'verl-math',
      'math-verify',
      'general-reasoner',
      'format',
      'overlong',
      'length',
      'gui-g1',
      'vlm-r1-iou',
      'vision-zero-decision',
      'videochat-r1-iou',
      'time-r1-iou-v2',
      'videochat-r1-format',
      'onnx',
      'external',
      'verifier',
      'pairwise-judge',
    ]);
    const onnx = listRewardFunctions().find((f) => f.id === 'onnx')!;
    assert.deepEqual([onnx.defaults, onnx.needsTrust], [null, true]);
  });
});

describe('scoring a weighted sum', () => {
  it('adds weighted terms and keeps each term as a component', async () => {
    const scorer = await createScorer(parseRewardSpec('2*math(symbolic=false) + 0.5*format:boxed - 1'), {
      trusted: false,
      baseDir: '.',
    });
    try {
      const [a, b] = await scorer.score([sample('so \\boxed{42}'), sample('I think 41')]);
      assert.equal(a!.score, 2 * 1 + 0.5 * 1 - 1);
      assert.equal(b!.score, 2 * 0 + 0.5 * 0 - 1);
      assert.deepEqual(a!.components, {
        math: 1,
        'math.correct': 1,
        'math.boxed': 1,
        'format:boxed': 1,
        'format:boxed.boxed': 1,
      });
      assert.equal(a!.correct, true);
      assert.equal(a!.extracted, '42');
    } finally {
      await scorer.dispose();
    }
  });
  it('reproduces SimpleRL independent as 1.5·math + 0.5·format:boxed − 1', async () => {
    const linear = await createScorer(parseRewardSpec('1.5*math(symbolic=false) + 0.5*format:boxed - 1'), {
      trusted: false,
      baseDir: '.',
    });
    const table = await createScorer(parseRewardSpec('simplerl:independent(symbolic=false)'), {
      trusted: false,
      baseDir: '.',
    });
    try {
      const batch = [sample('\\boxed{42}'), sample('the answer is 42'), sample('\\boxed{7}'), sample('7')];
      const a = (await linear.score(batch)).map((o) => o.score);
      const b = (await table.score(batch)).map((o) => o.score);
      assert.deepEqual(b, [1, 0.5, -0.5, -1]);
      assert.deepEqual(a, b);
    } finally {
      await linear.dispose();
      await table.dispose();
    }
  });
  it("reports one term's per-sample failure as the sample's error", async () => {
    const scorer = await createScorer(parseRewardSpec('math(symbolic=false) + overlong'), {
      trusted: false,
      baseDir: '.',
    });
    try {
      const [a, b] = await scorer.score([sample('\\boxed{42}', '42', { length_tokens: 100 }), sample('\\boxed{42}', null)]);
      assert.equal(a!.score, 1);
      assert.equal(b!.score, null);
      assert.match(b!.error!, /^math: the sample has no ground_truth.*; overlong:verl: no logged token length/);
    } finally {
      await scorer.dispose();
    }
  });
  it('refuses external commands and ONNX models in an untrusted workspace', async () => {
    for (const spec of ['external(command="python3 x.py")', 'math + onnx(model=m.onnx, tokenizer=t.json)']) {
      await assert.rejects(
        createScorer(parseRewardSpec(spec), { trusted: false, baseDir: '.' }),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.Untrusted && /untrusted workspace/.test(e.message),
      );
    }
  });
});
