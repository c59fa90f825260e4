// Reflection ("aha moment") keyword detection (docs/algorithms.md#reflection). It runs at ingest
// over every response, so each preset × mode compiles once and counting allocates nothing.
import { ErrorCode, LensError } from '../../shared/errors';
import {
  DEFAULT_REFLECTION_MODE,
  DEFAULT_REFLECTION_PRESET,
  REFLECTION_MODES,
  REFLECTION_PRESET_IDS,
  type ReflectionMode,
  type ReflectionPresetId,
} from '../../shared/reflection';

export { REFLECTION_MODES, type ReflectionMode } from '../../shared/reflection';

/**
 * Keyword lists exactly as the cited code / paper has them (provenance in docs/algorithms.md), one
 * for each id of REFLECTION_PRESET_IDS (src/shared/reflection.ts), no more and no fewer.
 */
export const REFLECTION_PRESETS: Readonly<Record<ReflectionPresetId, readonly string[]>> = {
  simplerl: ['recheck', 'rethink', 'try again', 'wait', 'alternatively', 'retry', 'however'],
  'oat-zero-qwen': ['recheck', 'rethink', 'try again'],
  'oat-zero-deepseek': ['reevaluate', 'reevaluation', 'recheck', 'rethink', 'check again', 're-evaluate', 'try again', 're-examine'],
  'oat-zero-llama': ['recheck', 'rethink', 'check again', 're-evaluate', 'try again', 're-examine'],
  'understand-r1-zero': [
    'recheck',
    'rethink',
    'reassess',
    'reevaluate',
    're-evaluate',
    'reevaluation',
    're-examine',
    'reexamine',
    'reconsider',
    'reanalyze',
    'double-check',
    'check again',
    'think again',
    'verify again',
    'go over the steps',
  ],
  'deepseek-r1': ['wait', 'mistake', 'however', 'but', 'retry', 'error', 'verify', 'wrong', 'evaluate', 'check'],
};

export interface ReflectionHit {
  keyword: string;
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';

export class ReflectionMatcher {
  private readonly wordRegex: RegExp | undefined;
  /** Word mode: the keyword of each capture group. */
  private readonly groupKeyword: readonly string[];

  private constructor(
    readonly keywords: readonly string[],
    readonly mode: ReflectionMode,
  ) {
    if (mode === 'word') {
      // One capture group per keyword tells which one matched; longest first, so a phrase wins over its head word.
      const order = keywords.map((k, i) => ({ k, i })).sort((a, b) => b.k.length - a.k.length);
      const alts = order.map(({ k }) => `(${k.split(/\s+/).map(escapeRegex).join('\\s+')})`);
      this.wordRegex = new RegExp(`(?<!${WORD_CHAR})(?:${alts.join('|')})(?!${WORD_CHAR})`, 'giu');
      this.groupKeyword = order.map(({ k }) => k);
    } else {
      this.wordRegex = undefined;
      this.groupKeyword = [];
    }
  }

  /** Lower-cased, trimmed and de-duplicated (SimpleRL's keywords are a Python set). */
  static create(keywords: readonly string[], mode: ReflectionMode): ReflectionMatcher {
    const norm: string[] = [];
    keywords.forEach((k, i) => {
      if (typeof k !== 'string' || k.trim() === '') {
        throw new LensError(ErrorCode.BadInput, `reflection keyword ${i} must be a non-empty string, got ${JSON.stringify(k)}`);
      }
      const n = k.trim().toLowerCase();
      if (!norm.includes(n)) norm.push(n);
    });
    if (norm.length === 0) throw new LensError(ErrorCode.BadInput, 'reflection keyword list is empty');
    if (!REFLECTION_MODES.some((m) => m === mode)) {
      throw new LensError(ErrorCode.BadInput, `unknown reflection mode ${JSON.stringify(mode)}; use ${REFLECTION_MODES.join(' or ')}`);
    }
    return new ReflectionMatcher(norm, mode);
  }

  /** Occurrences in `text` (the hot path: no hit objects are built). */
  count(text: string): number {
    if (this.wordRegex) {
      const re = this.wordRegex;
      re.lastIndex = 0;
      let n = 0;
      while (re.exec(text) !== null) n++;
      return n;
    }
    const lower = text.toLowerCase();
    let n = 0;
    for (const k of this.keywords) {
      for (let at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + k.length)) n++;
    }
    return n;
  }

  /** Occurrences with their spans in the original text, sorted by start. */
  hits(text: string): ReflectionHit[] {
    const out: ReflectionHit[] = [];
    if (this.wordRegex) {
      const re = this.wordRegex;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        let g = 1;
        while (g < m.length && m[g] === undefined) g++;
        out.push({
          keyword: this.groupKeyword[g - 1] ?? m[0].toLowerCase(),
          start: m.index,
          end: m.index + m[0].length,
        });
      }
      return out;
    }
    const { lower, toOriginal } = lowerWithMap(text);
    for (const k of this.keywords) {
      for (let at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + k.length)) {
        out.push({ keyword: k, start: toOriginal(at), end: toOriginal(at + k.length) });
      }
    }
    return out.sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

/**
 * Lower-cases like Python's str.lower() and maps offsets back: a few characters change length when
 * lower-cased (İ → i̇), and spans must index the original text for highlighting.
 */
function lowerWithMap(text: string): { lower: string; toOriginal: (i: number) => number } {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return { lower, toOriginal: (i) => i };
  let built = '';
  const map: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    const low = ch.toLowerCase();
    for (let k = 0; k < low.length; k++) map.push(i);
    built += low;
    i += ch.length;
  }
  map.push(text.length);
  return { lower: built, toOriginal: (i) => map[i] ?? text.length };
}

const cache = new Map<string, ReflectionMatcher>();

export function isReflectionPreset(name: string): name is ReflectionPresetId {
  return Object.prototype.hasOwnProperty.call(REFLECTION_PRESETS, name);
}

/**
 * The matcher for a preset (default `simplerl`) or a user keyword list, compiled once per
 * (list, mode). Unknown presets and empty or non-string keywords throw a LensError.
 */
export function reflectionMatcher(opts: { preset?: string; keywords?: readonly string[]; mode?: ReflectionMode } = {}): ReflectionMatcher {
  const mode = opts.mode ?? DEFAULT_REFLECTION_MODE;
  let keywords: readonly string[];
  if (opts.keywords !== undefined) keywords = opts.keywords;
  else {
    const preset = opts.preset ?? DEFAULT_REFLECTION_PRESET;
    if (!isReflectionPreset(preset)) {
      throw new LensError(
        ErrorCode.BadInput,
        `unknown reflection preset ${JSON.stringify(preset)}; presets: ${REFLECTION_PRESET_IDS.join(', ')}`,
      );
    }
    keywords = REFLECTION_PRESETS[preset];
  }
  const key = `${mode}\u0000${keywords.join('\u0000')}`;
  let m = cache.get(key);
  if (!m) {
    m = ReflectionMatcher.create(keywords, mode);
    // User lists are few; the bound only guards a caller that builds a new list per response.
    if (cache.size >= 64) cache.clear();
    cache.set(key, m);
  }
  return m;
}

export interface ReflectionStats {
  /** SimpleRL's `keywords`: mean occurrences per response. */
  mean_per_response: number | null;
  /** Share of responses with ≥ 1 occurrence. */
  share_responses: number | null;
  /** Share of groups with ≥ 1 reflecting response (OAT-Zero reflection@k). */
  share_groups: number | null;
  /** P(correct | reflects) and P(reflects | correct), over responses whose correctness is known. */
  precision: number | null;
  recall: number | null;
}

/** Per-step reflection summary from per-response counts. */
export function reflectionStats(rows: ReadonlyArray<{ group: string | number; count: number; correct?: boolean | null }>): ReflectionStats {
  const groups = new Map<string | number, boolean>();
  let total = 0;
  let reflecting = 0;
  let reflectCorrect = 0;
  let reflectKnown = 0;
  let correct = 0;
  for (const r of rows) {
    const hit = r.count > 0;
    total += r.count;
    if (hit) reflecting++;
    groups.set(r.group, (groups.get(r.group) ?? false) || hit);
    if (r.correct === undefined || r.correct === null) continue;
    if (hit) reflectKnown++;
    if (r.correct) correct++;
    if (hit && r.correct) reflectCorrect++;
  }
  const n = rows.length;
  let groupsHit = 0;
  for (const h of groups.values()) if (h) groupsHit++;
  return {
    mean_per_response: n ? total / n : null,
    share_responses: n ? reflecting / n : null,
    share_groups: groups.size ? groupsHit / groups.size : null,
    precision: reflectKnown ? reflectCorrect / reflectKnown : null,
    recall: correct ? reflectCorrect / correct : null,
  };
}
