// SkyRL evaluation dumps (docs/formats.md#skyrl-evals): `{export_path}/dumped_evals/global_step_{N}_evals/
// {data_source}.jsonl`, one line per evaluated sample. They are validation samples; the dump keeps no
// uid, but each prompt's samples are generated together, so a group is a step's rows of one prompt.
import * as path from 'node:path';
import type { Split } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { describe, isFiniteNumber, parseObjectLine, type JsonObject } from './jsonLine';
import { promptUid } from './verlFormat';

/** `…/global_step_12_evals/x.jsonl` → 12; `…/eval_only/x.jsonl` (an evaluation without training) → 0. */
export function skyrlEvalStep(file: string): number | undefined {
  const dir = path.basename(path.dirname(file));
  if (dir === 'eval_only') return 0;
  const m = /^global_step_(\d+)_evals$/.exec(dir);
  return m ? Number(m[1]) : undefined;
}

/** A trajectory's reward, or per-token rewards summed as SkyRL's own eval metrics sum them. */
function scoreOf(v: unknown): number | undefined {
  if (isFiniteNumber(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every(isFiniteNumber)) return (v as number[]).reduce((a, b) => a + b, 0);
  return undefined;
}

export function parseSkyrlLine(text: string, step: number | undefined): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  if (step === undefined) return { kind: 'error', message: 'not in a SkyRL eval folder: expected dumped_evals/global_step_{N}_evals/' };
  const prompt = o['input_prompt'];
  const response = o['output_response'];
  if (typeof prompt !== 'string') return { kind: 'error', message: `"input_prompt" must be a string, got ${describe(prompt)}` };
  if (typeof response !== 'string') return { kind: 'error', message: `"output_response" must be a string, got ${describe(response)}` };
  const score = scoreOf(o['score']);
  if (score === undefined) {
    return { kind: 'error', message: `"score" must be a finite number or a list of them, got ${describe(o['score'])}` };
  }
  const split: Split = 'val';
  const rec: SampleRecord = { split, step, group: promptUid(prompt), prompt, response, reward: score };
  if (typeof o['stop_reason'] === 'string') rec.finishReason = o['stop_reason'];
  if (typeof o['data_source'] === 'string') rec.dataSource = o['data_source'];
  const extras = o['env_extras'];
  const meta: JsonObject = {};
  if (typeof o['env_class'] === 'string') meta['env_class'] = o['env_class'];
  if (extras && typeof extras === 'object' && !Array.isArray(extras)) {
    const e = extras as JsonObject;
    // The reward spec's ground truth is what the environment scored against (SkyRL's dataset layout).
    const gt = (e['reward_spec'] as JsonObject | undefined)?.['ground_truth'];
    if (typeof gt === 'string') rec.groundTruth = gt;
    else if (gt !== undefined && gt !== null) rec.groundTruth = JSON.stringify(gt);
    meta['env_extras'] = e;
  }
  if (Object.keys(meta).length) rec.meta = meta;
  return { kind: 'sample', sample: rec, grouping: 'prompt-text' };
}

export const skyrlEvals: LineFormat<'skyrl-eval', 'rollouts'> = {
  id: 'skyrl-eval',
  kind: 'rollouts',
  reads: 'lines',
  // dump_per_dataset_eval_results; verl's rows say `input` / `output`, not these.
  matches: (o) => 'input_prompt' in o && 'output_response' in o && 'score' in o,
  parser: ({ file }) => {
    const step = skyrlEvalStep(file);
    return { parse: (t) => parseSkyrlLine(t, step) };
  },
  // Beside the per-dataset files: one line of eval metrics, which holds no samples.
  leftOutOfFolder: (file) =>
    path.basename(file) === 'aggregated_results.jsonl' && skyrlEvalStep(file) !== undefined
      ? "SkyRL's aggregated eval metrics; the per-dataset files beside it hold the samples"
      : undefined,
};
