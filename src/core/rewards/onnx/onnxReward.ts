// An ONNX reward model run with onnxruntime-node (CPU): tokenise, truncate, pad, batch, one score
// per sequence. onnxruntime-node is a native module, so it is required lazily, only here.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import { z } from 'zod';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';
import { defineReward, type RewardFactory } from '../factory';
import type { RewardFunction, RewardInput, RewardOutput } from '../types';
import { loadModelTokenizer, type ModelTokenizer } from './tokenizer';

type OrtModule = typeof Ort;
let ortModule: OrtModule | undefined;

/** Loads onnxruntime-node once, with an error that says what to do when its binary does not load. */
export function loadOnnxRuntime(): OrtModule {
  if (ortModule) return ortModule;
  try {
    ortModule = createRequire(__filename)('onnxruntime-node') as OrtModule;
  } catch (e) {
    throw new LensError(
      ErrorCode.NativeModule,
      `onnxruntime-node could not be loaded (${process.platform}-${process.arch}): ${errorMessage(e)}. ` +
        'Reinstall Rollout Lens for this platform, or run "npm install onnxruntime-node@1.30" with ONNXRUNTIME_NODE_INSTALL=skip.',
    );
  }
  return ortModule;
}

const onnxSchema = z.strictObject({
  model: z.string().min(1),
  tokenizer: z.string().min(1),
  /** Input names; null = inferred (input_ids / attention_mask, or the model's only input). */
  inputIds: z.string().nullable().default(null),
  attentionMask: z.string().nullable().default(null),
  output: z.string().nullable().default(null),
  /** For an output of shape [batch, K > 1]: which column is the score. */
  outputIndex: z.number().int().min(0).nullable().default(null),
  maxLength: z.number().int().min(1).default(512),
  batchSize: z.number().int().min(1).max(4096).default(16),
  /** Which end survives truncation: right keeps the start (Hugging Face's default), left keeps the end. */
  truncation: z.enum(['right', 'left']).default('right'),
  text: z.enum(['prompt+response', 'response']).default('prompt+response'),
  separator: z.string().default(''),
  addSpecialTokens: z.boolean().default(true),
  sigmoid: z.boolean().default(false),
});
type OnnxConfig = z.output<typeof onnxSchema>;

interface Plan {
  ids: string;
  mask: string | null;
  /** Inputs the model has that we fill with zeros (token_type_ids). */
  zeros: string[];
  dtype: 'int64' | 'int32';
  output: string;
  /** A fixed sequence length the model insists on, else null (pad to the longest in the batch). */
  fixedSeq: number | null;
  fixedBatch: number | null;
}

type TensorMeta = { name: string; isTensor: true; type: string; shape: ReadonlyArray<number | string> };
const tensorMeta = (m: Ort.InferenceSession.ValueMetadata): TensorMeta | null => (m.isTensor ? (m as TensorMeta) : null);

function planInputs(session: Ort.InferenceSession, c: OnnxConfig, file: string): Plan {
  const names = session.inputNames;
  const fail = (what: string): never => {
    throw new LensError(
      ErrorCode.BadInput,
      `${file}: ${what} (the model's inputs: ${names.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
      { file },
    );
  };
  const ids =
    c.inputIds ??
    (names.includes('input_ids')
      ? 'input_ids'
      : names.length === 1
        ? names[0]!
        : fail('cannot tell which input takes the token ids: set inputIds'));
  if (!names.includes(ids)) fail(`the model has no input named ${JSON.stringify(ids)}`);
  const mask = c.attentionMask ?? (names.includes('attention_mask') ? 'attention_mask' : null);
  if (mask !== null && !names.includes(mask)) fail(`the model has no input named ${JSON.stringify(mask)}`);
  const zeros: string[] = [];
  for (const n of names) {
    if (n === ids || n === mask) continue;
    if (n === 'token_type_ids') zeros.push(n);
    else fail(`input ${JSON.stringify(n)} is not one Rollout Lens can fill (it feeds token ids, attention_mask and token_type_ids)`);
  }
  let dtype: 'int64' | 'int32' = 'int64';
  let fixedSeq: number | null = null;
  let fixedBatch: number | null = null;
  for (const m of session.inputMetadata) {
    const t = tensorMeta(m);
    if (!t) fail(`input ${JSON.stringify(m.name)} is not a tensor`);
    if (t!.type !== 'int64' && t!.type !== 'int32')
      fail(`input ${JSON.stringify(m.name)} has dtype ${t!.type}; token inputs must be int64 or int32`);
    if (t!.shape.length !== 0 && t!.shape.length !== 2)
      fail(`input ${JSON.stringify(m.name)} has rank ${t!.shape.length}; expected [batch, sequence]`);
    if (m.name === ids) dtype = t!.type as 'int64' | 'int32';
    const [b, s] = t!.shape;
    if (typeof s === 'number' && s > 0) fixedSeq = s;
    if (typeof b === 'number' && b > 0) fixedBatch = b;
  }
  const outs = session.outputNames;
  const output =
    c.output ??
    (outs.length === 1
      ? outs[0]!
      : (['score', 'scores', 'logits', 'reward'].find((o) => outs.includes(o)) ??
        fail('cannot tell which output is the score: set output')));
  if (!outs.includes(output)) fail(`the model has no output named ${JSON.stringify(output)}`);
  return { ids, mask, zeros, dtype, output, fixedSeq, fixedBatch };
}

class OnnxRewardFunction implements RewardFunction {
  readonly id = 'onnx';
  readonly description = onnxReward.description;
  readonly exactness = 'model' as const;
  private released = false;

  constructor(
    readonly config: OnnxConfig,
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    private readonly tok: ModelTokenizer,
    private readonly plan: Plan,
  ) {}

  private text(s: RewardInput): string {
    return this.config.text === 'response' ? s.response : `${s.prompt}${this.config.separator}${s.response}`;
  }

  async score(batch: readonly RewardInput[]): Promise<RewardOutput[]> {
    const out: RewardOutput[] = [];
    const size = this.plan.fixedBatch ?? this.config.batchSize;
    for (let i = 0; i < batch.length; i += size) out.push(...(await this.runChunk(batch.slice(i, i + size))));
    return out;
  }

  private tensor(values: number[], dims: number[]): Ort.Tensor {
    return this.plan.dtype === 'int64'
      ? new this.ort.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(v)),
          dims,
        )
      : new this.ort.Tensor('int32', Int32Array.from(values), dims);
  }

  private async runChunk(chunk: readonly RewardInput[]): Promise<RewardOutput[]> {
    const c = this.config;
    const maxLen = Math.min(c.maxLength, this.plan.fixedSeq ?? Infinity);
    const seqs = chunk.map((s) => {
      const ids = this.tok.encode(this.text(s));
      if (ids.length <= maxLen) return { ids, truncated: false };
      return {
        ids: c.truncation === 'right' ? ids.slice(0, maxLen) : ids.slice(ids.length - maxLen),
        truncated: true,
      };
    });
    const rows = this.plan.fixedBatch ?? seqs.length;
    const width = this.plan.fixedSeq ?? Math.max(1, ...seqs.map((s) => s.ids.length));
    const ids = new Array<number>(rows * width).fill(this.tok.padId);
    const mask = new Array<number>(rows * width).fill(0);
    seqs.forEach((s, r) => {
      s.ids.forEach((id, k) => {
        ids[r * width + k] = id;
        mask[r * width + k] = 1;
      });
    });
    const feeds: Record<string, Ort.Tensor> = { [this.plan.ids]: this.tensor(ids, [rows, width]) };
    if (this.plan.mask) feeds[this.plan.mask] = this.tensor(mask, [rows, width]);
    for (const z of this.plan.zeros) feeds[z] = this.tensor(new Array<number>(rows * width).fill(0), [rows, width]);
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds);
    } catch (e) {
      throw new LensError(
        ErrorCode.BadInput,
        `${c.model}: inference failed for a batch of ${rows}×${width} token ids: ${errorMessage(e)}`,
        { file: c.model },
      );
    }
    const t = result[this.plan.output] as Ort.Tensor | undefined;
    if (!t) throw new LensError(ErrorCode.BadInput, `${c.model}: the run returned no output ${JSON.stringify(this.plan.output)}`);
    if (t.type !== 'float32' && t.type !== 'float64') {
      throw new LensError(
        ErrorCode.BadInput,
        `${c.model}: output ${JSON.stringify(this.plan.output)} has dtype ${t.type}; a score must be float32 or float64`,
      );
    }
    const dims = t.dims;
    const cols = dims.length === 1 ? 1 : dims.length === 2 ? dims[1]! : -1;
    if (dims[0] !== rows || cols < 1) {
      throw new LensError(
        ErrorCode.BadInput,
        `${c.model}: output ${JSON.stringify(this.plan.output)} has shape [${dims.join(', ')}]; expected [${rows}] or [${rows}, 1]`,
      );
    }
    if (cols > 1 && c.outputIndex === null) {
      throw new LensError(
        ErrorCode.BadInput,
        `${c.model}: output ${JSON.stringify(this.plan.output)} has shape [${dims.join(', ')}]: set outputIndex to pick the score column`,
      );
    }
    const col = cols > 1 ? (c.outputIndex as number) : 0;
    if (col >= cols)
      throw new LensError(ErrorCode.BadInput, `${c.model}: outputIndex ${col} is out of range for shape [${dims.join(', ')}]`);
    const data = t.data as Float32Array | Float64Array;
    return seqs.map((s, r) => {
      const raw = data[r * cols + col]!;
      const score = c.sigmoid ? 1 / (1 + Math.exp(-raw)) : raw;
      return {
        score,
        components: { raw, tokens: s.ids.length },
        ...(s.truncated ? { rationale: `truncated to ${s.ids.length} tokens (${c.truncation})` } : {}),
      };
    });
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

export const onnxReward: RewardFactory = defineReward({
  id: 'onnx',
  description:
    'An ONNX reward model (onnxruntime-node, CPU): tokenizer.json → int token ids [batch, seq] (+ attention_mask) → one score per sequence',
  source: 'ours (docs/rewards.md#onnx-reward-model)',
  exactness: 'model',
  pathKeys: ['model', 'tokenizer'],
  untrustedReason: 'it loads and runs a model file named by the workspace',
  schema: onnxSchema,
  async create(c) {
    if (!fs.existsSync(c.model)) throw new LensError(ErrorCode.NotFound, `${c.model}: ONNX model file not found`, { file: c.model });
    const tok = loadModelTokenizer(c.tokenizer, c.addSpecialTokens);
    const ort = loadOnnxRuntime();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(c.model, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      throw new LensError(ErrorCode.BadInput, `${c.model}: not a loadable ONNX model: ${errorMessage(e)}`, {
        file: c.model,
      });
    }
    try {
      return new OnnxRewardFunction(c, ort, session, tok, planInputs(session, c, c.model));
    } catch (e) {
      await session.release();
      throw e;
    }
  },
});
