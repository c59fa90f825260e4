// Detectors judged step by step or from stored step statistics: degenerate output (per response)
// and saturation (all-correct share up, effective-gradient ratio down). docs/algorithms.md.
import { extractLastBoxed } from '../rewards/math/qwenExtract';
import { pct, series, signedFixed, windowRise } from './trend';
import { pushId, type StepDetector } from './types';

/** n of the repeated n-grams, and the share of repeated ones that makes a response degenerate. */
export const REPEAT_N = 4;
export const REPEAT_SHARE = 0.5;
/** Shorter responses are never called repetitive (a 10-word answer repeats little). */
export const REPEAT_MIN_WORDS = 40;
/** Only the end is read: a loop fills the end of a response, and this bounds the cost per response. */
export const REPEAT_TAIL_CHARS = 4000;
/** This many `\boxed{` or more in one response is "many answers boxed at once". */
export const MANY_BOXED = 3;
/** Degenerate samples linked to an alert. */
const DEGENERATE_IDS = 50;

// Scratch hash set for repeatedNgramShare, reused across calls (no allocation per response): a slot
// holds a 4-gram hash and the call's stamp, so nothing needs clearing between calls.
let keys = new Int32Array(1 << 14);
let stamps = new Int32Array(1 << 14);
let stamp = 0;

function isSpace(c: number): boolean {
  return (
    c <= 32 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Share of the word 4-grams at the end of a response (its last 4,000 characters) that repeat an
 * earlier one; 0 under 40 words. Words are whitespace-separated; each 4-gram is a 32-bit hash of
 * its words' hashes (a collision can only make a response look a little more repetitive).
 */
export function repeatedNgramShare(response: string): number {
  let i = Math.max(0, response.length - REPEAT_TAIL_CHARS);
  // A cut in the middle of a word drops that partial word.
  if (i > 0) while (i < response.length && !isSpace(response.charCodeAt(i - 1))) i++;
  const size = Math.max(64, 1 << Math.ceil(Math.log2(response.length - i + 2)));
  if (keys.length < size) {
    keys = new Int32Array(size);
    stamps = new Int32Array(size);
  }
  const mask = size - 1;
  stamp = stamp === 0x7fffffff ? 1 : stamp + 1;
  const last = [0, 0, 0, 0];
  let words = 0;
  let grams = 0;
  let distinct = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  for (; i <= response.length; i++) {
    const c = i < response.length ? response.charCodeAt(i) : 32;
    if (!isSpace(c)) {
      h = Math.imul(h ^ c, 0x01000193);
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    inWord = false;
    last[words % REPEAT_N] = h;
    h = 0x811c9dc5;
    words++;
    if (words < REPEAT_N) continue;
    let g = 0x9e3779b1;
    for (let j = REPEAT_N; j >= 1; j--) g = Math.imul(g ^ last[(words - j) % REPEAT_N]!, 0x85ebca6b) ^ (g >>> 13);
    grams++;
    for (let slot = g & mask; ; slot = (slot + 1) & mask) {
      if (stamps[slot] !== stamp) {
        stamps[slot] = stamp;
        keys[slot] = g;
        distinct++;
        break;
      }
      if (keys[slot] === g) break;
    }
  }
  if (words < REPEAT_MIN_WORDS || grams === 0) return 0;
  return 1 - distinct / grams;
}

export function countBoxed(response: string): number {
  let n = 0;
  for (let at = response.indexOf('\\boxed{'); at >= 0; at = response.indexOf('\\boxed{', at + 1)) n++;
  return n;
}

export type DegenerateReason = 'empty' | 'repeated' | 'many_boxed';

/** Why a response is degenerate, or null: empty (or an empty last box), looping, or boxing many answers. */
export function degenerateReason(response: string): DegenerateReason | null {
  // /\S/ stops at the first visible character; trim() would copy every response.
  if (!/\S/.test(response) || extractLastBoxed(response)?.trim() === '') return 'empty';
  if (countBoxed(response) >= MANY_BOXED) return 'many_boxed';
  if (repeatedNgramShare(response) >= REPEAT_SHARE) return 'repeated';
  return null;
}

interface DegenerateState {
  n: number;
  empty: number;
  repeated: number;
  many_boxed: number;
  ids: number[];
}

export const degenerateOutput: StepDetector<DegenerateState> = {
  kind: 'degenerate_output',
  id: 'degenerate_output',
  onset: false,
  init: () => ({ n: 0, empty: 0, repeated: 0, many_boxed: 0, ids: [] }),
  add(st, s) {
    st.n++;
    const why = degenerateReason(s.response);
    if (!why) return;
    st[why]++;
    pushId(st.ids, s.id, DEGENERATE_IDS);
  },
  evaluate(w, t) {
    const st = w[w.length - 1]!.state;
    if (!st || st.n === 0) return null;
    const bad = st.empty + st.repeated + st.many_boxed;
    const share = bad / st.n;
    if (bad === 0 || share < t.degenerateShare) return null;
    return {
      score: share,
      message:
        `${bad} of ${st.n} responses (${pct(share)}) are degenerate: ${st.empty} empty, ` +
        `${st.repeated} repeating ${REPEAT_N}-grams, ${st.many_boxed} with ${MANY_BOXED}+ \\boxed{} answers`,
      samples: st.ids,
    };
  },
};

/** Samples of all-correct groups linked to a saturation alert. */
const SATURATED_IDS = 50;

export const saturation: StepDetector<never> = {
  kind: 'saturation',
  id: 'saturation',
  onset: true,
  evaluate(w, t, ctx) {
    const xs = w.map((s) => s.step);
    const allCorrect = series(w, (s) => s.allCorrectRatio);
    const last = w[w.length - 1]!;
    const egr = last.effectiveGradientRatio;
    if (!allCorrect || egr === null) return null;
    const rise = windowRise(xs, allCorrect);
    if (rise < t.saturationAllCorrectRise || egr >= t.saturationEffectiveMax) return null;
    return {
      score: rise,
      message:
        `all-correct group share ${signedFixed(rise)} over steps ${w[0]!.step}–${last.step} (now ${pct(allCorrect[allCorrect.length - 1]!)}); ` +
        `effective-gradient ratio ${last.effectiveGradientRatio!.toFixed(2)} < ${t.saturationEffectiveMax}`,
      samples: ctx.allCorrectSamples(last.stepId, SATURATED_IDS),
    };
  },
};
