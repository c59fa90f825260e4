// slime debug rollout dumps (docs/formats.md#slime), after `python -m rollout_lens_logger.convert slime`:
// the torch pickle {"rollout_id", "samples": [Sample.to_dict()]} becomes one JSON line per sample,
// {"rollout_id", "evaluation", "reward_key", "sample"}. slime's own group_index is the group.
import type { Split } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { checkNumberArray, describe, isFiniteNumber, isStep, parseObjectLine, type JsonObject } from './jsonLine';

const KNOWN = new Set([
  'group_index',
  'index',
  'prompt',
  'tokens',
  'response',
  'response_length',
  'label',
  'reward',
  'loss_mask',
  'rollout_log_probs',
  'status',
  'metadata',
]);
/** slime's Sample.Status values → our finish reasons. */
const FINISH: Record<string, string> = {
  completed: 'stop',
  truncated: 'length',
  aborted: 'abort',
  failed: 'failed',
};

function promptText(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  if (Array.isArray(p)) {
    return p
      .map((m) =>
        m && typeof m === 'object' ? `${String((m as JsonObject)['role'])}: ${String((m as JsonObject)['content'] ?? '')}` : String(m),
      )
      .join('\n\n');
  }
  return undefined;
}

/**
 * A dict reward: the scalar is the key slime's --reward-key names (`score` when present and no key
 * was given); the other numeric entries become components and the rest meta.
 */
function splitReward(r: unknown, key: string | null): { reward: number; components?: Record<string, number>; extra?: JsonObject } | string {
  if (isFiniteNumber(r)) return { reward: r };
  if (!r || typeof r !== 'object' || Array.isArray(r)) return `"reward" must be a number or an object, got ${describe(r)}`;
  const d = r as JsonObject;
  const k = key ?? ('score' in d ? 'score' : null);
  if (k === null) return `"reward" is an object without "score" (keys ${Object.keys(d).join(', ')}): convert with --reward-key NAME`;
  if (!isFiniteNumber(d[k])) return `"reward".${k} must be a finite number, got ${describe(d[k])}`;
  const components: Record<string, number> = {};
  const extra: JsonObject = {};
  for (const [name, v] of Object.entries(d)) {
    if (name === k) continue;
    if (isFiniteNumber(v)) components[name] = v;
    else if (typeof v === 'boolean') components[name] = v ? 1 : 0;
    else extra[name] = v;
  }
  return {
    reward: d[k],
    ...(Object.keys(components).length ? { components } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

export function parseSlimeLine(text: string, split: Split): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  if (!isStep(o['rollout_id']))
    return {
      kind: 'error',
      message: `"rollout_id" must be an integer ≥ 0, got ${describe(o['rollout_id'])}`,
    };
  const s = o['sample'];
  if (!s || typeof s !== 'object' || Array.isArray(s)) return { kind: 'error', message: `"sample" must be an object, got ${describe(s)}` };
  const d = s as JsonObject;
  if (!isStep(d['group_index']))
    return {
      kind: 'error',
      message: `"sample.group_index" must be an integer ≥ 0, got ${describe(d['group_index'])}`,
    };
  if (!isStep(d['index'])) return { kind: 'error', message: `"sample.index" must be an integer ≥ 0, got ${describe(d['index'])}` };
  const prompt = promptText(d['prompt']);
  if (prompt === undefined)
    return {
      kind: 'error',
      message: `"sample.prompt" must be a string or a message list, got ${describe(d['prompt'])}`,
    };
  if (typeof d['response'] !== 'string')
    return { kind: 'error', message: `"sample.response" must be a string, got ${describe(d['response'])}` };
  const key = typeof o['reward_key'] === 'string' ? o['reward_key'] : null;
  const r = splitReward(d['reward'], key);
  if (typeof r === 'string') return { kind: 'error', message: r.replace(/^"reward"/, '"sample.reward"') };
  const rec: SampleRecord = {
    split: o['evaluation'] === true ? 'val' : split,
    step: o['rollout_id'],
    group: String(d['group_index']),
    index: d['index'],
    prompt,
    response: d['response'],
    reward: r.reward,
  };
  if (r.components) rec.components = r.components;
  const bad = checkNumberArray(d, 'tokens', true) ?? checkNumberArray(d, 'rollout_log_probs') ?? checkNumberArray(d, 'loss_mask', true);
  if (bad) return { kind: 'error', message: `sample ${d['index']}: ${bad}` };
  const n = d['response_length'];
  const tokens = d['tokens'] as number[] | undefined;
  if (tokens && isStep(n) && n > 0) {
    if (n > tokens.length)
      return {
        kind: 'error',
        message: `sample ${d['index']}: response_length ${n} is longer than its ${tokens.length} tokens`,
      };
    rec.responseIds = tokens.slice(tokens.length - n);
    const lp = d['rollout_log_probs'] as number[] | undefined;
    const mask = d['loss_mask'] as number[] | undefined;
    if (mask && mask.length !== n)
      return {
        kind: 'error',
        message: `sample ${d['index']}: loss_mask has ${mask.length} entries but the response has ${n} tokens`,
      };
    if (lp) {
      if (lp.length !== n)
        return {
          kind: 'error',
          message: `sample ${d['index']}: rollout_log_probs has ${lp.length} entries but the response has ${n} tokens`,
        };
      // Tool / environment tokens (loss mask 0) get 0.0 from slime, not a sampler logprob.
      rec.logprobs = lp.map((x, i) => (mask && mask[i] === 0 ? Number.NaN : x));
    }
  }
  if (typeof d['label'] === 'string') rec.groundTruth = d['label'];
  else if (d['label'] !== undefined && d['label'] !== null) rec.groundTruth = JSON.stringify(d['label']);
  if (typeof d['status'] === 'string') rec.finishReason = FINISH[d['status']] ?? d['status'];
  const meta: JsonObject = {};
  if (r.extra) meta['reward_extra'] = r.extra;
  const md = d['metadata'];
  if (md && typeof md === 'object' && Object.keys(md).length) meta['metadata'] = md;
  // The sample's own rollout_id (compact rollouts) is not the dump's: keep it under another name.
  if (isStep(d['rollout_id'])) meta['sample_rollout_id'] = d['rollout_id'];
  for (const k of ['weight_versions', 'remove_sample', 'session_id'] as const) {
    const v = d[k];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) meta[k] = v;
  }
  for (const k of Object.keys(d)) if (!KNOWN.has(k) && k !== 'rollout_id' && !(k in meta) && typeof d[k] !== 'object') meta[k] = d[k];
  if (Object.keys(meta).length) rec.meta = meta;
  return { kind: 'sample', sample: rec, grouping: 'id' };
}

/** slime writes torch pickles, which are never unpickled here: the companion converter reads them. */
const SLIME_PT_HINT =
  'a torch .pt file (slime --save-debug-rollout-data): convert it first with `python -m rollout_lens_logger.convert slime FILE` (needs torch), then ingest the .jsonl it writes';

export const slimeRollouts: LineFormat<'slime', 'rollouts'> = {
  id: 'slime',
  kind: 'rollouts',
  reads: 'lines',
  // what `python -m rollout_lens_logger.convert slime` writes from a slime .pt dump
  matches: (o) => 'rollout_id' in o && 'sample' in o,
  // Only the converter's output is read, not what slime itself writes.
  listedAs: 'converted slime',
  parser: ({ split }) => ({ parse: (t) => parseSlimeLine(t, split) }),
  unreadable: { shown: 'slime .pt', matches: (name) => name.endsWith('.pt'), reason: SLIME_PT_HINT },
};
