// Per-step health metrics from sample rows: the step metrics of groupAggregates.ts (one definition,
// shared with the store), plus what needs individual samples: reflection precision / recall against
// correctness and RoRecomp (docs/algorithms.md#reflection, #rorecomp). Keys are what `rollout-lens stats --json` prints.
import { aggregateRows, stepStatsFromGroups, type BasicStats, type ExtraStats } from './groupAggregates';
import { reflectionStats, type ReflectionStats } from './reflection';
import { RORECOMP_DEFAULT_ALPHA, roRecompSummary, type RoRecompSample, type RoRecompSummary } from './rorecomp';
import type { StepSampleRow } from './stepMetrics';
import { sampleSuccess } from './success';

export interface AnalysisSampleRow extends StepSampleRow {
  /** Reflection keyword occurrences in the response, when counted. */
  reflection_count?: number | null;
}

export interface StepAnalysis extends Omit<ExtraStats, 'reflection'> {
  basic: BasicStats;
  reflection: ReflectionStats | null;
  rorecomp: RoRecompSummary | null;
}

/**
 * `threshold`: the run's success threshold (src/shared/success.ts), null when none is set; rows
 * carry their `components` for the correctness-component rule.
 */
export function stepAnalysis(
  rows: readonly AnalysisSampleRow[],
  opts: { rorecompAlpha?: number; threshold?: number | null } = {},
): StepAnalysis {
  const threshold = opts.threshold ?? null;
  const { basic, extra } = stepStatsFromGroups(aggregateRows(rows, threshold));
  const useTokens = basic.length_unit === 'tokens';
  const byGroup = new Map<number, AnalysisSampleRow[]>();
  for (const r of rows) {
    const g = byGroup.get(r.group_id);
    if (g) g.push(r);
    else byGroup.set(r.group_id, [r]);
  }
  const rorecompGroups: RoRecompSample[][] = [...byGroup.values()].map((g) => {
    // RoRecomp splits by the same success rule as the group metrics.
    return g.map((r) => ({
      length: useTokens ? (r.length_tokens as number) : r.length_chars,
      correct: sampleSuccess(r, threshold),
    }));
  });
  const counted = rows.filter((r) => typeof r.reflection_count === 'number');
  return {
    ...extra,
    basic,
    reflection: counted.length
      ? reflectionStats(
          counted.map((r) => ({ group: r.group_id, count: r.reflection_count as number, correct: sampleSuccess(r, threshold) })),
        )
      : null,
    rorecomp: rows.length ? roRecompSummary(rorecompGroups, opts.rorecompAlpha ?? RORECOMP_DEFAULT_ALPHA) : null,
  };
}
