// Compares a re-score set with the logged rewards or with another set: per-sample Δ, correctness
// and advantage-sign flips, agreement and its 2×2 confusion matrix, per-step Δ mean reward and
// Δ effective-gradient ratio, and the groups whose GRPO advantages move most.
import { ErrorCode, LensError } from '../../shared/errors';
import type { Comparison } from '../../shared/rescore';
import { RescoreStore, type CompareRow } from '../store/rescoreStore';
import type { Store } from '../store/store';
import { ComparisonAccumulator, type ComparisonLimits } from './comparison';

export interface CompareOptions extends ComparisonLimits {
  set: number;
  against: 'logged' | number;
  /**
   * Against the logged rewards: compare with this logged component instead of the reward; `null`:
   * the reward. Default: like with like (`loggedBaselineFor`).
   */
  loggedComponent?: string | null;
}

// Functions whose score is a correctness verdict on the 1/0 scale (math's defaults): their like among
// logged rewards is the correctness component, not a total that adds format or length terms.
const CORRECTNESS_FUNCTIONS = new Set(['math']);
const CORRECTNESS_COMPONENTS = ['correctness', 'accuracy', 'acc', 'correct'];

/**
 * What a set is compared with among the logged rewards: a spec that is one correctness function
 * (weight 1, no constant) is compared with the run's logged correctness component when there is
 * one; anything else with the logged reward.
 */
export function loggedBaselineFor(rs: RescoreStore, set: { spec: string; run_id: number }): string | null {
  let spec: unknown;
  try {
    spec = JSON.parse(set.spec);
  } catch {
    return null;
  }
  const s = spec as { constant?: unknown; terms?: Array<{ fn?: unknown; weight?: unknown }> };
  const term = Array.isArray(s.terms) && s.terms.length === 1 ? s.terms[0] : undefined;
  if (!term || (s.constant ?? 0) !== 0 || term.weight !== 1 || typeof term.fn !== 'string' || !CORRECTNESS_FUNCTIONS.has(term.fn))
    return null;
  return CORRECTNESS_COMPONENTS.find((c) => rs.runHasComponent(set.run_id, c)) ?? null;
}

export function compareSet(store: Store, opts: CompareOptions): Comparison {
  const rs = new RescoreStore(store.db);
  const set = rs.getSet(opts.set);
  if (!set) throw new LensError(ErrorCode.NotFound, `${store.file}: no re-score set ${opts.set}`);
  if (opts.against !== 'logged') {
    const other = rs.getSet(opts.against);
    if (!other) throw new LensError(ErrorCode.NotFound, `${store.file}: no re-score set ${opts.against} to compare against`);
    if (other.run_id !== set.run_id)
      throw new LensError(ErrorCode.BadInput, `re-score sets ${opts.set} and ${opts.against} belong to different runs`);
  }
  const component =
    opts.against !== 'logged' ? null : opts.loggedComponent !== undefined ? opts.loggedComponent : loggedBaselineFor(rs, set);
  const acc = new ComparisonAccumulator(opts);
  for (const group of byGroup(rs.compareRows(opts.set, opts.against, component ?? undefined))) acc.add(group);
  return {
    set: opts.set,
    against: opts.against,
    baseline: opts.against !== 'logged' ? `set ${opts.against}` : component ? `logged component ${component}` : 'logged reward',
    ...acc.result(),
  };
}

/** The rows cut into one array per group, relying on compareRows' order (split, step, group, index). */
function* byGroup(rows: Iterable<CompareRow>): Generator<CompareRow[]> {
  let group: CompareRow[] = [];
  for (const row of rows) {
    if (group.length && group[0]!.group_id !== row.group_id) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length) yield group;
}
