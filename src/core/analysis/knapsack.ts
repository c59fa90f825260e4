// Knapsack RL rollout-budget allocation, "what if" for a step (docs/algorithms.md#knapsack, a port of
// KnapsackRL exploration_utils.py sampling_budget_by_knapsack + solve_by_dp, quirks included).
import { ErrorCode, LensError } from '../../shared/errors';

/** P_nz(N, p) = 1 − p^N − (1−p)^N: chance that N rollouts at success rate p give a non-zero gradient (docs/algorithms.md#step-metrics). */
export function nonZeroGradientProbability(N: number, p: number): number {
  return 1 - Math.pow(p, N) - Math.pow(1 - p, N);
}

/** InfoGain(p) = p(1−p)², peaking at p = 1/3 (docs/algorithms.md#knapsack). */
export function infoGain(p: number): number {
  return p * (1 - p) * (1 - p);
}

/** Value(N, p) = P_nz(N, p) · InfoGain(p). */
export function knapsackValue(N: number, p: number): number {
  return nonZeroGradientProbability(N, p) * infoGain(p);
}

export interface KnapsackPrompt {
  /** False until the prompt has enough history (count < min_buffer_length): it gets n rollouts. */
  valid: boolean;
  /** Estimated success rate in [0, 1]; ignored when not valid. */
  p: number | null;
}

export interface KnapsackOptions {
  /** The homogeneous budget per prompt: B = n · M. */
  n: number;
  minN: number;
  maxN: number;
  /** Coverage target of the fallback cost estimate (0.9). */
  alpha?: number;
  allowFallback?: boolean;
  /** Rollouts for p = 0 and p = 1 prompts (both min_n by default). */
  negativeN?: number;
  positiveN?: number;
}

export interface KnapsackResult {
  allocation: number[];
  budget: number;
  fallback: boolean;
  /** est / B′ when the fallback fired, else null. */
  fallback_effective_ratio: number | null;
}

// Guards the O(items · budget · (max_n − min_n)) DP against inputs that would hang the engine.
const MAX_DP_WORK = 5e8;

const isInt = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;

function bad(message: string): never {
  throw new LensError(ErrorCode.BadInput, `knapsack: ${message}`);
}

/** Validates everything up front (docs/algorithms.md#knapsack): the official code would fail an assertion mid-way instead. */
function validate(prompts: readonly KnapsackPrompt[], o: Required<KnapsackOptions>): void {
  if (!Array.isArray(prompts) || prompts.length === 0) bad('needs at least one prompt');
  if (!isInt(o.n, 1)) bad(`n must be an integer ≥ 1, got ${o.n}`);
  if (!isInt(o.minN, 1)) bad(`min_n must be an integer ≥ 1, got ${o.minN}`);
  if (!isInt(o.maxN, o.minN)) bad(`max_n must be an integer ≥ min_n (${o.minN}), got ${o.maxN}`);
  if (!isInt(o.negativeN, 0) || !isInt(o.positiveN, 0)) bad('negative_n and positive_n must be integers ≥ 0');
  if (!(o.alpha > 0 && o.alpha < 1)) bad(`alpha must be in (0, 1), got ${o.alpha}`);
  let initial = 0;
  prompts.forEach((q, i) => {
    if (typeof q?.valid !== 'boolean') bad(`prompts[${i}].valid must be true or false`);
    if (!q.valid) {
      initial += o.n;
      return;
    }
    if (typeof q.p !== 'number' || !(q.p >= 0 && q.p <= 1)) bad(`prompts[${i}].p must be a number in [0, 1], got ${String(q.p)}`);
    initial += q.p === 0 ? o.negativeN : q.p === 1 ? o.positiveN : o.minN;
  });
  const budget = prompts.length * o.n;
  if (initial > budget) bad(`the budget n·M = ${budget} is below the initial allocation ${initial} (is n < min_n?)`);
}

/** Adds `amount` to the targets evenly; the remainder goes one each to the first ones. */
function spread(N: number[], amount: number, targets: readonly number[]): void {
  const each = Math.floor(amount / targets.length);
  const rest = amount - each * targets.length;
  targets.forEach((t, k) => (N[t] = (N[t] as number) + each + (k < rest ? 1 : 0)));
}

/**
 * The DP over effective items: extra units k ∈ [1, max_n − min_n], gain(k, p) = P_nz(k + min_n, p)·InfoGain(p).
 * k = 0 gains 0 (not Value(min_n)): kept for parity. Ties keep the earlier (smaller) choice.
 * Returns the extra units per item, backtracked from the largest reachable w ≤ capacity.
 */
function solveByDp(ps: readonly number[], capacity: number, minN: number, maxN: number): number[] {
  const K = maxN - minN;
  if (ps.length * (capacity + 1) * Math.max(K, 1) > MAX_DP_WORK) {
    bad(`the allocation problem is too large (${ps.length} prompts × budget ${capacity} × ${K} choices)`);
  }
  const W = capacity + 1;
  let dp = new Float64Array(W).fill(-Infinity);
  dp[0] = 0;
  const choice = new Int32Array(ps.length * W);
  ps.forEach((p, i) => {
    const gain = new Float64Array(K + 1);
    for (let k = 1; k <= K; k++) gain[k] = knapsackValue(k + minN, p);
    const next = Float64Array.from(dp);
    for (let w = 1; w < W; w++) {
      let best = next[w] as number;
      let pick = 0;
      const top = Math.min(K, w);
      for (let k = 1; k <= top; k++) {
        const prev = dp[w - k] as number;
        if (prev === -Infinity) continue;
        const v = prev + (gain[k] as number);
        if (v > best) {
          best = v;
          pick = k;
        }
      }
      next[w] = best;
      choice[i * W + w] = pick;
    }
    dp = next;
  });
  let w = capacity;
  while (w > 0 && dp[w] === -Infinity) w--;
  const extra = new Array<number>(ps.length).fill(0);
  for (let i = ps.length - 1; i >= 0; i--) {
    const k = choice[i * W + w] as number;
    extra[i] = k;
    w -= k;
  }
  return extra;
}

export function knapsackAllocation(prompts: readonly KnapsackPrompt[], options: KnapsackOptions): KnapsackResult {
  const o: Required<KnapsackOptions> = {
    alpha: 0.9,
    allowFallback: true,
    negativeN: options.minN,
    positiveN: options.minN,
    ...options,
  };
  validate(prompts, o);
  const M = prompts.length;
  const budget = M * o.n;
  const N = new Array<number>(M).fill(0);
  const effective: number[] = [];
  const zeros: number[] = [];
  const others: number[] = [];
  let est = 0;
  prompts.forEach((q, i) => {
    const p = q.p as number;
    if (!q.valid) N[i] = o.n;
    else if (p === 0) N[i] = o.negativeN;
    else if (p === 1) N[i] = o.positiveN;
    else {
      N[i] = o.minN;
      effective.push(i);
      // Rollouts needed to see both outcomes with probability α; capped at max_n.
      const cost = Math.log(1 - o.alpha) / Math.log(Math.max(p, 1 - p));
      est += Math.floor(Math.min(o.maxN, cost));
      return;
    }
    // The official code starts success_rates at 0 for every prompt and fills only valid ones, so an
    // invalid prompt is a "success rate = 0" target for the surplus too (docs/algorithms.md).
    if (!q.valid || p === 0) zeros.push(i);
    others.push(i);
  });
  let rest = budget - N.reduce((a, b) => a + b, 0);
  let fallback = false;
  let ratio: number | null = null;

  if (effective.length === 0) {
    if (rest > 0) {
      if (zeros.length > 0) spread(N, rest, zeros);
      else N.fill(o.n);
    }
  } else {
    // With no p = 0, invalid or other non-effective prompt to take the surplus, the fallback cannot
    // apply (the official code would divide by zero).
    const targets = zeros.length > 0 ? zeros : others;
    if (est < rest && o.allowFallback && targets.length > 0) {
      fallback = true;
      ratio = est / rest;
      spread(N, rest - est, targets);
      rest = est;
    }
    const extra = solveByDp(
      effective.map((i) => prompts[i]?.p as number),
      rest,
      o.minN,
      o.maxN,
    );
    let used = 0;
    effective.forEach((i, k) => {
      N[i] = (N[i] as number) + (extra[k] as number);
      used += extra[k] as number;
    });
    if (rest > used) spread(N, rest - used, effective);
  }
  const total = N.reduce((a, b) => a + b, 0);
  if (total !== budget) throw new LensError(ErrorCode.Internal, `knapsack: allocated ${total} rollouts, budget ${budget}`);
  return { allocation: N, budget, fallback, fallback_effective_ratio: ratio };
}
