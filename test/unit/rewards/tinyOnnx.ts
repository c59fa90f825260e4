// Writes a real (tiny) ONNX reward model and a word-level tokenizer.json for the ONNX tests and the
// benchmark: score = masked-mean(embedding[ids]) · W, one float per sequence.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

export const VOCAB: Record<string, number> = { '[PAD]': 0, '[UNK]': 1, good: 2, bad: 3, ok: 4 };
/** Row v of the embedding is [value(v), 1]; W = [[2], [0.5]], so score = 2·mean(value) + 0.5. */
export const TOKEN_VALUE = [0, 0, 1, -1, 0.5];

export interface TinyModelOptions {
  idsName?: string;
  idsType?: 'int64' | 'float';
  /** Output columns: 1 → [batch, 1]; 2 → [batch, 2] with column 1 = column 0 + 10. */
  outCols?: 1 | 2;
}

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const INT = onnx.AttributeProto.AttributeType.INT;

function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export function writeTinyModel(file: string, o: TinyModelOptions = {}): string {
  const ids = o.idsName ?? 'input_ids';
  const cols = o.outCols ?? 1;
  let graph: onnx.IGraphProto;
  if (o.idsType === 'float') {
    graph = {
      name: 'float-input',
      node: [
        {
          opType: 'ReduceSum',
          input: [ids, 'ax1'],
          output: ['score'],
          attribute: [{ name: 'keepdims', type: INT, i: 1 }],
        },
      ],
      initializer: [{ name: 'ax1', dataType: I64, dims: [1], int64Data: [1] }],
      input: [valueInfo(ids, F, ['batch', 'seq'])],
      output: [valueInfo('score', F, ['batch', 1])],
    };
  } else {
    const w = cols === 1 ? [2, 0.5] : [2, 2, 0.5, 10.5];
    graph = {
      name: 'tiny-reward',
      node: [
        { opType: 'Gather', input: ['E', ids], output: ['emb'] },
        {
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['m'],
          attribute: [{ name: 'to', type: INT, i: F }],
        },
        { opType: 'Unsqueeze', input: ['m', 'ax2'], output: ['m3'] },
        { opType: 'Mul', input: ['emb', 'm3'], output: ['prod'] },
        {
          opType: 'ReduceSum',
          input: ['prod', 'ax1'],
          output: ['s'],
          attribute: [{ name: 'keepdims', type: INT, i: 0 }],
        },
        {
          opType: 'ReduceSum',
          input: ['m3', 'ax1'],
          output: ['cnt'],
          attribute: [{ name: 'keepdims', type: INT, i: 0 }],
        },
        { opType: 'Div', input: ['s', 'cnt'], output: ['mean'] },
        { opType: 'MatMul', input: ['mean', 'W'], output: ['score'] },
      ],
      initializer: [
        {
          name: 'E',
          dataType: F,
          dims: [TOKEN_VALUE.length, 2],
          floatData: TOKEN_VALUE.flatMap((v) => [v, 1]),
        },
        { name: 'W', dataType: F, dims: [2, cols], floatData: w },
        { name: 'ax1', dataType: I64, dims: [1], int64Data: [1] },
        { name: 'ax2', dataType: I64, dims: [1], int64Data: [2] },
      ],
      input: [valueInfo(ids, I64, ['batch', 'seq']), valueInfo('attention_mask', I64, ['batch', 'seq'])],
      output: [valueInfo('score', F, ['batch', cols])],
    };
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'rollout-lens-test',
    graph,
  });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

export function writeTinyTokenizer(dir: string): string {
  const file = path.join(dir, 'tokenizer.json');
  const special = (id: number, content: string): Record<string, unknown> => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: VOCAB, unk_token: '[UNK]' },
    }),
  );
  return file;
}

/** The model's score for a list of words, computed by hand (float64). */
export function expectedScore(words: readonly string[]): number {
  const values = words.map((w) => TOKEN_VALUE[VOCAB[w.toLowerCase()] ?? VOCAB['[UNK]']!]!);
  return (2 * values.reduce((a, b) => a + b, 0)) / values.length + 0.5;
}
