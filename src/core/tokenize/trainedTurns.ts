// Multi-turn rollouts: only the policy's own (`trained`) turns are actions (TEMPO's loss
// mask, docs/algorithms.md#multi-turn). Tool / environment / user turns are shown but never scored.
import type { Turn } from '../../shared/rollout';

/** True when some turn is not the policy's, i.e. when tokens must be filtered. */
export function hasUntrainedTurns(turns: readonly Turn[] | undefined): boolean {
  return turns !== undefined && turns.some((t) => !t.trained);
}

/** The policy's text: the trained turns' contents, concatenated in order. */
export function trainedText(turns: readonly Turn[]): string {
  let s = '';
  for (const t of turns) if (t.trained) s += t.content;
  return s;
}

/** Character ranges of the trained turns inside the concatenated response, for highlighting. */
export function trainedSpans(turns: readonly Turn[]): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let at = 0;
  for (const t of turns) {
    if (t.trained && t.content.length > 0) spans.push({ start: at, end: at + t.content.length });
    at += t.content.length;
  }
  return spans;
}

/** Keeps the positions whose mask value is non-zero (a logged loss / action mask aligned with ids). */
export function applyMask<T>(values: readonly T[], mask: readonly number[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < values.length; i++) if (mask[i]) out.push(values[i] as T);
  return out;
}

/**
 * The text reflection counting and highlighting look at: the policy's own turns when a stored
 * sample has turns the policy was not trained on (tool output, environment, user), else the response.
 */
export function policyText(response: string, turnsJson: string | null | undefined): string {
  if (!turnsJson) return response;
  return policyTextOf(response, JSON.parse(turnsJson) as Turn[]);
}

/** The same, for turns not yet stored (the ingest counts keywords as it parses). */
export function policyTextOf(response: string, turns: readonly Turn[] | undefined): string {
  return turns && hasUntrainedTurns(turns) ? trainedText(turns) : response;
}

/** Keeps the spans (UTF-16 offsets into the response) that lie inside a trained turn. */
export function insideTrained<T extends { start: number; end: number }>(spans: readonly T[], turns: readonly Turn[]): T[] {
  if (!hasUntrainedTurns(turns)) return [...spans];
  const trained = trainedSpans(turns);
  return spans.filter((s) => trained.some((t) => s.start >= t.start && s.end <= t.end));
}
