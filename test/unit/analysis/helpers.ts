// Test helpers: a seeded PRNG (so property tests replay) and float comparisons with a tolerance.
import assert from 'node:assert/strict';

/** mulberry32: tiny, seeded, good enough to generate test cases. */
export function prng(seed: number): {
  next: () => number;
  int: (lo: number, hi: number) => number;
  pick: <T>(xs: readonly T[]) => T;
} {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
  return { next, int, pick };
}

export function assertClose(actual: number | null | undefined, expected: number, tol = 1e-9, what = 'value'): void {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${String(actual)}`);
  const a = actual as number;
  assert.ok(Math.abs(a - expected) <= tol, `${what}: ${a} differs from ${expected} by more than ${tol}`);
}

export function assertAllClose(actual: readonly number[], expected: readonly number[], tol = 1e-9, what = 'array'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} ≠ ${expected.length}`);
  expected.forEach((e, i) => assertClose(actual[i], e, tol, `${what}[${i}]`));
}
