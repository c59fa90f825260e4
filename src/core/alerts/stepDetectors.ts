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
/** Only the last words are read: a loop fills the end of a response, and this bounds the cost. */
export const REPEAT_TAIL_WORDS = 2000;
/** This many `\boxed{` or more in one response is "many answers boxed at once". */
export const MANY_BOXED = 3;
/** Degenerate samples linked to an alert. */
const DEGENERATE_IDS = 50;

/** Share of the response's word n-grams (in its tail) that repeat an earlier one; 0 for short ones. */
export function repeatedNgramShare(response: string): number {
  const words = response.split(/\s+/).filter(Boolean);
  if (words.length < REPEAT_MIN_WORDS) return 0;
  const tail = words.slice(-REPEAT_TAIL_WORDS);
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i + REPEAT_N <= tail.length; i++) {
    seen.add(tail.slice(i, i + REPEAT_N).join(' '));
    total++;
  }
  return total ? 1 - seen.size / total : 0;
}

export function countBoxed(response: string): number {
  let n = 0;
  for (let at = response.indexOf('\\boxed{'); at >= 0; at = response.indexOf('\\boxed{', at + 1)) n++;
  return n;
}

export type DegenerateReason = 'empty' | 'repeated' | 'many_boxed';

/** Why a response is degenerate, or null: empty (or an empty last box), looping, or boxing many answers. */
export function degenerateReason(response: string): DegenerateReason | null {
  if (response.trim() === '' || extractLastBoxed(response)?.trim() === '') return 'empty';
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
