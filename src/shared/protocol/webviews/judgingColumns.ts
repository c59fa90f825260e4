// The dashboard's columns for rewards without a verifier, one value per step (null where a step has
// none): BRPO's dropped share, mean preference and mean |skew| under the default rule; VeriFree's
// mean p(reference) and share with p = 0; the zero-accuracy prompts each Cog-Rethinker stage
// rescued; and, per pair of reward models, their correlation over the step's samples.
import type { StepStatsRow } from '../../rollout';

type Column = Array<number | null>;

export interface JudgingColumns {
  brpo: { dropped: Column; preference: Column; skew: Column } | null;
  p_reference: { mean: Column; zero: Column } | null;
  rescued: { zero_accuracy: Column; decompose: Column; reflect: Column } | null;
  /** Pearson's r of each pair of reward models (key `a~b`), per step. */
  agreement: Record<string, Column> | null;
}

export function judgingColumns(
  rows: readonly StepStatsRow[],
  agreement: ReadonlyMap<number, Readonly<Record<string, number | null>>> = new Map(),
): JudgingColumns {
  const pairs = new Set<string>();
  for (const m of agreement.values()) for (const k of Object.keys(m)) pairs.add(k);
  const cols: JudgingColumns = {
    brpo: rows.some((r) => r.brpo) ? { dropped: [], preference: [], skew: [] } : null,
    p_reference: rows.some((r) => r.p_reference) ? { mean: [], zero: [] } : null,
    rescued: rows.some((r) => r.rescued) ? { zero_accuracy: [], decompose: [], reflect: [] } : null,
    agreement: pairs.size ? Object.fromEntries([...pairs].sort().map((k) => [k, [] as Column])) : null,
  };
  for (const r of rows) {
    if (cols.brpo) {
      cols.brpo.dropped.push(r.brpo?.dropped_ratio ?? null);
      cols.brpo.preference.push(r.brpo?.mean_preference ?? null);
      cols.brpo.skew.push(r.brpo?.mean_abs_skew ?? null);
    }
    if (cols.p_reference) {
      cols.p_reference.mean.push(r.p_reference?.mean ?? null);
      cols.p_reference.zero.push(r.p_reference?.zero_ratio ?? null);
    }
    if (cols.rescued) {
      cols.rescued.zero_accuracy.push(r.rescued?.zero_accuracy ?? null);
      cols.rescued.decompose.push(r.rescued?.decompose ?? null);
      cols.rescued.reflect.push(r.rescued?.reflect ?? null);
    }
    if (cols.agreement) for (const k of pairs) cols.agreement[k]!.push(agreement.get(r.step)?.[k] ?? null);
  }
  return cols;
}
