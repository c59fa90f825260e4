// Export of stored samples as native JSONL (docs/native-format.md). The output ingests back into the
// same records: explicit `index` keeps identities, unknown keys travel in `meta`.
import type { NativeRollout, Split } from '../../shared/rollout';
import { decodeFloat32, decodeInt32 } from './blobs';
import type { Store } from './store';

interface ExportRow {
  split: Split;
  step: number;
  uid: string;
  prompt: string;
  idx: number;
  response: string;
  reward: number;
  components: string | null;
  rationale: string | null;
  ground_truth: string | null;
  correct: number | null;
  finish_reason: string | null;
  response_ids: Buffer | null;
  response_tokens: string | null;
  logprobs: Buffer | null;
  advantage: number | null;
  token_advantages: Buffer | null;
  train_logprobs: Buffer | null;
  ref_logprobs: Buffer | null;
  entropy: Buffer | null;
  data_source: string | null;
  turns: string | null;
  meta: string | null;
}

export function rowToNative(r: ExportRow): NativeRollout {
  const o: NativeRollout = {
    step: r.step,
    group: r.uid,
    index: r.idx,
    split: r.split,
    prompt: r.prompt,
    response: r.response,
    reward: r.reward,
  };
  if (r.components !== null) o.components = JSON.parse(r.components) as Record<string, number>;
  if (r.rationale !== null) o.rationale = JSON.parse(r.rationale) as string | Record<string, string>;
  if (r.ground_truth !== null) o.ground_truth = r.ground_truth;
  if (r.correct !== null) o.correct = r.correct === 1;
  if (r.finish_reason !== null) o.finish_reason = r.finish_reason;
  const ids = decodeInt32(r.response_ids);
  if (ids) o.response_ids = ids;
  if (r.response_tokens !== null) o.response_tokens = JSON.parse(r.response_tokens) as string[];
  const lp = decodeFloat32(r.logprobs);
  if (lp) o.logprobs = lp;
  if (r.advantage !== null) o.advantage = r.advantage;
  const ta = decodeFloat32(r.token_advantages);
  if (ta) o.token_advantages = ta;
  // NaN (not reported for a token) is written as null, which reads back as NaN.
  const perToken = { train_logprobs: r.train_logprobs, ref_logprobs: r.ref_logprobs, entropy: r.entropy };
  for (const [key, blob] of Object.entries(perToken) as [keyof typeof perToken, Buffer | null][]) {
    const values = decodeFloat32(blob);
    if (values) o[key] = values;
  }
  if (r.data_source !== null) o.data_source = r.data_source;
  if (r.turns !== null) o.turns = JSON.parse(r.turns) as NativeRollout['turns'];
  if (r.meta !== null) o.meta = JSON.parse(r.meta) as Record<string, unknown>;
  return o;
}

/** Yields the run's samples (optionally one step) in (split, step, group, index) order. */
export function* exportRun(store: Store, runId: number, step?: number): Generator<NativeRollout> {
  const stmt = store.db.prepare(
    `SELECT st.split, st.step, g.uid, p.text AS prompt, s.idx, s.response, s.reward, s.components, s.rationale,
            s.ground_truth, s.correct, s.finish_reason, s.response_ids, s.response_tokens, s.logprobs,
            s.advantage, s.token_advantages, s.train_logprobs, s.ref_logprobs, s.entropy, s.data_source, s.turns, s.meta
       FROM steps st
       JOIN groups g ON g.step_id = st.id
       JOIN prompts p ON p.id = g.prompt_id
       JOIN samples s ON s.group_id = g.id
      WHERE st.run_id = ? AND (? IS NULL OR st.step = ?)
      ORDER BY st.split, st.step, g.uid, s.idx`,
  );
  for (const row of stmt.iterate(runId, step ?? null, step ?? null)) yield rowToNative(row as ExportRow);
}
