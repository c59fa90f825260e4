// TRL GRPOTrainer output (docs/architecture.md#trl-output): completions/completions_{step:05d}.parquet
// with step, prompt, completion, one float column per reward function, log_extra columns and
// advantage; plus trainer_state.json whose log_history holds the logged metrics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { MetricRecord, SampleRecord } from './records';
import { numericEntries, type JsonObject } from './jsonLine';
import { readJudgingFields } from './judgingFields';
import { promptUid } from './verlFormat';
import { reflectionMatcher, type ReflectionMode } from '../analysis/reflection';

export interface TrlFile {
  samples: SampleRecord[];
  /** SHA-1 over the (prompt, completion) sequence: equal digests mean the same rollouts. */
  digest: string;
  rewardColumns: string[];
  rows: number;
  /** Rows left out (with why): e.g. every reward NaN. */
  rejected: Array<{ row: number; message: string }>;
}

const TRL_COLUMNS = new Set(['step', 'prompt', 'completion', 'advantage']);
/** Columns that are never rewards: TRL's own, and the `log_extra` columns that name a row's image (docs/architecture.md#trl-output). */
const NON_REWARD = new Set([...TRL_COLUMNS, 'dataset_index', 'image_path', 'pairwise']);

/**
 * A column chunk whose path names no schema column is never awaited by hyparquet's reader, so a
 * decode error in it would escape as an unhandled rejection (found by fuzzing): refuse such a file.
 */
function checkChunksMatchSchema(metadata: ReturnType<typeof parquetMetadata>, names: readonly string[]): void {
  const known = new Set(names);
  for (const rg of metadata.row_groups) {
    for (const chunk of rg.columns) {
      const head = chunk.meta_data?.path_in_schema?.[0];
      if (head === undefined || !known.has(head)) throw new Error(`column chunk ${JSON.stringify(head)} matches no column of the schema`);
    }
  }
}

/** `completions_00012.parquet` → 12. */
export function trlStepFromFileName(name: string): number | undefined {
  const m = /^completions_(\d+)\.parquet$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/**
 * Reads one completions parquet. `rewardNames` (from trainer_state.json's `rewards/<name>/mean`)
 * says which float columns are reward functions; without it every float column but `advantage` is.
 */
export async function readTrlParquet(file: string, rewardNames?: ReadonlySet<string>): Promise<TrlFile> {
  // Read the file once into memory: TRL rewrites it in place, so range reads could mix two versions.
  const bytes = fs.readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  let floatColumns: string[];
  try {
    const metadata = parquetMetadata(buf);
    const schema = parquetSchema(metadata);
    checkChunksMatchSchema(
      metadata,
      schema.children.map((c) => c.element.name),
    );
    floatColumns = schema.children.filter((c) => c.element.type === 'DOUBLE' || c.element.type === 'FLOAT').map((c) => c.element.name);
    rows = (await parquetReadObjects({ file: buf, metadata })) as Record<string, unknown>[];
  } catch (e) {
    throw new LensError(
      ErrorCode.BadInput,
      `${file}: not a readable parquet file (truncated or still being written?): ${errorMessage(e)}`,
      { file },
    );
  }
  const first = rows[0];
  if (first && (typeof first['prompt'] !== 'string' || typeof first['completion'] !== 'string')) {
    throw new LensError(ErrorCode.BadInput, `${file}: not a TRL completions table (needs "prompt" and "completion" string columns)`, {
      file,
    });
  }
  const rewardColumns = floatColumns.filter((c) => !NON_REWARD.has(c) && (!rewardNames || rewardNames.has(c)));
  const extraColumns = Object.keys(first ?? {}).filter((c) => !TRL_COLUMNS.has(c) && !rewardColumns.includes(c));
  const fileStep = trlStepFromFileName(file.split(/[\\/]/).pop() ?? '');
  const hash = createHash('sha1');
  const samples: SampleRecord[] = [];
  const rejected: TrlFile['rejected'] = [];
  // A group is a contiguous block of rows with the same prompt (RepeatSampler order, checked on real files).
  let block = -1;
  let indexInBlock = 0;
  let prevPrompt: string | undefined;
  let prevStep: number | undefined;
  rows.forEach((row, i) => {
    const prompt = String(row['prompt']);
    const completion = String(row['completion']);
    hash.update(prompt).update('\u0000').update(completion).update('\u0001');
    const step = toNumber(row['step']) ?? fileStep;
    if (step === undefined || !Number.isInteger(step) || step < 0) {
      rejected.push({ row: i, message: `row ${i}: no usable "step"` });
      return;
    }
    // One question over two images is two prompts: the image (when logged) is part of the block's key.
    const keyed = `${prompt}\u0000${String(row['dataset_index'] ?? '')}\u0000${String(row['image_path'] ?? '')}`;
    if (keyed !== prevPrompt || step !== prevStep) {
      block++;
      indexInBlock = 0;
      prevPrompt = keyed;
      prevStep = step;
    }
    const components: Record<string, number> = {};
    let total = 0;
    let any = false;
    for (const c of rewardColumns) {
      const v = toNumber(row[c]);
      // TRL stores None rewards as NaN and sums with nansum: a NaN component is left out.
      if (v === undefined || Number.isNaN(v)) continue;
      components[c] = v;
      total += v;
      any = true;
    }
    const index = indexInBlock++;
    if (!any) {
      rejected.push({ row: i, message: `row ${i}: every reward column is NaN or missing` });
      return;
    }
    const rec: SampleRecord = {
      split: 'train',
      step,
      group: `b${block}-${promptUid(prompt).slice(0, 8)}`,
      index,
      prompt,
      response: completion,
      reward: total,
      components,
    };
    const adv = toNumber(row['advantage']);
    if (adv !== undefined && Number.isFinite(adv)) rec.advantage = adv;
    if (extraColumns.length) {
      const meta: Record<string, unknown> = {};
      for (const c of extraColumns) {
        const v = row[c];
        meta[c] = typeof v === 'bigint' ? Number(v) : v;
      }
      rec.meta = meta;
      // A BRPO trainer's judge record, logged as a JSON string in the native shape (docs/architecture.md#trl-output).
      if (typeof meta['pairwise'] === 'string') {
        const problems = pairwiseColumn(meta['pairwise'], rec);
        delete meta['pairwise'];
        if (Object.keys(meta).length === 0) delete rec.meta;
        for (const m of problems) rejected.push({ row: i, message: `row ${i}: ${m}` });
      }
    }
    samples.push(rec);
  });
  return { samples, digest: hash.digest('hex'), rewardColumns, rows: rows.length, rejected };
}

/** Reads a `pairwise` log_extra cell (JSON text) into the sample; returns its problems, the sample kept. */
function pairwiseColumn(text: string, rec: SampleRecord): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [`"pairwise" is not JSON text; stored without it`];
  }
  return readJudgingFields({ pairwise: value as JsonObject[string] }, rec);
}

/**
 * A TRL row's image from its `log_extra` columns: `image_path` (relative to the completions file's
 * folder, or absolute), else `dataset_index` joined to the first `--dataset`.
 */
export function attachTrlImages(samples: SampleRecord[], file: string, datasets: readonly string[]): void {
  for (const s of samples) {
    const p = s.meta?.['image_path'];
    const row = s.meta?.['dataset_index'];
    if (typeof p === 'string' && p !== '') s.images = [{ path: path.resolve(path.dirname(file), p) }];
    else if (typeof row === 'number' && Number.isInteger(row) && row >= 0 && datasets[0]) {
      s.images = [{ dataset: datasets[0], row, column: 'images' }];
    }
  }
}

/** trainer_state.json → one metric record per log_history entry that has a step. */
export function readTrainerState(file: string): { metrics: MetricRecord[]; rewardNames: Set<string> } {
  let state: unknown;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: not valid JSON (${errorMessage(e)})`, { file });
  }
  const history = (state as { log_history?: unknown }).log_history;
  if (!Array.isArray(history)) {
    throw new LensError(ErrorCode.BadInput, `${file}: no "log_history" array (is this a trainer_state.json?)`, { file });
  }
  const metrics: MetricRecord[] = [];
  const rewardNames = new Set<string>();
  for (const entry of history) {
    const step = (entry as { step?: unknown }).step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) continue;
    const values = numericEntries(entry);
    delete values['step'];
    for (const k of Object.keys(values)) {
      const m = /^rewards\/(.+)\/mean$/.exec(k);
      if (m) rewardNames.add(m[1]!);
    }
    metrics.push({ step, values });
  }
  return { metrics, rewardNames };
}

/** A TRL parquet as the parsing worker reads it for the writer: the file, and each sample's keyword count. */
export interface TrlRead extends TrlFile {
  /** Reflection keywords per sample of `samples`, when a matcher was given. */
  reflections: number[] | null;
}

/** readTrlParquet plus the keyword counts: the parsing worker's share of a TRL file. */
export async function readTrlCounted(
  file: string,
  rewardNames: readonly string[] | null,
  reflection: { keywords: readonly string[]; mode: ReflectionMode } | null,
): Promise<TrlRead> {
  const read = await readTrlParquet(file, rewardNames ? new Set(rewardNames) : undefined);
  const m = reflection ? reflectionMatcher(reflection) : undefined;
  return { ...read, reflections: m ? read.samples.map((s) => m.count(s.response)) : null };
}
