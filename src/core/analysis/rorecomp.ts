// RoRecomp batch recomposition, parameterised (docs/algorithms.md#rorecomp). Only the abstract-level design
// is confirmed [P-abstract/S]: α and the median split are UI parameters, not the paper's values.
import { ErrorCode, LensError } from '../../shared/errors';

export interface RoRecompSample {
  length: number;
  correct: boolean;
}

export interface Quadrants {
  short_correct: number;
  short_wrong: number;
  long_correct: number;
  long_wrong: number;
}

export interface RoRecompGroup {
  /** Indices of short-correct and long-incorrect responses (the "brevity" priority batch). */
  priority: number[];
  /** Everything else: goes to the replay buffer. */
  compensation: number[];
  /** Length at which the group splits into short (≤ median) and long. */
  median: number;
  quadrants: Quadrants;
  /** mean len(wrong) − mean len(correct); null unless the group has both. */
  length_gap: number | null;
}

export interface RoRecompSummary {
  alpha: number;
  /** |∪ priority| / |batch|. */
  priority_share: number | null;
  /** Per-group length gaps averaged over groups with both correct and wrong responses. */
  length_gap: number | null;
  quadrants: Quadrants;
}

export const RORECOMP_DEFAULT_ALPHA = 0.5;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha <= 1)) throw new LensError(ErrorCode.BadInput, `RoRecomp α must be in [0, 1], got ${alpha}`);
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function roRecompGroup(samples: readonly RoRecompSample[], alpha = RORECOMP_DEFAULT_ALPHA): RoRecompGroup {
  checkAlpha(alpha);
  const idx = samples.map((_, i) => i);
  const len = (i: number): number => (samples[i] as RoRecompSample).length;
  // Ties keep index order (Array.prototype.sort is stable), so the split is reproducible.
  const correct = idx.filter((i) => samples[i]?.correct).sort((a, b) => len(a) - len(b));
  const wrong = idx.filter((i) => !samples[i]?.correct).sort((a, b) => len(b) - len(a));
  const chosen = new Set<number>();
  if (correct.length > 0 && wrong.length > 0) {
    for (const i of correct.slice(0, Math.ceil(alpha * correct.length))) chosen.add(i);
    for (const i of wrong.slice(0, Math.ceil(alpha * wrong.length))) chosen.add(i);
  }
  const med = samples.length ? median(samples.map((s) => s.length)) : 0;
  const q: Quadrants = { short_correct: 0, short_wrong: 0, long_correct: 0, long_wrong: 0 };
  for (const s of samples) {
    const short = s.length <= med;
    const key: keyof Quadrants = s.correct ? (short ? 'short_correct' : 'long_correct') : short ? 'short_wrong' : 'long_wrong';
    q[key]++;
  }
  return {
    priority: idx.filter((i) => chosen.has(i)),
    compensation: idx.filter((i) => !chosen.has(i)),
    median: med,
    quadrants: q,
    length_gap: correct.length && wrong.length ? meanOf(wrong.map(len)) - meanOf(correct.map(len)) : null,
  };
}

export function roRecompSummary(groups: ReadonlyArray<readonly RoRecompSample[]>, alpha = RORECOMP_DEFAULT_ALPHA): RoRecompSummary {
  checkAlpha(alpha);
  const q: Quadrants = { short_correct: 0, short_wrong: 0, long_correct: 0, long_wrong: 0 };
  let total = 0;
  let priority = 0;
  const gaps: number[] = [];
  for (const g of groups) {
    const r = roRecompGroup(g, alpha);
    total += g.length;
    priority += r.priority.length;
    if (r.length_gap !== null) gaps.push(r.length_gap);
    q.short_correct += r.quadrants.short_correct;
    q.short_wrong += r.quadrants.short_wrong;
    q.long_correct += r.quadrants.long_correct;
    q.long_wrong += r.quadrants.long_wrong;
  }
  return {
    alpha,
    priority_share: total ? priority / total : null,
    length_gap: gaps.length ? meanOf(gaps) : null,
    quadrants: q,
  };
}
