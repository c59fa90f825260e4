// Thousands of steps in a few hundred pixels: keep, per pixel column, the first, lowest, highest
// and last point, so spikes survive and the path stays O(width) instead of O(steps).

export interface Point {
  x: number;
  y: number | null;
}

/**
 * x ascending. Null y values are kept (as gap markers) only where they break a run, so d3's
 * line().defined() still draws gaps. Returns the input unchanged when it is already small.
 */
export function decimate(xs: readonly number[], ys: ReadonlyArray<number | null>, x0: number, x1: number, columns: number): Point[] {
  const n = Math.min(xs.length, ys.length);
  if (n <= columns * 4 || x1 <= x0) return Array.from({ length: n }, (_, i) => ({ x: xs[i] as number, y: ys[i] ?? null }));
  const out: Point[] = [];
  const width = (x1 - x0) / columns;
  let col = -1;
  let first = -1;
  let last = -1;
  let lo = -1;
  let hi = -1;
  let gap = false;
  const flush = (): void => {
    if (first < 0) return;
    const idx = [...new Set([first, lo, hi, last])].sort((a, b) => a - b);
    for (const i of idx) out.push({ x: xs[i] as number, y: ys[i] as number });
    first = last = lo = hi = -1;
  };
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i];
    const c = Math.min(columns - 1, Math.max(0, Math.floor((x - x0) / width)));
    if (c !== col) {
      flush();
      col = c;
    }
    if (y === null || y === undefined || !Number.isFinite(y)) {
      if (!gap) {
        flush();
        out.push({ x, y: null });
        gap = true;
      }
      continue;
    }
    gap = false;
    if (first < 0) first = lo = hi = i;
    last = i;
    if (y < (ys[lo] as number)) lo = i;
    if (y > (ys[hi] as number)) hi = i;
  }
  flush();
  return out;
}

/** Index of the x closest to `x` in an ascending array (binary search). */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
  return lo;
}
