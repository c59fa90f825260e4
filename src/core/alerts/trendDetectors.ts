// Trend detectors fed by ingest: length exploitation, format gaming and GUI-G1 box-size growth.
// Each folds new samples into per-step state and judges a window of W steps (docs/algorithms.md).
import { boxArea, boxesInOriginal, boxHit } from '../../shared/media';
import { parsePredictedBox } from '../rewards/rules/guiG1';
import { mean, pct, series, signedFixed, windowRise } from './trend';
import { MAX_IDS, pushId, type DetectorSample, type StepDetector, type WindowStep } from './types';

/** Rewards differing by less than this are equal (float noise in logged rewards). */
const REWARD_EPS = 1e-9;
/** Fewer same-correctness pairs than this over the window say nothing about length. */
export const MIN_LENGTH_PAIRS = 10;

const span = (w: readonly WindowStep<unknown>[]): string => `steps ${w[0]!.step}–${w[w.length - 1]!.step}`;

interface LengthState {
  pairs: number;
  longWins: number;
  ids: number[];
}

export const lengthExploitation: StepDetector<LengthState> = {
  kind: 'length_exploitation',
  id: 'length_exploitation',
  onset: true,
  needsPeers: true,
  init: () => ({ pairs: 0, longWins: 0, ids: [] }),
  add(st, s, peers) {
    // Only pairs that correctness cannot tell apart: same outcome, different reward, different length.
    for (const p of peers) {
      if (p.success !== s.success || p.lengthIsTokens !== s.lengthIsTokens) continue;
      if (Math.abs(p.reward - s.reward) <= REWARD_EPS || p.length === s.length) continue;
      st.pairs++;
      const longer = p.length > s.length ? p : s;
      const shorter = longer === p ? s : p;
      if (longer.reward > shorter.reward) {
        st.longWins++;
        pushId(st.ids, longer.id);
      }
    }
  },
  evaluate(w, t) {
    const xs = w.map((s) => s.step);
    const r = series(w, (s) => s.rewardMean);
    const len = series(w, (s) => s.meanLength);
    if (!r || !len) return null;
    const rewardRise = windowRise(xs, r);
    const lengthMean = mean(len);
    const lengthRise = lengthMean > 0 ? windowRise(xs, len) / lengthMean : 0;
    const pairs = w.reduce((a, s) => a + (s.state?.pairs ?? 0), 0);
    const wins = w.reduce((a, s) => a + (s.state?.longWins ?? 0), 0);
    if (pairs < MIN_LENGTH_PAIRS) return null;
    const winRate = wins / pairs;
    if (rewardRise < t.lengthRewardRise || lengthRise < t.lengthRise || winRate < t.lengthWinRate) return null;
    return {
      score: winRate,
      message:
        `mean reward ${signedFixed(rewardRise)} and mean length ${signedFixed(100 * lengthRise, 0)}% over ${span(w)}; ` +
        `the longer response won ${pct(winRate)} of ${pairs} within-group pairs with the same correctness`,
      samples: w[w.length - 1]!.state?.ids ?? [],
    };
  },
};

interface FormatState {
  n: number;
  success: number;
  formatN: number;
  formatSum: number;
  ids: number[];
}

/** The format component of a sample: the first component whose name contains "format". */
export function formatComponent(c: Record<string, number> | null): number | undefined {
  if (!c) return undefined;
  for (const [k, v] of Object.entries(c)) if (/format/i.test(k)) return v;
  return undefined;
}

export const formatGaming: StepDetector<FormatState> = {
  kind: 'format_gaming',
  id: 'format_gaming',
  onset: true,
  init: () => ({ n: 0, success: 0, formatN: 0, formatSum: 0, ids: [] }),
  add(st, s) {
    st.n++;
    if (s.success) st.success++;
    const f = formatComponent(s.components);
    if (f === undefined) return;
    st.formatN++;
    st.formatSum += f;
    // The samples behind it: format paid, answer wrong.
    if (f > 0 && !s.success) pushId(st.ids, s.id);
  },
  evaluate(w, t) {
    const xs = w.map((s) => s.step);
    const f = series(w, (s) => (s.state && s.state.formatN > 0 ? s.state.formatSum / s.state.formatN : null));
    const acc = series(w, (s) => (s.state && s.state.n > 0 ? s.state.success / s.state.n : null));
    if (!f || !acc) return null;
    const formatRise = windowRise(xs, f);
    const accRise = windowRise(xs, acc);
    if (formatRise < t.formatRise || Math.abs(accRise) > t.formatAccuracyFlat) return null;
    return {
      score: formatRise,
      message: `mean format component ${signedFixed(formatRise)} over ${span(w)} while accuracy moved ${signedFixed(accRise)}`,
      samples: w[w.length - 1]!.state?.ids ?? [],
    };
  },
};

interface BoxState {
  boxN: number;
  hits: number;
  areaSum: number;
  /** [area, id] of the largest boxes that hit, largest first. */
  top: Array<[number, number]>;
}

/**
 * Predicted box area. From logged boxes: the first predicted box in original pixels, as a share of
 * the image when its size is known (images of different sizes then compare); else a logged
 * `box_area` component; else the last "bbox_2d" box in the response, in its pixels.
 */
export function predictedBoxArea(s: Pick<DetectorSample, 'components' | 'response' | 'boxes' | 'imageSize'>): number | undefined {
  if (s.boxes && s.boxes.pred.length > 0) {
    const [w, h] = s.imageSize ?? [null, null];
    const area = boxArea(boxesInOriginal(s.boxes, w, h)[0]![0]!);
    return w && h ? area / (w * h) : area;
  }
  const c = s.components;
  const response = s.response;
  const logged = c?.['box_area'];
  if (logged !== undefined) return logged;
  // Most runs are not GUI runs: skip the regex scan unless the key is there at all.
  const b = response.includes('bbox_2d') ? parsePredictedBox(response) : null;
  return b ? Math.abs(b[2] - b[0]) * Math.abs(b[3] - b[1]) : undefined;
}

export const boxGrowth: StepDetector<BoxState> = {
  kind: 'box_growth',
  id: 'box_growth',
  onset: true,
  init: () => ({ boxN: 0, hits: 0, areaSum: 0, top: [] }),
  add(st, s) {
    const area = predictedBoxArea(s);
    if (area === undefined || !Number.isFinite(area)) return;
    // A logged `hit` component (GUI-G1's hit reward) decides; else the logged boxes; else the sample's outcome.
    const hitComponent = s.components?.['hit'];
    const pred = s.boxes?.pred[0];
    const gt = s.boxes?.gt[0];
    const hit = hitComponent !== undefined ? hitComponent > 0 : pred && gt ? boxHit(pred, gt) === 1 : s.success;
    st.boxN++;
    st.areaSum += area;
    if (!hit) return;
    st.hits++;
    st.top.push([area, s.id]);
    st.top.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    if (st.top.length > MAX_IDS) st.top.length = MAX_IDS;
  },
  evaluate(w, t) {
    const xs = w.map((s) => s.step);
    const area = series(w, (s) => (s.state && s.state.boxN > 0 ? s.state.areaSum / s.state.boxN : null));
    const hit = series(w, (s) => (s.state && s.state.boxN > 0 ? s.state.hits / s.state.boxN : null));
    if (!area || !hit) return null;
    const areaMean = mean(area);
    const areaRise = areaMean > 0 ? windowRise(xs, area) / areaMean : 0;
    const hitRise = windowRise(xs, hit);
    if (areaRise < t.boxAreaRise || hitRise < t.boxHitRise) return null;
    return {
      score: areaRise,
      message: `mean predicted box area ${signedFixed(100 * areaRise, 0)}% and hit rate ${signedFixed(hitRise)} over ${span(w)}`,
      samples: (w[w.length - 1]!.state?.top ?? []).map(([, id]) => id),
    };
  },
};
