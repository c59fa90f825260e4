// The trend statistic every windowed detector uses: the least-squares line through (step, value),
// and its rise across the window, slope × (last step − first step). Robust to one noisy step,
// unlike last − first, and zero for a flat series.

export function windowRise(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  if (sxx === 0) return 0;
  return (sxy / sxx) * (xs[n - 1]! - xs[0]!);
}

export function mean(ys: readonly number[]): number {
  return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
}

/** The values of a window when every step has one, else null (a gap makes no trend). */
export function series<T>(window: readonly T[], value: (w: T) => number | null | undefined): number[] | null {
  const out: number[] = [];
  for (const w of window) {
    const v = value(w);
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

export const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
export const signedFixed = (x: number, d = 2): string => `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;
