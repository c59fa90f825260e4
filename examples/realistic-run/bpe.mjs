// A small byte-level BPE trainer that writes a Hugging Face `tokenizer.json` (model "BPE",
// ByteLevel pre-tokenizer and decoder, the layout GPT-2 and Qwen2 tokenizers use). The demo run
// trains it on its own text so that token ids are real ids of a real tokenizer file: the extension
// (and @huggingface/tokenizers) load it like any other, and `rolloutLens.tokenizerPath` can point at it.
// Training is the textbook algorithm (Sennrich et al. 2016, "Neural Machine Translation of Rare Words
// with Subword Units"): count adjacent symbol pairs over the pre-tokenized words, merge the most
// frequent pair, repeat. Ties go to the lexicographically smallest pair, so the result is deterministic.

import { TextEncoder } from 'node:util';

// GPT-2's pre-tokenizer pattern (what ByteLevel with use_regex=true splits on).
const PRETOKEN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte → printable character map (every byte gets one visible character). */
export function byteAlphabet() {
  const keep = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const map = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return map;
}

/** Trains `merges` merges on `texts`; returns the tokenizer.json object. */
export function trainByteLevelBpe(texts, { merges: wanted, special }) {
  const alphabet = byteAlphabet();
  const enc = new TextEncoder();
  const counts = new Map();
  for (const t of texts) {
    for (const m of t.matchAll(PRETOKEN)) {
      const w = Array.from(enc.encode(m[0]), (b) => alphabet[b]).join('');
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words = [...counts].map(([w, n]) => ({ syms: Array.from(w), n }));
  const merges = [];
  for (let k = 0; k < wanted; k++) {
    const pairs = new Map();
    for (const w of words) {
      for (let i = 0; i + 1 < w.syms.length; i++) {
        const key = w.syms[i] + ' ' + w.syms[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + w.n);
      }
    }
    let best;
    let bestN = 1; // a pair seen once is not worth a token
    for (const [key, n] of pairs) if (n > bestN || (n === bestN && best !== undefined && key < best)) [best, bestN] = [key, n];
    if (best === undefined) break;
    merges.push(best);
    const [a, b] = best.split(' ');
    for (const w of words) {
      const s = w.syms;
      const out = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(s[i]);
      }
      w.syms = out;
    }
  }
  const vocab = {};
  let id = 0;
  for (const ch of [...alphabet].sort()) vocab[ch] = id++;
  for (const m of merges) {
    const piece = m.replace(' ', '');
    if (!(piece in vocab)) vocab[piece] = id++;
  }
  const added = special.map((content) => ({
    id: id++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  };
}
