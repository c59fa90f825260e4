// AReaL trajectory dumps (docs/formats.md#areal): {log_path}/rollout/{version}/{task_id}.jsonl (eval in
// eval-rollout/), appended by WorkflowExecutor._dump_trajectory. One file is one task: `task_id` is
// the group and `sample_idx` the index. There is no step key: the {version} folder, the newest policy
// version among the batch's tokens, is the step. Newer AReaL adds a multi-turn sample's `segments`
// (runs of the loss mask), which become its turns.
import * as path from 'node:path';
import type { Split, Turn } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { describe, isFiniteNumber, isStep, parseObjectLine, type JsonObject } from './jsonLine';

/** `…/rollout/7/123.jsonl` → 7 (the folder above the file, when it is a number). */
export function arealStepFromPath(file: string): number | undefined {
  const seg = path.basename(path.dirname(file));
  return /^\d+$/.test(seg) ? Number(seg) : undefined;
}

const KNOWN = new Set(['task_id', 'sample_idx', 'prompt', 'completion', 'reward', 'segments']);

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `segments` (written when the loss mask has more than one trained run): the runs in order, `gen`
 * for a trained one (the model's turn), `prompt` for the first untrained one, `context` for later
 * untrained ones (a tool's or the environment's answer, in the chat template's text). Everything
 * after the leading prompt is a turn; which speaker a context run is, the dump does not say.
 */
export function arealSegmentTurns(v: unknown): Turn[] | string {
  if (!Array.isArray(v)) return `"segments" must be a list, got ${describe(v)}`;
  const turns: Turn[] = [];
  for (const [i, seg] of v.entries()) {
    if (!isObject(seg)) return `"segments"[${i}] is ${describe(seg)}, not an object`;
    const { role, text } = seg;
    if (role !== 'prompt' && role !== 'gen' && role !== 'context')
      return `"segments"[${i}].role must be prompt, gen or context, got ${describe(role)}`;
    if (typeof text !== 'string') return `"segments"[${i}].text must be a string, got ${describe(text)}`;
    if (role === 'prompt' && turns.length === 0) continue;
    turns.push({ role: role === 'gen' ? 'assistant' : 'environment', content: text, trained: role === 'gen' });
  }
  return turns;
}

export function parseArealLine(text: string, split: Split, pathStep: number | undefined): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  const task = o['task_id'];
  if (!isStep(task) && (typeof task !== 'string' || task === ''))
    return { kind: 'error', message: `"task_id" must be an integer or a string, got ${describe(task)}` };
  if (!isStep(o['sample_idx']))
    return {
      kind: 'error',
      message: `"sample_idx" must be an integer ≥ 0, got ${describe(o['sample_idx'])}`,
    };
  if (typeof o['prompt'] !== 'string') return { kind: 'error', message: `"prompt" must be a string, got ${describe(o['prompt'])}` };
  if (typeof o['completion'] !== 'string')
    return { kind: 'error', message: `"completion" must be a string, got ${describe(o['completion'])}` };
  if (!isFiniteNumber(o['reward'])) return { kind: 'error', message: `"reward" must be a finite number, got ${describe(o['reward'])}` };
  const tail = o['tail_version'];
  const step = pathStep ?? (isStep(tail) ? tail : undefined);
  if (step === undefined)
    return {
      kind: 'error',
      message: 'no step: the file is not in a rollout/{version}/ folder and has no "tail_version"',
    };
  const rec: SampleRecord = {
    split,
    step,
    group: String(task),
    index: o['sample_idx'],
    prompt: o['prompt'],
    response: o['completion'],
    reward: o['reward'],
  };
  if (o['segments'] !== undefined) {
    const turns = arealSegmentTurns(o['segments']);
    if (typeof turns === 'string') return { kind: 'error', message: turns };
    if (turns.length > 1) rec.turns = turns;
  }
  // head_version / tail_version (how stale the sample was), seqlen, prompt_len and anything newer
  // (version_rle, original_reward) are kept.
  const meta: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN.has(k)) meta[k] = v;
  if (Object.keys(meta).length) rec.meta = meta;
  return { kind: 'sample', sample: rec, grouping: 'id' };
}

export function arealParser(file: string, split: Split): (text: string) => ParsedRecord {
  const step = arealStepFromPath(file);
  return (t) => parseArealLine(t, split, step);
}

export const arealRollouts: LineFormat<'areal', 'rollouts'> = {
  id: 'areal',
  kind: 'rollouts',
  reads: 'lines',
  matches: (o) => 'task_id' in o && 'sample_idx' in o && 'completion' in o && 'reward' in o,
  parser: ({ file, split }) => ({ parse: arealParser(file, split) }),
};
