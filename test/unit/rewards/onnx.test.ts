import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { createScorer, type Scorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import type { RewardInput } from '../../../src/core/rewards/types';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir } from '../../helpers';
import { expectedScore, writeTinyModel, writeTinyTokenizer } from './tinyOnnx';

const dir = tempDir('rl-onnx-');

const sample = (response: string, prompt = 'bad bad'): RewardInput => ({
  id: response,
  prompt,
  response,
  ground_truth: null,
  data_source: null,
  extra: {},
});
const env = { trusted: true, baseDir: dir };

async function withScorer<T>(spec: string, f: (s: Scorer) => Promise<T>): Promise<T> {
  const scorer = await createScorer(parseRewardSpec(spec, { baseDir: dir }), env);
  try {
    return await f(scorer);
  } finally {
    await scorer.dispose();
  }
}

function near(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-6, `expected ${expected}, got ${actual}`);
}

function lensError(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof LensError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('ONNX reward model (onnxruntime-node, a real tiny graph)', () => {
  before(() => {
    writeTinyTokenizer(dir);
    writeTinyModel(path.join(dir, 'rm.onnx'));
  });

  it('scores each sequence of a padded batch independently', async () => {
    await withScorer('onnx(model=rm.onnx, tokenizer=tokenizer.json, text=response)', async (s) => {
      const out = await s.score([sample('good good bad'), sample('ok'), sample('zzz GOOD')]);
      near(out[0]!.score, expectedScore(['good', 'good', 'bad']));
      near(out[1]!.score, 1.5);
      near(out[2]!.score, expectedScore(['zzz', 'good']));
      assert.deepEqual(out[0]!.components, { raw: out[0]!.score, tokens: 3 });
    });
  });

  it('gives the same scores whatever the batch size', async () => {
    const texts = ['good', 'bad bad ok', 'ok good', 'bad', 'good ok ok ok'];
    const run = (bs: number): Promise<Array<number | null>> =>
      withScorer(`onnx(model=rm.onnx, tokenizer=tokenizer.json, text=response, batchSize=${bs})`, async (s) =>
        (await s.score(texts.map((t) => sample(t)))).map((o) => o.score),
      );
    const one = await run(1);
    const two = await run(2);
    texts.forEach((t, i) => {
      near(one[i]!, expectedScore(t.split(' ')));
      near(two[i]!, one[i]!);
    });
  });

  it('reads prompt + response by default', async () => {
    await withScorer('onnx(model=rm.onnx, tokenizer=tokenizer.json, separator=" ")', async (s) => {
      near((await s.score([sample('good good', 'bad bad')]))[0]!.score, expectedScore(['bad', 'bad', 'good', 'good']));
    });
  });

  it('truncates to maxLength from the right or the left', async () => {
    await withScorer('onnx(model=rm.onnx, tokenizer=tokenizer.json, text=response, maxLength=2)', async (s) => {
      const [o] = await s.score([sample('good good bad')]);
      near(o!.score, expectedScore(['good', 'good']));
      assert.equal(o!.rationale, 'truncated to 2 tokens (right)');
    });
    await withScorer('onnx(model=rm.onnx, tokenizer=tokenizer.json, text=response, maxLength=2, truncation=left)', async (s) => {
      near((await s.score([sample('good good bad')]))[0]!.score, expectedScore(['good', 'bad']));
    });
  });

  it('picks a column of a [batch, K] output with outputIndex, and asks for it otherwise', async () => {
    writeTinyModel(path.join(dir, 'two.onnx'), { outCols: 2 });
    await withScorer('onnx(model=two.onnx, tokenizer=tokenizer.json, text=response, outputIndex=1)', async (s) => {
      near((await s.score([sample('ok')]))[0]!.score, 1.5 + 10);
    });
    await withScorer('onnx(model=two.onnx, tokenizer=tokenizer.json, text=response)', async (s) => {
      await assert.rejects(
        s.score([sample('ok')]),
        lensError(ErrorCode.BadInput, /two\.onnx: output "score" has shape \[1, 2\]: set outputIndex/),
      );
    });
  });

  it('infers input names, and names the model inputs when they do not fit', async () => {
    writeTinyModel(path.join(dir, 'renamed.onnx'), { idsName: 'tokens' });
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=renamed.onnx, tokenizer=tokenizer.json)', { baseDir: dir }), env),
      lensError(
        ErrorCode.BadInput,
        /renamed\.onnx: cannot tell which input takes the token ids: set inputIds \(the model's inputs: tokens, attention_mask/,
      ),
    );
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=rm.onnx, tokenizer=tokenizer.json, inputIds=ids)', { baseDir: dir }), env),
      lensError(ErrorCode.BadInput, /rm\.onnx: the model has no input named "ids" \(the model's inputs: input_ids, attention_mask/),
    );
    await withScorer('onnx(model=renamed.onnx, tokenizer=tokenizer.json, inputIds=tokens, text=response)', async (s) => {
      near((await s.score([sample('good')]))[0]!.score, 2.5);
    });
  });

  it('refuses a model whose token input is not an integer tensor', async () => {
    writeTinyModel(path.join(dir, 'float.onnx'), { idsType: 'float' });
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=float.onnx, tokenizer=tokenizer.json)', { baseDir: dir }), env),
      lensError(ErrorCode.BadInput, /float\.onnx: input "input_ids" has dtype float32; token inputs must be int64 or int32/),
    );
  });

  it('says which file is missing or unloadable', async () => {
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=nope.onnx, tokenizer=tokenizer.json)', { baseDir: dir }), env),
      lensError(ErrorCode.NotFound, /nope\.onnx: ONNX model file not found/),
    );
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=rm.onnx, tokenizer=none.json)', { baseDir: dir }), env),
      lensError(ErrorCode.NotFound, /none\.json: tokenizer file not found/),
    );
    await assert.rejects(
      createScorer(parseRewardSpec('onnx(model=tokenizer.json, tokenizer=tokenizer.json)', { baseDir: dir }), env),
      lensError(ErrorCode.BadInput, /tokenizer\.json: not a loadable ONNX model/),
    );
  });
});
