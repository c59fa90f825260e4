// Group counts and the step statistic of what the trainer filtered out (prime-rl all/ vs effective/,
// docs/formats.md#prime-rl-verifiers-traces). The ingest writer keeps these counts in the groups
// table as samples and trained-on batches arrive, so a step's share never reads its samples.

export interface FilterCounts {
  /** Samples the trainer trained on. */
  trained_n: number;
  /** Samples of a step whose trained-on batch is known, not in it. */
  filtered_n: number;
}

export function emptyFilterCounts(): FilterCounts {
  return { trained_n: 0, filtered_n: 0 };
}

/** Adds a sample whose mark is known when it is stored (1 trained, 0 filtered out, null not known). */
export function addFilterMark(g: FilterCounts, trained: number | null | undefined): void {
  if (trained === 1) g.trained_n++;
  else if (trained === 0) g.filtered_n++;
}

export interface FilterStats {
  /** Samples whose mark is known, and the share of them filtered out; null when none is known. */
  trainer_filter: { known: number; filtered: number; filtered_ratio: number } | null;
}

export function filterStats(groups: ReadonlyArray<FilterCounts>): FilterStats {
  let trained = 0;
  let filtered = 0;
  for (const g of groups) {
    trained += g.trained_n;
    filtered += g.filtered_n;
  }
  const known = trained + filtered;
  return { trainer_filter: known ? { known, filtered, filtered_ratio: filtered / known } : null };
}

/** Said of a filtered-out sample when neither it nor its group tells why (docs/formats.md#prime-rl-verifiers-traces). */
export const NOT_IN_EFFECTIVE = 'not in effective/';

/**
 * Why each of a group's samples was filtered out (undefined: trained or not known), as far as the
 * data tells: the reason the sample itself gave (an error, an untrainable agent); else a zero GRPO
 * advantage, its reward equal to the mean of the group's clean samples, which prime-rl's
 * zero-advantage filter drops (on by default); else only that it is not in effective/ (staleness, a
 * curriculum gate, or another algorithm's zero credit, which the files do not record).
 */
export function filterReasons(
  rows: ReadonlyArray<{ reward: number; trained?: number | null; filter_reason?: string | null }>,
): Array<string | undefined> {
  const clean = rows.filter((r) => !r.filter_reason).map((r) => r.reward);
  const mean = clean.length ? clean.reduce((a, b) => a + b, 0) / clean.length : 0;
  const scale = Math.max(1, ...clean.map(Math.abs));
  return rows.map((r) => {
    if (r.trained !== 0) return undefined;
    if (r.filter_reason) return r.filter_reason;
    if (clean.length > 0 && Math.abs(r.reward - mean) <= 1e-9 * scale) return 'zero advantage (reward equals its group mean)';
    return NOT_IN_EFFECTIVE;
  });
}
