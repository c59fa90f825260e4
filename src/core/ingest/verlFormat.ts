// verl `trainer.rollout_data_dir` / `validation_data_dir` dumps: one `{step}.jsonl` per step
// (docs/formats.md#verl). The v1 trainer writes `uid` = `{sample}_{rollout}_{output}`: the group is
// the sample part. The legacy trainer writes no uid and balance_batch shuffles its rows, so there a
// group is rebuilt as "the rows of one step with the same `input` text".
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Split } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { describe, isStep, parseObjectLine } from './jsonLine';
import { parseMetricsLine } from './nativeFormat';

const BASE_KEYS = new Set(['input', 'output', 'gts', 'score', 'step', 'request_id', 'uid', 'index', 'dataset_index']);

/**
 * The dataset row a verl row came from: an `index` (or `dataset_index`) key its reward function
 * returned. verl's geo3k preprocessing stores `extra_info.index` = the row's position in the split's
 * parquet file (examples/data_preprocess/geo3k.py), so it joins that file.
 */
function datasetIndex(o: Record<string, unknown>): number | undefined {
  for (const k of ['dataset_index', 'index']) {
    const v = o[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  }
  return undefined;
}

/** With `--dataset` given once, every split joins it; given twice, validation rows join the second. */
export function datasetFor(datasets: readonly string[], split: Split): string | undefined {
  return split === 'val' && datasets.length > 1 ? datasets[1] : datasets[0];
}

/** `{sample}_{rollout}_{output}` → its parts (the sample part may itself contain `_`). */
export function splitV1Uid(uid: string): { sample: string; rollout: number; output: number } | undefined {
  const m = /^(.+)_(\d+)_(\d+)$/.exec(uid);
  return m ? { sample: m[1]!, rollout: Number(m[2]), output: Number(m[3]) } : undefined;
}

/** A stable group id for a prompt: the first 16 hex digits of its SHA-1. */
export function promptUid(input: string): string {
  return createHash('sha1').update(input).digest('hex').slice(0, 16);
}

export function parseVerlLine(text: string, split: Split, fileStep: number | undefined, datasets: readonly string[] = []): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  if (typeof o['input'] !== 'string') return { kind: 'error', message: `"input" must be a string, got ${describe(o['input'])}` };
  if (typeof o['output'] !== 'string') {
    return { kind: 'error', message: `"output" must be a string, got ${describe(o['output'])}` };
  }
  const score = o['score'];
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    return { kind: 'error', message: `"score" must be a finite number, got ${describe(score)}` };
  }
  const step = o['step'] ?? fileStep;
  if (!isStep(step)) return { kind: 'error', message: `"step" must be an integer ≥ 0, got ${describe(step)}` };
  const uid = o['uid'];
  const v1 = typeof uid === 'string' ? splitV1Uid(uid) : undefined;
  const row = datasetIndex(o);
  const hasUid = typeof uid === 'string' && uid !== '';
  const rec: SampleRecord = {
    split,
    step,
    // The index is left to the writer: v1 rows are sorted by (sample, rollout, output), so numbering
    // a group's rows in file order follows its rollout and output numbers. A dataset row names the
    // prompt better than its text does (one question over two images is two prompts).
    group: v1 ? v1.sample : hasUid ? uid : row !== undefined ? `row-${row}` : promptUid(o['input']),
    prompt: o['input'],
    response: o['output'],
    reward: score,
  };
  const gts = o['gts'];
  if (gts !== undefined && gts !== null) rec.groundTruth = typeof gts === 'string' ? gts : JSON.stringify(gts);
  const components: Record<string, number> = {};
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (BASE_KEYS.has(k)) continue;
    // Validation dumps repeat the score under "reward"; it is not a separate component.
    if (k === 'reward' && v === score) continue;
    if (typeof v === 'number' && Number.isFinite(v)) components[k] = v;
    else if (typeof v === 'boolean') components[k] = v ? 1 : 0;
    else meta[k] = v;
  }
  const acc = o['acc'];
  if (typeof acc === 'boolean') rec.correct = acc;
  else if (typeof acc === 'number' && Number.isFinite(acc)) rec.correct = acc > 0;
  if (typeof o['request_id'] === 'string') meta['request_id'] = o['request_id'];
  if (row !== undefined) {
    meta['dataset_index'] = row;
    const dataset = datasetFor(datasets, split);
    if (dataset) rec.images = [{ dataset, row, column: 'images' }];
  }
  if (typeof uid === 'string') {
    meta['uid'] = uid;
    if (v1) Object.assign(meta, { rollout: v1.rollout, output: v1.output });
  }
  if (Object.keys(components).length) rec.components = components;
  if (Object.keys(meta).length) rec.meta = meta;
  return {
    kind: 'sample',
    sample: rec,
    grouping: hasUid || row !== undefined ? 'id' : 'prompt-text',
  };
}

/** `12.jsonl` → 12; anything else → undefined. */
export function stepFromFileName(name: string): number | undefined {
  const m = /^(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export const verlRollouts: LineFormat<'verl', 'rollouts'> = {
  id: 'verl',
  kind: 'rollouts',
  reads: 'lines',
  matches: (o) => 'input' in o && 'output' in o && 'score' in o,
  // A verl row carries every key of its reward function's extra info beside its own (validation
  // dumps add `reward`), so it can have native's keys too: a row with verl's three is verl's.
  triedBefore: ['native'],
  parser: ({ file, split, datasets }) => {
    const step = stepFromFileName(path.basename(file));
    return { parse: (t) => parseVerlLine(t, split, step, datasets) };
  },
};

/** verl's file-logger metrics: `{"step": N, "data": {...}}`. */
export const verlMetrics: LineFormat<'verl-metrics', 'metrics'> = {
  id: 'verl-metrics',
  kind: 'metrics',
  reads: 'lines',
  matches: (o) => 'step' in o && 'data' in o,
  parser: () => ({ parse: parseMetricsLine }),
};
