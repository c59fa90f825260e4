// A group's prefix tree under a judged estimator (BRPO, multi-RM, VeriFree): each prefix's value is
// the mean of the estimator's per-sample outcome under it (the verdict, the multi-RM advantage, or
// p(reference)), so the tree shows which openings go on to win; every token of a sample carries the
// estimator's sequence advantage, as these estimators give one advantage per response (no TD term:
// TEMPO's δ is defined for its own GRPO baseline, docs/algorithms.md#rewards-without-a-verifier).
import { ErrorCode, LensError } from '../../shared/errors';
import type { GroupRef } from '../../shared/explorer';
import { sampleAdvantages, type JudgedEstimator } from '../../shared/protocol/webviews/advantages';
import type { GroupTree } from '../../shared/tree';
import { groupTree, type TreeOptions } from '../store/groupTrees';
import type { Store } from '../store/store';
import { groupView } from './groupView';

export function judgedGroupTree(store: Store, ref: GroupRef, estimator: JudgedEstimator, opts: TreeOptions = {}): GroupTree {
  const { view } = groupView(store, ref, opts);
  const advantages = sampleAdvantages(view.samples, estimator, view.judging);
  if (advantages.some((a) => a === undefined)) {
    throw new LensError(ErrorCode.BadInput, `group ${JSON.stringify(ref.group)} did not log what the ${estimator} estimator needs`, {
      group: ref.group,
    });
  }
  const p = new Map(view.judging?.answers?.map((a) => [a.index, a.p]) ?? []);
  const verdicts = new Map(view.judging?.pairwise?.samples.map((s) => [s.index, s.verdict]) ?? []);
  const outcome = new Map(
    view.samples.map((s, i) => {
      const a = advantages[i] as number;
      if (estimator === 'verifree') return [s.index, p.get(s.index) ?? 0];
      if (estimator === 'brpo') return [s.index, verdicts.get(s.index) ?? a];
      return [s.index, a];
    }),
  );
  const tree = groupTree(store, ref, { ...opts, norm: false, outcomes: outcome });
  const byIndex = new Map(view.samples.map((s, i) => [s.index, advantages[i] as number]));
  for (const s of tree.samples) {
    const a = byIndex.get(s.index) as number;
    s.advantage = a;
    s.token_advantages = s.token_advantages.map(() => a);
  }
  tree.warnings.push(`${estimator}: node values are the mean outcome under each prefix; every token carries the sequence advantage`);
  return tree;
}
