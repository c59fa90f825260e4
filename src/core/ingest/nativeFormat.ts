// The native JSONL rollout format (docs/native-format.md) and native metrics lines.
import { dirname } from 'node:path';
import type { Grouping, Split, Turn } from '../../shared/rollout';
import { parseBoxes, parseImageRefs, parseSegments, parseVideo } from '../media/imageRefs';
import type { LineFormat } from './formats';
import { JUDGING_KEYS, PairwiseGroupCheck, readJudgingFields } from './judgingFields';
import type { ParsedRecord, SampleRecord } from './records';
import {
  checkNumberArray,
  describe,
  floatArrayWithGaps,
  isFiniteNumber,
  isStep,
  numericEntries,
  parseObjectLine,
  type JsonObject,
} from './jsonLine';

const KNOWN = new Set([
  'step',
  'group',
  'prompt',
  'response',
  'reward',
  'index',
  'components',
  'rationale',
  'ground_truth',
  'correct',
  'finish_reason',
  'trained',
  'filter_reason',
  'response_ids',
  'response_tokens',
  'logprobs',
  'advantage',
  'token_advantages',
  'train_logprobs',
  'ref_logprobs',
  'entropy',
  'split',
  'data_source',
  'turns',
  'images',
  'boxes',
  'video',
  'segments',
  'meta',
  ...JUDGING_KEYS,
]);
const TURN_ROLES = new Set(['assistant', 'tool', 'user', 'environment']);

/** `trained` and `filter_reason` (docs/native-format.md#a-sample): whether the trainer trained on the sample, and why not. */
function parseTrained(o: JsonObject): Pick<SampleRecord, 'trained' | 'filterReason'> | string {
  const t = o['trained'];
  const why = o['filter_reason'];
  if (t !== undefined && t !== null && typeof t !== 'boolean') return `"trained" must be true or false, got ${describe(t)}`;
  if (why !== undefined && why !== null && typeof why !== 'string') return `"filter_reason" must be a string, got ${describe(why)}`;
  if (typeof t !== 'boolean') return {};
  // A sample logged as filtered out without a reason says only that.
  return t ? { trained: true } : { trained: false, filterReason: typeof why === 'string' && why !== '' ? why : 'logged as not trained' };
}

function checkTurns(v: unknown, baseDir: string | null): Turn[] | string {
  if (!Array.isArray(v)) return `"turns" must be an array, got ${describe(v)}`;
  const out: Turn[] = [];
  for (let i = 0; i < v.length; i++) {
    const t = v[i] as JsonObject | null;
    if (!t || typeof t !== 'object') return `"turns"[${i}] must be an object`;
    if (typeof t['role'] !== 'string' || !TURN_ROLES.has(t['role'])) {
      return `"turns"[${i}].role must be one of assistant, tool, user, environment`;
    }
    if (typeof t['content'] !== 'string') return `"turns"[${i}].content must be a string`;
    const trained = t['trained'] ?? t['role'] === 'assistant';
    if (typeof trained !== 'boolean') return `"turns"[${i}].trained must be a boolean`;
    const turn: Turn = { role: t['role'] as Turn['role'], content: t['content'], trained };
    if (t['images'] !== undefined && t['images'] !== null) {
      const images = parseImageRefs(t['images'], `"turns"[${i}].images`, baseDir);
      if (typeof images === 'string') return images;
      turn.images = images;
    }
    out.push(turn);
  }
  return out;
}

/**
 * Validates one native rollout object. Returns the sample, or a message naming the bad field that
 * costs the line; `problems` gets the bad fields the sample is stored without.
 * `baseDir`: the rollout file's folder, which relative image paths are resolved against.
 */
function nativeSampleFields(o: JsonObject, defaultSplit: Split, baseDir: string | null, problems: string[]): SampleRecord | string {
  if (!isStep(o['step'])) return `"step" must be an integer ≥ 0, got ${describe(o['step'])}`;
  if (typeof o['group'] !== 'string' || o['group'] === '') {
    return `"group" (the GRPO uid) must be a non-empty string, got ${describe(o['group'])}`;
  }
  if (typeof o['prompt'] !== 'string') return `"prompt" must be a string, got ${describe(o['prompt'])}`;
  let response = o['response'];
  let turns: Turn[] | undefined;
  if (o['turns'] !== undefined) {
    const t = checkTurns(o['turns'], baseDir);
    if (typeof t === 'string') return t;
    turns = t;
    if (response === undefined) response = t.map((x) => x.content).join('');
  }
  if (typeof response !== 'string') return `"response" must be a string, got ${describe(response)}`;
  const reward = o['reward'];
  if (typeof reward !== 'number') return `"reward" must be a number, got ${describe(reward)}`;
  if (!Number.isFinite(reward)) return `"reward" must be finite, got ${reward}`;
  const rec: SampleRecord = {
    split: defaultSplit,
    step: o['step'],
    group: o['group'],
    prompt: o['prompt'],
    response,
    reward,
  };
  if (o['split'] !== undefined) {
    if (o['split'] !== 'train' && o['split'] !== 'val') return `"split" must be "train" or "val", got ${describe(o['split'])}`;
    rec.split = o['split'];
  }
  if (o['index'] !== undefined) {
    if (!isStep(o['index'])) return `"index" must be an integer ≥ 0, got ${describe(o['index'])}`;
    rec.index = o['index'];
  }
  if (o['components'] !== undefined) {
    const c = o['components'];
    if (!c || typeof c !== 'object' || Array.isArray(c)) return `"components" must be an object of numbers`;
    for (const [k, v] of Object.entries(c)) {
      if (!isFiniteNumber(v)) return `"components".${k} must be a finite number, got ${describe(v)}`;
    }
    rec.components = c as Record<string, number>;
  }
  const r = o['rationale'];
  if (r !== undefined && r !== null) {
    if (typeof r === 'string') rec.rationale = r;
    else if (typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((x) => typeof x === 'string')) {
      rec.rationale = r as Record<string, string>;
    } else return `"rationale" must be a string or an object of strings`;
  }
  const gt = o['ground_truth'];
  if (gt !== undefined && gt !== null) rec.groundTruth = typeof gt === 'string' ? gt : JSON.stringify(gt);
  if (o['correct'] !== undefined && o['correct'] !== null) {
    if (typeof o['correct'] !== 'boolean') return `"correct" must be true or false, got ${describe(o['correct'])}`;
    rec.correct = o['correct'];
  }
  if (o['finish_reason'] !== undefined && o['finish_reason'] !== null) {
    if (typeof o['finish_reason'] !== 'string') return `"finish_reason" must be a string`;
    rec.finishReason = o['finish_reason'];
  }
  const filtered = parseTrained(o);
  if (typeof filtered === 'string') return filtered;
  Object.assign(rec, filtered);
  const bad =
    checkNumberArray(o, 'response_ids', true) ??
    checkNumberArray(o, 'logprobs', false, true) ??
    checkNumberArray(o, 'token_advantages') ??
    checkNumberArray(o, 'train_logprobs', false, true) ??
    checkNumberArray(o, 'ref_logprobs', false, true) ??
    checkNumberArray(o, 'entropy', false, true);
  if (bad) return bad;
  if (Array.isArray(o['response_ids'])) rec.responseIds = o['response_ids'] as number[];
  if (Array.isArray(o['token_advantages'])) rec.tokenAdvantages = o['token_advantages'] as number[];
  const perToken = {
    logprobs: 'logprobs',
    trainLogprobs: 'train_logprobs',
    refLogprobs: 'ref_logprobs',
    entropy: 'entropy',
  } as const;
  for (const [field, key] of Object.entries(perToken) as [keyof typeof perToken, string][]) {
    const arr = floatArrayWithGaps(o[key]);
    if (arr) rec[field] = arr;
  }
  const toks = o['response_tokens'];
  if (toks !== undefined && toks !== null) {
    if (!Array.isArray(toks) || !toks.every((t) => typeof t === 'string')) {
      return `"response_tokens" must be an array of strings`;
    }
    rec.responseTokens = toks as string[];
  }
  const n = rec.responseIds?.length ?? rec.responseTokens?.length;
  for (const [key, arr] of [
    ['response_tokens', rec.responseTokens],
    ['logprobs', rec.logprobs],
    ['token_advantages', rec.tokenAdvantages],
    ['train_logprobs', rec.trainLogprobs],
    ['ref_logprobs', rec.refLogprobs],
    ['entropy', rec.entropy],
  ] as const) {
    if (arr && n !== undefined && arr.length !== n) {
      return `"${key}" has ${arr.length} entries but the response has ${n} tokens`;
    }
  }
  if (o['advantage'] !== undefined && o['advantage'] !== null) {
    if (!isFiniteNumber(o['advantage'])) return `"advantage" must be a finite number, got ${describe(o['advantage'])}`;
    rec.advantage = o['advantage'];
  }
  if (o['data_source'] !== undefined && o['data_source'] !== null) {
    if (typeof o['data_source'] !== 'string') return `"data_source" must be a string`;
    rec.dataSource = o['data_source'];
  }
  if (turns) rec.turns = turns;
  if (o['images'] !== undefined && o['images'] !== null) {
    const images = parseImageRefs(o['images'], '"images"', baseDir);
    if (typeof images === 'string') return images;
    rec.images = images;
  }
  if (o['boxes'] !== undefined && o['boxes'] !== null) {
    const boxes = parseBoxes(o['boxes'], rec.images?.length ?? 0);
    if (typeof boxes === 'string') return boxes;
    rec.boxes = boxes;
  }
  if (o['video'] !== undefined && o['video'] !== null) {
    const video = parseVideo(o['video'], baseDir);
    if (typeof video === 'string') return video;
    rec.video = video;
  }
  if (o['segments'] !== undefined && o['segments'] !== null) {
    const segments = parseSegments(o['segments']);
    if (typeof segments === 'string') return segments;
    rec.segments = segments;
  }
  problems.push(...readJudgingFields(o, rec));
  let meta: JsonObject | undefined;
  if (o['meta'] !== undefined && o['meta'] !== null) {
    if (typeof o['meta'] !== 'object' || Array.isArray(o['meta'])) return `"meta" must be an object`;
    meta = { ...(o['meta'] as JsonObject) };
  }
  for (const k in o) {
    if (!KNOWN.has(k)) (meta ??= {})[k] = o[k]; // unknown keys are kept, never dropped
  }
  if (meta) rec.meta = meta;
  return rec;
}

export function parseNativeLine(
  text: string,
  defaultSplit: Split = 'train',
  baseDir: string | null = null,
  groupCheck?: PairwiseGroupCheck,
): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  const problems: string[] = [];
  const s = nativeSampleFields(o, defaultSplit, baseDir, problems);
  if (typeof s === 'string') return { kind: 'error', message: s };
  if (groupCheck) problems.push(...groupCheck.check(s));
  if (problems.length === 0) return { kind: 'sample', sample: s };
  // The sample is stored; each problem is reported on its line.
  const where = `step ${s.step} group ${JSON.stringify(s.group)}${s.index === undefined ? '' : ` sample ${s.index}`}`;
  return { kind: 'samples', samples: [s], problems: problems.map((p) => `${where}: ${p}`) };
}

/**
 * Metrics lines: native `{"step": N, "metrics": {...}}`, verl's file logger `{"step": N, "data": {...}}` and
 * prime-rl's FileMonitor `{"step": N, "time": t, ...}`.
 * Non-numeric values are ignored (verl logs a few strings); booleans count as 0/1.
 */
export function parseMetricsLine(text: string): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  if (!isStep(o['step'])) return { kind: 'error', message: `"step" must be an integer ≥ 0, got ${describe(o['step'])}` };
  let values = o['metrics'] ?? o['data'];
  if (values === undefined && 'time' in o) {
    // prime-rl's FileMonitor writes {"step", "time", ...metrics} flat.
    const { step: _step, time: _time, ...rest } = o;
    values = rest;
  }
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    return { kind: 'error', message: 'a metrics line needs an object under "metrics" (or "data" for verl)' };
  }
  return { kind: 'metric', metric: { step: o['step'], values: numericEntries(values) } };
}

function withGrouping(r: ParsedRecord, grouping: Grouping): ParsedRecord {
  return r.kind === 'sample' || r.kind === 'samples' ? { ...r, grouping } : r;
}

/** oat's replay dump (`--dump_replay_every`) is a pickle: its converter writes native JSONL (docs/formats.md#oat--verifree). */
const OAT_PKL_HINT =
  'an oat replay dump (--dump_replay_every): convert it first with `python -m rollout_lens_logger.convert oat FILE`, then ingest the .jsonl it writes';

export const nativeRollouts: LineFormat<'native', 'rollouts'> = {
  id: 'native',
  kind: 'rollouts',
  reads: 'lines',
  unreadable: { shown: 'oat buffer_step*.pkl', matches: (name) => /^buffer_step\d+\.pkl$/.test(name), reason: OAT_PKL_HINT },
  matches: (o) => 'prompt' in o && ('response' in o || 'turns' in o) && 'reward' in o && 'group' in o,
  parser: ({ split, file }) => {
    const baseDir = dirname(file);
    const groupCheck = new PairwiseGroupCheck();
    return { parse: (t) => withGrouping(parseNativeLine(t, split, baseDir, groupCheck), 'id') };
  },
};

export const nativeMetrics: LineFormat<'native-metrics', 'metrics'> = {
  id: 'native-metrics',
  kind: 'metrics',
  reads: 'lines',
  matches: (o) => 'step' in o && 'metrics' in o,
  parser: () => ({ parse: parseMetricsLine }),
};
