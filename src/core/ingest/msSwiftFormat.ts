// ms-swift GRPO `--log_completions true` (docs/formats.md#ms-swift-grpo): `{output_dir}/completions.jsonl`
// gets one line per logging step, a column dict (`step`, `prompt`, `completion`, one column per reward
// function, `advantages`, then optional columns). There is no group id: the trainer repeats each prompt
// num_generations times in a row, so a group is a block of consecutive rows with the same prompt.
import type { Split } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { bareNaNAsNull, columnarRows, describe, isFiniteNumber, parseObjectLine, type JsonObject } from './jsonLine';
import { promptUid } from './verlFormat';

/** The Megatron trainer names its step column `gen_step` (integers); the other writes `step` (strings). */
const STEP_COLUMNS = ['step', 'gen_step'] as const;
const TEXT_COLUMNS = new Set<string>([...STEP_COLUMNS, 'prompt', 'completion', 'advantages']);

function rowStep(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The reward functions' columns: the trainer writes them after `completion` and before `advantages`
 * (JSON keeps the order), which tells them from later numeric columns such as `num_turns` or `entropy`.
 */
function rewardColumns(o: JsonObject): string[] {
  const keys = Object.keys(o);
  const from = keys.indexOf('completion');
  const to = keys.indexOf('advantages');
  return keys.slice(from + 1, to).filter((k) => !TEXT_COLUMNS.has(k));
}

export function parseSwiftLine(text: string, split: Split): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  // A reward function that returns None is stored as NaN, which json.dumps writes bare; the trainer's
  // nansum leaves it out of the reward, so reading it as a missing value is what the trainer did.
  let o = parseObjectLine(text);
  if (typeof o === 'string' && /NaN|Infinity/.test(text)) o = parseObjectLine(bareNaNAsNull(text));
  if (typeof o === 'string') return { kind: 'error', message: o };
  const stepKey = STEP_COLUMNS.find((k) => Array.isArray(o[k]));
  if (!stepKey) return { kind: 'error', message: `"step" must be a list, got ${describe(o['step'])}` };
  for (const k of ['prompt', 'completion', 'advantages']) {
    if (!Array.isArray(o[k])) return { kind: 'error', message: `"${k}" must be a list, got ${describe(o[k])}` };
  }
  const n = columnarRows(o);
  if (typeof n === 'string') return { kind: 'error', message: n };
  const col = (k: string): unknown[] => o[k] as unknown[];
  const rewards = rewardColumns(o).filter((k) => Array.isArray(o[k]));
  if (!rewards.length) return { kind: 'error', message: 'no reward columns between "completion" and "advantages"' };
  const extra = Object.keys(o).filter((k) => Array.isArray(o[k]) && !TEXT_COLUMNS.has(k) && !rewards.includes(k));
  const samples: SampleRecord[] = [];
  const problems: string[] = [];
  let block = -1;
  let index = 0;
  let prev: string | undefined;
  let prevStep: number | undefined;
  for (let i = 0; i < n; i++) {
    const step = rowStep(col(stepKey)[i]);
    const prompt = col('prompt')[i];
    const response = col('completion')[i];
    if (step === undefined || typeof prompt !== 'string' || typeof response !== 'string') {
      const bad = step === undefined ? stepKey : typeof prompt !== 'string' ? 'prompt' : 'completion';
      problems.push(`row ${i}: "${bad}" holds ${describe(col(bad)[i])}; row skipped`);
      continue;
    }
    if (prompt !== prev || step !== prevStep) {
      block++;
      index = 0;
      prev = prompt;
      prevStep = step;
    }
    // The trainer sums the reward functions (nansum, weights default to 1); a missing one is left out.
    const components: Record<string, number> = {};
    for (const k of rewards) {
      const v = col(k)[i];
      if (isFiniteNumber(v)) components[k] = v;
    }
    const names = Object.keys(components);
    const rec: SampleRecord = {
      split,
      step,
      group: `b${block}-${promptUid(prompt).slice(0, 8)}`,
      index: index++,
      prompt,
      response,
      reward: names.reduce((a, k) => a + components[k]!, 0),
    };
    if (!names.length) {
      problems.push(`row ${i}: no reward column (${rewards.join(', ')}) holds a number; row skipped`);
      continue;
    }
    if (names.length) rec.components = components;
    const adv = col('advantages')[i];
    if (isFiniteNumber(adv)) rec.advantage = adv;
    const meta: JsonObject = {};
    for (const k of extra) {
      const v = col(k)[i];
      if (k === 'solution' && v !== null && v !== undefined) rec.groundTruth = typeof v === 'string' ? v : JSON.stringify(v);
      else if (v !== null && v !== undefined) meta[k] = v;
    }
    if (Object.keys(meta).length) rec.meta = meta;
    samples.push(rec);
  }
  return { kind: 'samples', samples, grouping: 'contiguous', problems };
}

export const msSwiftRollouts: LineFormat<'ms-swift', 'rollouts'> = {
  id: 'ms-swift',
  kind: 'rollouts',
  reads: 'lines',
  // One logging step per line: every field is a list (a row-per-sample file has scalars there).
  matches: (o) =>
    STEP_COLUMNS.some((k) => Array.isArray(o[k])) &&
    Array.isArray(o['prompt']) &&
    Array.isArray(o['completion']) &&
    Array.isArray(o['advantages']),
  parser: ({ split }) => ({ parse: (t) => parseSwiftLine(t, split) }),
  longLineNames: (name) => name === 'completions.jsonl',
};
