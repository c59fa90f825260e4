// Loads a Hugging Face tokenizer.json from a local path (offline) with @huggingface/tokenizers.
// The only I/O in src/core/tokenize: everything else here is pure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';

/** What the token source needs from a tokenizer; tests can supply a fake. */
export interface TextTokenizer {
  /** Where it came from, for messages. */
  readonly source: string;
  /** Token ids and vocabulary strings of `text`, without special tokens added around it. */
  encode(text: string): { ids: number[]; tokens: string[] };
  /** The decoded text of one token (best effort: a partial UTF-8 byte decodes to U+FFFD). */
  tokenText(id: number): string;
}

// Keys tokenizers.js insists on (a file written by `tokenizers` always has them, maybe null).
const COMPONENT_KEYS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read ${what}: ${errorMessage(e)}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: ${what} is not valid JSON: ${errorMessage(e)}`, {
      file,
    });
  }
}

class HuggingFaceTokenizer implements TextTokenizer {
  // Decoding one id at a time is the hot path when texts are built for logged ids; memoise it.
  private readonly texts = new Map<number, string>();
  constructor(
    readonly source: string,
    private readonly tok: Tokenizer,
  ) {}

  encode(text: string): { ids: number[]; tokens: string[] } {
    if (text === '') return { ids: [], tokens: [] };
    const e = this.tok.encode(text, { add_special_tokens: false });
    return { ids: e.ids, tokens: e.tokens };
  }

  tokenText(id: number): string {
    let t = this.texts.get(id);
    if (t === undefined) {
      try {
        t = this.tok.decode([id]);
      } catch {
        t = '';
      }
      this.texts.set(id, t);
    }
    return t;
  }
}

/**
 * Reads `tokenizer.json` (and `tokenizer_config.json` beside it, when present). Throws a LensError
 * naming the file when it is missing, unreadable, not JSON, or not a tokenizer.
 */
export function loadTokenizer(file: string): TextTokenizer {
  const json = readJson(file, 'tokenizer.json');
  if (!isRecord(json) || !isRecord(json['model'])) {
    throw new LensError(ErrorCode.BadInput, `${file}: not a tokenizer.json (no "model" object)`, { file });
  }
  const spec: Record<string, unknown> = { added_tokens: [], ...json };
  for (const k of COMPONENT_KEYS) if (!(k in spec)) spec[k] = null;

  let config: Record<string, unknown> = {};
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  if (fs.existsSync(configFile)) {
    const c = readJson(configFile, 'tokenizer_config.json');
    if (isRecord(c)) config = c;
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(spec, config);
    // Construction is lazy in places; one encode surfaces unsupported components here, not later.
    tok.encode('a', { add_special_tokens: false });
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: unsupported tokenizer.json: ${errorMessage(e)}`, {
      file,
    });
  }
  return new HuggingFaceTokenizer(file, tok);
}
