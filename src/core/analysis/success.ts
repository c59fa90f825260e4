// A sample's success under the run's rule (src/shared/success.ts, docs/algorithms.md#success): the
// one definition the ingest writer, the re-count after a threshold change, the group view, alerts
// and re-score comparisons all use.
import { CORRECTNESS_COMPONENTS, type SuccessRule } from '../../shared/success';

export interface SuccessInput {
  reward: number;
  /** The logged verdict: a boolean, or 0/1 as SQLite stores it. */
  correct?: boolean | number | null | undefined;
  /** Reward components, parsed or as the JSON text the store keeps. */
  components?: Readonly<Record<string, unknown>> | string | null | undefined;
}

export interface SampleOutcome {
  success: boolean;
  rule: SuccessRule;
}

function parsed(c: SuccessInput['components']): Readonly<Record<string, unknown>> | null {
  if (c === null || c === undefined) return null;
  if (typeof c !== 'string') return c;
  const v: unknown = JSON.parse(c);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The rule names of the correctness components, made once (this runs for every ingested sample). */
const COMPONENT_RULES = CORRECTNESS_COMPONENTS.map((name) => [name, `component:${name}`] as const);

/** The first rule the sample has data for, and its verdict under it. `threshold`: the run's, or null. */
export function sampleOutcome(s: SuccessInput, threshold: number | null): SampleOutcome {
  if (s.correct !== null && s.correct !== undefined) return { success: s.correct === true || s.correct === 1, rule: 'verdict' };
  const components = parsed(s.components);
  if (components) {
    for (const [name, rule] of COMPONENT_RULES) {
      const v = components[name];
      if (typeof v === 'number' && Number.isFinite(v)) return { success: v > 0, rule };
    }
  }
  if (threshold !== null) return { success: s.reward >= threshold, rule: 'threshold' };
  return { success: s.reward > 0, rule: 'reward' };
}

export const sampleSuccess = (s: SuccessInput, threshold: number | null): boolean => sampleOutcome(s, threshold).success;
