// tokenizer.json for the ONNX reward model, through @huggingface/tokenizers (pure JS, offline).
// Unlike the token source, a reward model wants its special tokens (BOS/CLS) and an unknown-token id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';

export interface ModelTokenizer {
  encode(text: string): number[];
  /** The padding id: the tokenizer's pad token when it has one, else 0. */
  readonly padId: number;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new LensError(
      missing ? ErrorCode.NotFound : ErrorCode.Unreadable,
      `${file}: ${missing ? 'tokenizer file not found' : `cannot read: ${errorMessage(e)}`}`,
      { file },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: not valid JSON: ${errorMessage(e)}`, { file });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadModelTokenizer(file: string, addSpecialTokens: boolean): ModelTokenizer {
  const json = readJson(file);
  if (!isRecord(json) || !isRecord(json['model'])) {
    throw new LensError(ErrorCode.BadInput, `${file}: not a tokenizer.json (no "model" object)`, { file });
  }
  // tokenizers.js insists on these keys; files written by `tokenizers` always have them, maybe null.
  const spec: Record<string, unknown> = {
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    ...json,
  };
  let config: Record<string, unknown> = {};
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  if (fs.existsSync(configFile)) {
    const c = readJson(configFile);
    if (isRecord(c)) config = c;
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(spec as ConstructorParameters<typeof Tokenizer>[0], config);
    tok.encode('a', { add_special_tokens: addSpecialTokens });
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: unsupported tokenizer.json: ${errorMessage(e)}`, {
      file,
    });
  }
  const model = json['model'];
  const unkName =
    typeof model['unk_token'] === 'string' ? model['unk_token'] : typeof config['unk_token'] === 'string' ? config['unk_token'] : null;
  const unkId = unkName !== null ? tok.token_to_id(unkName) : undefined;
  const padName = typeof config['pad_token'] === 'string' ? config['pad_token'] : '[PAD]';
  const padId = tok.token_to_id(padName) ?? tok.token_to_id('<pad>') ?? 0;
  return {
    padId,
    encode(text) {
      const ids = tok.encode(text, { add_special_tokens: addSpecialTokens }).ids as (number | undefined)[];
      // tokenizers.js leaves a word-level unknown as undefined instead of the unk id.
      return ids.map((id) => {
        if (id !== undefined) return id;
        if (unkId === undefined)
          throw new LensError(
            ErrorCode.BadInput,
            `${file}: the text has a token outside the vocabulary and the tokenizer has no unk_token`,
            { file },
          );
        return unkId;
      });
    },
  };
}
