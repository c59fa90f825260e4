// Export of stored samples as native JSONL (docs/native-format.md). The output ingests back into the
// same records: explicit `index` keeps identities, unknown keys travel in `meta`.
import type { ImageRef, SampleBoxes, SampleSegments, VideoRef } from '../../shared/media';
import type { NativeRollout, Split, Turn } from '../../shared/rollout';
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
  images: string | null;
  boxes: string | null;
  video: string | null;
  segments: string | null;
  meta: string | null;
}

/** Images kept in the database leave it as data URIs, so the export ingests anywhere (docs/native-format.md#images-and-boxes). */
export type StoredImageReader = (hash: string) => { mime: string; bytes: Buffer } | undefined;

function portable(refs: ImageRef[], stored: StoredImageReader): ImageRef[] {
  return refs.map((ref) => {
    if (!('stored' in ref)) return ref;
    const img = stored(ref.stored);
    const size = { ...(ref.width ? { width: ref.width } : {}), ...(ref.height ? { height: ref.height } : {}) };
    return img ? { url: `data:${img.mime};base64,${img.bytes.toString('base64')}`, ...size } : ref;
  });
}

export function rowToNative(r: ExportRow, stored: StoredImageReader = () => undefined): NativeRollout {
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
  if (r.turns !== null) {
    const turns = JSON.parse(r.turns) as Turn[];
    o.turns = turns.map((t) => (t.images ? { ...t, images: portable(t.images, stored) } : t));
  }
  if (r.images !== null) o.images = portable(JSON.parse(r.images) as ImageRef[], stored);
  if (r.boxes !== null) o.boxes = JSON.parse(r.boxes) as SampleBoxes;
  if (r.video !== null) o.video = JSON.parse(r.video) as VideoRef;
  if (r.segments !== null) o.segments = JSON.parse(r.segments) as SampleSegments;
  if (r.meta !== null) o.meta = JSON.parse(r.meta) as Record<string, unknown>;
  return o;
}

/** Yields the run's samples (optionally one step) in (split, step, group, index) order. */
export function* exportRun(store: Store, runId: number, step?: number): Generator<NativeRollout> {
  const stmt = store.db.prepare(
    `SELECT st.split, st.step, g.uid, p.text AS prompt, s.idx, s.response, s.reward, s.components, s.rationale,
            s.ground_truth, s.correct, s.finish_reason, s.response_ids, s.response_tokens, s.logprobs,
            s.advantage, s.token_advantages, s.train_logprobs, s.ref_logprobs, s.entropy, s.data_source, s.turns, s.meta,
            s.images, s.boxes, s.video, s.segments
       FROM steps st
       JOIN groups g ON g.step_id = st.id
       JOIN prompts p ON p.id = g.prompt_id
       JOIN samples s ON s.group_id = g.id
      WHERE st.run_id = ? AND (? IS NULL OR st.step = ?)
      ORDER BY st.split, st.step, g.uid, s.idx`,
  );
  const image = store.db.prepare('SELECT mime, bytes FROM images WHERE hash = ?');
  const stored: StoredImageReader = (hash) => image.get(hash) as { mime: string; bytes: Buffer } | undefined;
  for (const row of stmt.iterate(runId, step ?? null, step ?? null)) yield rowToNative(row as ExportRow, stored);
}
