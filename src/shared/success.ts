// Which samples count as solved: one rule per run, in this order (docs/algorithms.md#success):
//   1. the logged verdict (`correct`; verl's `acc`),
//   2. else a correctness component (the first of CORRECTNESS_COMPONENTS a sample logged), > 0,
//   3. else the run's success threshold, when the user set one: reward ≥ threshold,
//   4. else reward > 0.
// A sample takes the first rule that it has the data for; the run records every rule its samples
// used, so a view can say "logged verdict; some samples: reward > 0" instead of hiding the mix.

/** Component names read as correctness, in the order they are tried. */
export const CORRECTNESS_COMPONENTS = ['correctness', 'accuracy', 'acc', 'correct'] as const;

/** One rule: 'verdict', `component:<name>`, 'threshold' or 'reward'. */
export type SuccessRule = 'verdict' | `component:${string}` | 'threshold' | 'reward';

const RANK: Record<string, number> = { verdict: 0, component: 1, threshold: 2, reward: 3 };

const rankOf = (rule: string): number => RANK[rule.split(':')[0]!] ?? 4;

/** The rules as stored on a run (comma-separated, most certain first), e.g. "verdict,reward". */
export function joinRules(rules: Iterable<string>): string {
  return [...new Set(rules)].sort((a, b) => rankOf(a) - rankOf(b) || a.localeCompare(b)).join(',');
}

function describeOne(rule: string, threshold: number | null): string {
  if (rule === 'verdict') return 'the logged verdict';
  if (rule.startsWith('component:')) return `${rule.slice('component:'.length)} component > 0`;
  if (rule === 'threshold') return `reward ≥ ${threshold ?? '?'} (this run's success threshold)`;
  return 'reward > 0';
}

/**
 * What "solved" means in a run, in words, e.g. "correctness component > 0" or "the logged
 * verdict; some samples: reward > 0". `rules` is the stored list; null or empty: nothing ingested.
 */
export function describeSuccessRule(rules: string | null, threshold: number | null): string {
  const list = (rules ?? '').split(',').filter((r) => r !== '');
  if (list.length === 0) return threshold === null ? 'no samples yet' : describeOne('threshold', threshold);
  const [first, ...rest] = list;
  const head = describeOne(first!, threshold);
  const note = first === 'reward' && threshold === null ? ' (no verdict or correctness component logged)' : '';
  return rest.length ? `${head}; some samples: ${rest.map((r) => describeOne(r, threshold)).join(', ')}` : head + note;
}
