// oat's evaluation results, `eval_results/{step}.json` (VeriFree: `{step}_{benchmark}.json`), read
// as validation samples (docs/formats.md#oat--verifree). oat writes each file once, whole, with
// pandas `to_json(orient="records", indent=4)`: one record per prompt with its eval_n responses.
// Read whole when its size or mtime changes; fixed identities make a re-read store nothing twice.
import { writeInBatches } from './batchedWrite';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cursorFor, emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import { describe, isFiniteNumber, type JsonObject } from './jsonLine';
import type { SampleRecord } from './records';

export const OAT_EVAL_FORMAT = 'oat-eval';

/** `{step}.json`, or `{step}_{benchmark}.json` where a learner evaluates per benchmark (VeriFree, oat's math RL). */
const NAME = /^(\d+)(?:_(.+))?\.json$/;
/** A JSON string, escapes included. */
const STR = String.raw`"(?:[^"\\]|\\.)*"`;
/** The first record of a records array: `[{"<input_key>": "…", "output": …` (pandas writes the columns in oat's order). */
const FIRST_RECORD = new RegExp(String.raw`^\uFEFF?\s*\[\s*\{\s*(${STR})\s*:\s*${STR}\s*,\s*"output"\s*:`);

/** True for a file oat's evaluate() wrote: named `{step}[_{benchmark}].json` in an `eval_results` folder, starting like its records. */
export function isOatEvalFile(head: string, file: string): boolean {
  return path.basename(path.dirname(file)) === 'eval_results' && NAME.test(path.basename(file)) && FIRST_RECORD.test(head);
}

/** The step and benchmark a file's name gives. */
export function oatEvalName(file: string): { step: number; benchmark: string | undefined } {
  const m = NAME.exec(path.basename(file));
  if (!m) throw new Error(`${file}: not an oat eval_results name`);
  return { step: Number(m[1]), benchmark: m[2] };
}

export interface OatEvalRead {
  samples: SampleRecord[];
  errors: Array<{ line: number | null; message: string }>;
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** One record's samples: its prompt's responses, each with its score; or the problem with it. */
function recordSamples(
  o: JsonObject,
  at: string,
  inputKey: string,
  ctx: { step: number; benchmark: string | undefined; row: number },
): SampleRecord[] | string {
  const formatKey = `format_${inputKey}`;
  const missing = ['output', 'scores', formatKey, 'reference'].filter((k) => !(k in o));
  if (missing.length) return `${at} has no ${missing.map((k) => JSON.stringify(k)).join(', ')}`;
  const prompt = o[formatKey];
  if (typeof prompt !== 'string') return `${at}: ${JSON.stringify(formatKey)} must be text, got ${describe(prompt)}`;
  // oat's RewardActor returns each prompt's eval_n responses and scores as lists; a single value is one response.
  const outputs = asList(o['output']);
  const scores = asList(o['scores']);
  if (outputs.length !== scores.length) return `${at}: ${outputs.length} outputs but ${scores.length} scores`;
  const reference = o['reference'];
  const meta: Record<string, unknown> = { oat_eval: { input_key: inputKey, generator: o['generator'] ?? null, row: ctx.row } };
  const samples: SampleRecord[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const response = outputs[i];
    const score = scores[i];
    if (typeof response !== 'string') return `${at}: output[${i}] must be text, got ${describe(response)}`;
    // pandas writes NaN as null: a score that is not a number is no reward to store.
    if (!isFiniteNumber(score)) return `${at}: scores[${i}] must be a number, got ${describe(score)}`;
    samples.push({
      split: 'val',
      step: ctx.step,
      group: ctx.benchmark === undefined ? String(ctx.row) : `${ctx.benchmark}:${ctx.row}`,
      index: i,
      prompt,
      response,
      reward: score,
      // oat's evaluate() counts a response as accurate when its score is exactly 1.
      correct: score === 1,
      ...(typeof reference === 'string' ? { groundTruth: reference } : reference == null ? {} : { groundTruth: JSON.stringify(reference) }),
      ...(ctx.benchmark === undefined ? {} : { dataSource: ctx.benchmark }),
      meta,
    });
  }
  return samples;
}

/** The samples of one eval_results file's text; a bad record is reported by its position and skipped. */
export function readOatEval(text: string, file: string): OatEvalRead {
  const { step, benchmark } = oatEvalName(file);
  const data: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  if (!Array.isArray(data)) throw new Error(`not a records array (pandas orient="records"), but ${describe(data)}`);
  const out: OatEvalRead = { samples: [], errors: [] };
  const first = data[0] as unknown;
  const inputKey = first && typeof first === 'object' && !Array.isArray(first) ? Object.keys(first)[0] : undefined;
  data.forEach((o: unknown, row) => {
    const at = `record ${row}`;
    if (!o || typeof o !== 'object' || Array.isArray(o) || inputKey === undefined) {
      out.errors.push({ line: null, message: `${at} must be an object, got ${describe(o)}` });
      return;
    }
    const got = recordSamples(o as JsonObject, at, inputKey, { step, benchmark, row });
    if (typeof got === 'string') out.errors.push({ line: null, message: `${got}; not stored` });
    else out.samples.push(...got);
  });
  return out;
}

async function passOatEval(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const st = fs.statSync(file);
  const c = cursorFor(ctx, file, st, 'rollouts', OAT_EVAL_FORMAT);
  if (c.state !== null && c.size === st.size && c.mtime_ms === st.mtimeMs) return counters;
  let read: OatEvalRead;
  try {
    read = readOatEval(fs.readFileSync(file, 'utf8'), file);
  } catch (e) {
    // pandas writes the file in one go; caught half-written while following a run, it is read at the next poll.
    if (!p.settling) counters.errors.push({ line: null, message: `cannot be read as oat eval results: ${(e as Error).message}` });
    return counters;
  }
  counters.errors.push(...read.errors);
  const rows = read.samples;
  await writeInBatches(ctx, rows, c.id, counters, () => {
    Object.assign(c, { size: st.size, mtime_ms: st.mtimeMs, offset: st.size, state: JSON.stringify({ samples: rows.length }) });
    ctx.cursors.save(c);
  });
  // Each record holds one prompt's responses: the file's own rows are the groups.
  if (rows.length) counters.groupings = new Set(['id']);
  counters.bytes = st.size;
  return counters;
}

/** oat's `eval_results/{step}[_{benchmark}].json`: known by its folder, its name and its first record's keys. */
export const oatEvalResults: WholeFileFormat<typeof OAT_EVAL_FORMAT, 'rollouts'> = {
  id: OAT_EVAL_FORMAT,
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: 'oat eval_results/{step}.json', matches: () => false },
  opens: { ext: '.json', matches: isOatEvalFile },
  pass: passOatEval,
};
