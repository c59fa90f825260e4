// Per-step health metrics from sample rows: the step metrics of groupAggregates.ts (one definition,
// shared with the store), plus what needs individual samples: reflection precision / recall against
// correctness and RoRecomp (docs/algorithms.md#reflection, #rorecomp). Keys are what `rollout-lens stats --json` prints.
import { aggregateRows, stepStatsFromGroups, type BasicStats, type ExtraStats } from './groupAggregates';
import { reflectionStats, type ReflectionStats } from './reflection';
import { RORECOMP_DEFAULT_ALPHA, roRecompSummary, type RoRecompSample, type RoRecompSummary } from './rorecomp';
import type { StepSampleRow } from './stepMetrics';

export interface AnalysisSampleRow extends StepSampleRow {
  /** Reflection keyword occurrences in the response, when counted. */
  reflection_count?: number | null;
}

export interface StepAnalysis extends Omit<ExtraStats, 'reflection'> {
  basic: BasicStats;
  reflection: ReflectionStats | null;
  rorecomp: RoRecompSummary | null;
}

/** A sample's own outcome: `correct` when logged, else R > 0. */
const sampleSuccess = (r: StepSampleRow): boolean => (r.correct === null ? r.reward > 0 : r.correct !== 0);

export function stepAnalysis(rows: readonly AnalysisSampleRow[], opts: { rorecompAlpha?: number } = {}): StepAnalysis {
  const { basic, extra } = stepStatsFromGroups(aggregateRows(rows));
  const useTokens = basic.length_unit === 'tokens';
  const byGroup = new Map<number, AnalysisSampleRow[]>();
  for (const r of rows) {
    const g = byGroup.get(r.group_id);
    if (g) g.push(r);
    else byGroup.set(r.group_id, [r]);
  }
  const rorecompGroups: RoRecompSample[][] = [...byGroup.values()].map((g) => {
    // RoRecomp splits by the same outcome rule as the group metrics: `correct` when the whole group has it.
    const byCorrect = g.every((r) => r.correct !== null);
    return g.map((r) => ({
      length: useTokens ? (r.length_tokens as number) : r.length_chars,
      correct: byCorrect ? r.correct !== 0 : r.reward > 0,
    }));
  });
  const counted = rows.filter((r) => typeof r.reflection_count === 'number');
  return {
    ...extra,
    basic,
    reflection: counted.length
      ? reflectionStats(counted.map((r) => ({ group: r.group_id, count: r.reflection_count as number, correct: sampleSuccess(r) })))
      : null,
    rorecomp: rows.length ? roRecompSummary(rorecompGroups, opts.rorecompAlpha ?? RORECOMP_DEFAULT_ALPHA) : null,
  };
}
