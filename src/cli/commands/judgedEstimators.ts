// `advantages --estimator brpo|multi-rm` over an --input batch: BRPO verdicts against each group's
// reference (Writing-Zero) and the weighted mean of per-model GRPO advantages (LongWriter-Zero), with
// the shared estimators (src/shared/judgedAdvantages.ts, docs/algorithms.md#rewards-without-a-verifier).
import { ErrorCode, LensError } from '../../shared/errors';
import { brpoAdvantages, multiRmAdvantages, type BrpoOptions } from '../../shared/judgedAdvantages';
import { UsageError } from '../output';
import type { InputGroup } from './advantageInput';

export interface BrpoGroupOut {
  uid: string;
  reference: number;
  /** |Σ verdicts| / G. */
  skew: number;
  dropped: boolean;
  /** Share of judged samples that beat the reference (null when none was judged). */
  preference: number | null;
  samples: Array<{ verdict: number | null; advantage: number }>;
}

export function brpoGroups(groups: readonly InputGroup[], opts: Required<BrpoOptions>, warnings: string[]): BrpoGroupOut[] {
  return groups.map((g) => {
    const reference = g.reference ?? 0;
    const votes = g.votes ?? [];
    const counts = new Set<number>();
    votes.forEach((v, i) => {
      if (i === reference) return;
      if (v === null || v.length === 0) warnings.push(`group ${JSON.stringify(g.uid)}: sample ${i} has no votes: no verdict, advantage 0`);
      else counts.add(v.length);
    });
    if (counts.size > 1)
      warnings.push(`group ${JSON.stringify(g.uid)}: samples cast different numbers of votes (${[...counts].sort().join(', ')})`);
    const r = brpoAdvantages(reference, votes, opts);
    return {
      uid: g.uid,
      reference,
      skew: r.skew,
      dropped: r.dropped,
      preference: r.preference,
      samples: r.verdicts.map((verdict, i) => ({ verdict, advantage: r.advantages[i] ?? 0 })),
    };
  });
}

export interface MultiRmGroupOut {
  uid: string;
  /** Per sample: the weighted mean, and each model's own group-normalised advantage. */
  samples: Array<{ advantage: number; per_model: Record<string, number> }>;
}

/** `--weights len=2,write=1`: the models in that order with their weights (each ≥ 0, not all 0). */
export function parseWeights(spec: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const m = /^\s*([^=\s][^=]*?)\s*=\s*(\S+)\s*$/.exec(part);
    const w = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(w) || w < 0) throw new UsageError(`--weights takes name=w,… with each w ≥ 0, got ${JSON.stringify(part)}`);
    const name = m[1] as string;
    if (name in weights) throw new UsageError(`--weights names ${JSON.stringify(name)} twice`);
    weights[name] = w;
  }
  if (Object.values(weights).every((w) => w === 0)) throw new UsageError('--weights must not all be 0');
  return weights;
}

/**
 * The models are the component names in the order they first appear in the file, or the weight names
 * when --weights is given (each must be some sample's component: a name no sample has is a typo).
 */
export function multiRmModels(file: string, groups: readonly InputGroup[], weights: Record<string, number> | undefined): string[] {
  const seen: string[] = [];
  for (const g of groups) for (const c of g.components ?? []) for (const k of Object.keys(c)) if (!seen.includes(k)) seen.push(k);
  if (weights === undefined) {
    if (seen.length === 0)
      throw new LensError(ErrorCode.BadInput, `${file}: no sample has any components: multi-rm needs the reward models' scores`, { file });
    return seen;
  }
  const unknown = Object.keys(weights).filter((k) => !seen.includes(k));
  if (unknown.length) {
    throw new LensError(
      ErrorCode.BadInput,
      `${file}: --weights names ${unknown.map((k) => JSON.stringify(k)).join(', ')}, in no sample's components`,
      {
        file,
      },
    );
  }
  return Object.keys(weights);
}

export function multiRmGroups(
  groups: readonly InputGroup[],
  models: readonly string[],
  weights: Record<string, number>,
  warnings: string[],
): MultiRmGroupOut[] {
  return groups.map((g) => {
    const components = g.components ?? [];
    components.forEach((c, i) => {
      const missing = models.filter((m) => c[m] === undefined);
      if (missing.length)
        warnings.push(
          `group ${JSON.stringify(g.uid)}: sample ${i} has no ${missing.map((m) => JSON.stringify(m)).join(', ')} score: it counts as 0`,
        );
    });
    if (components.length === 1)
      warnings.push(`group ${JSON.stringify(g.uid)} has one sample: each model's advantage is its raw score, not 0`);
    const r = multiRmAdvantages(components, models, weights);
    return {
      uid: g.uid,
      samples: r.advantages.map((advantage, i) => ({
        advantage,
        per_model: Object.fromEntries(models.map((m) => [m, r.perModel[m]?.[i] ?? 0])),
      })),
    };
  });
}
