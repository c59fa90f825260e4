// Number formatting for every label, table and document the user reads (explorer, status bar,
// quick picks, sample documents and the webviews): one rule, so the same value reads the same
// everywhere. Locale-independent. Missing values are an en dash (–); negatives take the minus sign
// (−, U+2212, as signed() always did), so a column of numbers aligns and reads as maths.
// `digits` is the number of decimals kept; trailing zeros are dropped (0.5, not 0.500).

const MISSING = '–';
const MINUS = '−';

/** Leading ASCII hyphen-minus → minus sign (an exponent's sign stays as it is). */
function minus(s: string): string {
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return MISSING;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`;
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return minus(String(x));
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return minus(x.toExponential(2));
  return minus(String(Number(x.toFixed(digits))));
}

/** How small, relative to the scale it was computed at, a value must be to be floating-point noise. */
export const NOISE_RELATIVE = 1e-6;

/**
 * `x`, or exactly 0 when |x| ≤ NOISE_RELATIVE × `scale` (the magnitude it was computed from, e.g.
 * the group's largest |reward|): a degenerate group's advantage of 2.2e-10 or a std of 2.3e-8 from
 * running sums is rounding, not a value, so it shows as 0 and is neither green nor red.
 */
export function denoise(x: number, scale: number): number {
  return Math.abs(x) <= NOISE_RELATIVE * Math.abs(scale) ? 0 : x;
}

/** A difference or an advantage: always signed (+, −, and ± for exactly zero). */
export function signed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return fmt(x, digits);
  return (x > 0 ? '+' : x < 0 ? MINUS : '±') + fmt(Math.abs(x), digits);
}

/** A share in [0, 1] as a percentage with one decimal. */
export function percent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  return `${minus((x * 100).toFixed(1))}%`;
}

/** A count, short: 950, 1.2k, 3.4M. */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
