// The numbers of a chart's axes and read-out: tick labels, the y range (bands included, counts from
// 0) and read-out digits, all through the one number formatter (webview/shared/format).
import * as d3 from 'd3';
import type { Series } from './chart';
import { fmt } from './format';

const smallTick = d3.format('.3~g');
const bigTick = d3.format('.3~s');
/** Number axis ticks: SI prefixes from 1000 up (60k), else three significant digits. */
const numberTick = (v: number): string => (Math.abs(v) >= 1000 ? bigTick(v) : smallTick(v));

/**
 * An axis's tick labels. Percentages get as many decimals as the ticks' spacing needs (d3 picks them
 * from the tick step), so a 0–1.4% axis reads 0.0%, 0.5%, 1.0% instead of 0%, 0%, 1%, 1%.
 */
export function tickFormat(scale: d3.ScaleLinear<number, number>, f: 'number' | 'percent' | undefined): (v: d3.NumberValue) => string {
  if (f === 'percent') return scale.tickFormat(4, '%');
  return (v) => numberTick(Number(v));
}

/** A number for the read-out: four significant digits (2289.81 → 2290, 0.52341 → 0.5234), at most four decimals. */
export function readoutNumber(v: number): string {
  const magnitude = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  return fmt(v, Math.max(0, Math.min(4, 3 - magnitude)));
}

/** The y range of some series, their bands included; `fromZero` (counts) keeps 0 on a non-negative axis. */
export function extent(series: ReadonlyArray<Pick<Series, 'y' | 'band'>>, fromZero: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ser of series) {
    ser.y.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const w = ser.band?.[i];
      const half = w === null || w === undefined || !Number.isFinite(w) ? 0 : Math.abs(w);
      if (v - half < lo) lo = v - half;
      if (v + half > hi) hi = v + half;
    });
  }
  if (lo === Infinity) return [0, 1];
  if (fromZero && lo >= 0) return [0, hi > 0 ? hi : 1];
  // A flat curve sits on an axis that starts at 0 (all-zero shares must not read −40%…40%).
  if (lo === hi) return lo > 0 ? [0, 1.1 * lo] : lo < 0 ? [1.1 * lo, 0] : [0, 1];
  // Start at 0 when the data sits closer to 0 than its own spread (rates, lengths).
  return [lo >= 0 && lo < hi - lo ? 0 : lo, hi];
}
