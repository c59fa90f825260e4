// The token source of a response: logged ids > tokenizer.json > approximate pre-tokenizer
// (docs/algorithms.md#token-source). Only logged ids are what the policy sampled; the others are labelled inexact.
import type { Turn } from '../../shared/rollout';
import { ApproximateVocabulary, approximatePieces } from './approximate';
import type { TextTokenizer } from './tokenizerFile';
import { applyMask, hasUntrainedTurns, trainedText } from './trainedTurns';

export type TokenSourceKind = 'logged' | 'tokenizer' | 'approximate';

export interface TokenizedResponse {
  ids: number[];
  /** One display string per id ('' when unknown); for logged ids they need not concatenate to the text. */
  texts: string[];
  /** True only for logged ids: re-tokenising decoded text can differ from what was sampled. */
  exact: boolean;
  source: TokenSourceKind;
}

/** The fields of a stored sample the token source reads (names as in the ingest records). */
export interface TokenSourceSample {
  response: string;
  responseIds?: number[];
  responseTokens?: string[];
  turns?: Turn[];
  /** 1 for the policy's tokens, aligned with responseIds (a logged loss mask). */
  lossMask?: number[];
}

export interface TokenSourceOptions {
  tokenizer?: TextTokenizer;
  /** Shared by a group so approximate ids agree across its responses; a fresh one otherwise. */
  vocabulary?: ApproximateVocabulary;
}

interface PolicyView {
  text: string;
  ids?: number[];
  tokens?: string[];
}

/** What the policy produced: every turn, or only trained ones (ids kept only if a mask says which). */
function policyView(s: TokenSourceSample): PolicyView {
  const tokens = s.responseTokens && s.responseIds && s.responseTokens.length === s.responseIds.length ? s.responseTokens : undefined;
  if (!hasUntrainedTurns(s.turns)) return { text: s.response, ids: s.responseIds, tokens };
  const text = trainedText(s.turns ?? []);
  if (s.responseIds && s.lossMask && s.lossMask.length === s.responseIds.length) {
    return {
      text,
      ids: applyMask(s.responseIds, s.lossMask),
      tokens: tokens && applyMask(tokens, s.lossMask),
    };
  }
  // Logged ids span every turn and nothing says which are the policy's: they cannot be used.
  return { text };
}

function fromLogged(ids: number[], tokens: string[] | undefined, tokenizer: TextTokenizer | undefined): TokenizedResponse {
  let texts: string[];
  if (tokens) texts = tokens;
  else if (tokenizer) texts = ids.map((id) => tokenizer.tokenText(id));
  else texts = new Array<string>(ids.length).fill('');
  return { ids, texts, exact: true, source: 'logged' };
}

function fromTokenizer(text: string, tokenizer: TextTokenizer): TokenizedResponse {
  const { ids } = tokenizer.encode(text);
  return { ids, texts: ids.map((id) => tokenizer.tokenText(id)), exact: false, source: 'tokenizer' };
}

function fromApproximate(text: string, vocabulary: ApproximateVocabulary): TokenizedResponse {
  const texts = approximatePieces(text);
  return { ids: texts.map((p) => vocabulary.idOf(p)), texts, exact: false, source: 'approximate' };
}

/** Tokens of one response, by the best source available for it alone. */
export function tokenizeResponse(sample: TokenSourceSample, opts: TokenSourceOptions = {}): TokenizedResponse {
  const v = policyView(sample);
  if (v.ids) return fromLogged(v.ids, v.tokens, opts.tokenizer);
  if (opts.tokenizer) return fromTokenizer(v.text, opts.tokenizer);
  return fromApproximate(v.text, opts.vocabulary ?? new ApproximateVocabulary());
}

/**
 * Tokens of a group's responses in one id space, so they can share a prefix tree: logged ids when
 * every response has them; with a tokenizer, logged ids where present and re-tokenised text
 * elsewhere (same vocabulary); otherwise the approximate pre-tokenizer for all of them.
 */
export function tokenizeGroup(samples: readonly TokenSourceSample[], opts: { tokenizer?: TextTokenizer } = {}): TokenizedResponse[] {
  const views = samples.map(policyView);
  const tokenizer = opts.tokenizer;
  if (tokenizer) return views.map((v) => (v.ids ? fromLogged(v.ids, v.tokens, tokenizer) : fromTokenizer(v.text, tokenizer)));
  if (views.every((v) => v.ids !== undefined)) return views.map((v) => fromLogged(v.ids ?? [], v.tokens, undefined));
  const vocabulary = new ApproximateVocabulary();
  return views.map((v) => fromApproximate(v.text, vocabulary));
}
