// `rollout-lens export-dataset` and the extension's "Export Dataset…": a selection of stored samples
// written as a training file (docs/dataset-export.md). Nothing is created when the selection is
// empty; otherwise the file is written under a temporary name and renamed when complete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetExportReport, DatasetExportRequest } from '../../shared/datasetExport';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Store } from '../store/store';
import { dpoRows, rlPromptRows, sftRows, type DpoRow, type RlPromptRow, type SftRow } from './rows';
import { selectGroups, type ExportGroup, type SelectOptions } from './select';
import { writeParquetTable, type ColumnType, type TableSchema } from './parquetTable';

const EXTENSION = { 'verl-parquet': '.parquet', jsonl: '.jsonl' } as const;

/** The output path: absolute, no "..", the format's extension, in a folder that exists. */
export function checkDatasetPath(p: string, format: DatasetExportRequest['format']): string {
  if (!path.isAbsolute(p)) throw new LensError(ErrorCode.BadInput, `output path must be absolute: ${JSON.stringify(p)}`);
  if (p.split(/[\\/]/).includes('..')) throw new LensError(ErrorCode.BadInput, `output path must not contain "..": ${JSON.stringify(p)}`);
  if (!p.endsWith(EXTENSION[format]))
    throw new LensError(ErrorCode.BadInput, `--format ${format} writes a ${EXTENSION[format]} file: ${p}`);
  const dir = path.dirname(p);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new LensError(ErrorCode.BadInput, `output folder does not exist: ${dir}`);
  return p;
}

const MESSAGES: ColumnType = { list: { struct: { role: 'string', content: 'string' } } };
const REWARD_MODEL: ColumnType = { struct: { style: 'string', ground_truth: 'string' } };
const LABELS: ColumnType = { list: 'string' };

/** verl's RLHF row (examples/data_preprocess/gsm8k.py) plus `messages` for its multi-turn SFT dataset. */
const VERL_SFT: TableSchema = {
  data_source: 'string',
  prompt: MESSAGES,
  ability: 'string',
  reward_model: REWARD_MODEL,
  extra_info: {
    struct: {
      index: 'int64',
      question: 'string',
      answer: 'string',
      run: 'string',
      split: 'string',
      step: 'int64',
      group: 'string',
      sample_index: 'int64',
      sample_id: 'int64',
      reward: 'double',
      success: 'bool',
      labels: LABELS,
    },
  },
  messages: MESSAGES,
};

const VERL_RL: TableSchema = {
  data_source: 'string',
  prompt: MESSAGES,
  ability: 'string',
  reward_model: REWARD_MODEL,
  extra_info: {
    struct: {
      index: 'int64',
      question: 'string',
      run: 'string',
      split: 'string',
      step: 'int64',
      group: 'string',
      prompt_id: 'string',
      appearances: 'int64',
      samples: 'int64',
      solve_rate: 'double',
      reward_mean: 'double',
      labels: LABELS,
    },
  },
};

const reward = (ground_truth: string | null) => ({ style: 'rule', ground_truth });

function verlSft(rows: SftRow[], ability: string): Record<string, unknown>[] {
  return rows.map((r, index) => ({
    data_source: r.data_source,
    prompt: r.prompt,
    ability,
    reward_model: reward(r.ground_truth),
    extra_info: { index, question: r.question, answer: r.response, ...r.provenance },
    messages: r.messages,
  }));
}

function verlRl(rows: RlPromptRow[], ability: string): Record<string, unknown>[] {
  return rows.map((r, index) => ({
    data_source: r.data_source,
    prompt: r.prompt,
    ability,
    reward_model: reward(r.ground_truth),
    extra_info: { index, question: r.question, ...r.provenance },
  }));
}

/** TRL's conversational shapes: `messages` (SFT), prompt/chosen/rejected (preference), `prompt` (GRPO). */
const jsonlSft = (rows: SftRow[]) =>
  rows.map((r) => ({ messages: r.messages, meta: { ...r.provenance, data_source: r.data_source, ground_truth: r.ground_truth } }));
const jsonlDpo = (rows: DpoRow[]) => rows.map((r) => ({ prompt: r.prompt, chosen: r.chosen, rejected: r.rejected, meta: r.provenance }));
const jsonlRl = (rows: RlPromptRow[]) =>
  rows.map((r) => ({ prompt: r.prompt, ground_truth: r.ground_truth, data_source: r.data_source, meta: r.provenance }));

/** Counts the groups and selected samples that pass through. */
function* counted(groups: Iterable<ExportGroup>, n: { groups: number; samples: number }): Generator<ExportGroup> {
  for (const g of groups) {
    n.groups++;
    n.samples += g.samples.filter((s) => s.selected).length;
    yield g;
  }
}

function emptyMessage(req: DatasetExportRequest, n: { groups: number; below_margin: number }): string {
  const what = `export-dataset: the selection in run ${JSON.stringify(req.run)}`;
  if (n.groups > 0 && req.kind === 'dpo') {
    return `${what} has ${n.groups} group(s) but no pair with a reward gap > 0 and ≥ margin ${req.margin ?? 0}: nothing written`;
  }
  return `${what} holds no samples: nothing written`;
}

/** `reflection`: the keywords configured now (the engine's) for the reflects filter; default the preset's. */
export function exportDataset(store: Store, req: DatasetExportRequest, opts: SelectOptions = {}): DatasetExportReport {
  checkDatasetPath(req.out, req.format);
  if (req.kind === 'dpo' && req.format !== 'jsonl') {
    throw new LensError(ErrorCode.BadInput, 'DPO pairs are written in TRL preference format: use --format jsonl');
  }
  const margin = req.margin ?? 0;
  if (!Number.isFinite(margin) || margin < 0) throw new LensError(ErrorCode.BadInput, `margin must be a number ≥ 0, got ${margin}`);
  const n = { groups: 0, samples: 0, below_margin: 0 };
  const groups = counted(selectGroups(store, req.run, req.selection, opts), n);
  const ability = req.ability ?? 'unspecified';
  let table: { rows: Record<string, unknown>[]; schema?: TableSchema };
  if (req.kind === 'sft') {
    const rows = [...sftRows(req.run, groups)];
    table = req.format === 'jsonl' ? { rows: jsonlSft(rows) } : { rows: verlSft(rows, ability), schema: VERL_SFT };
  } else if (req.kind === 'dpo') {
    table = { rows: jsonlDpo([...dpoRows(req.run, groups, margin, n)]) };
  } else {
    const rows = rlPromptRows(req.run, groups);
    table = req.format === 'jsonl' ? { rows: jsonlRl(rows) } : { rows: verlRl(rows, ability), schema: VERL_RL };
  }
  if (table.rows.length === 0) throw new LensError(ErrorCode.NotFound, emptyMessage(req, n));
  const tmp = `${req.out}.partial`;
  try {
    if (table.schema) writeParquetTable(tmp, table.schema, table.rows);
    else fs.writeFileSync(tmp, table.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    fs.renameSync(tmp, req.out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return {
    run: req.run,
    kind: req.kind,
    format: req.format,
    path: req.out,
    rows: table.rows.length,
    groups: n.groups,
    samples: n.samples,
    below_margin: n.below_margin,
    columns: Object.keys(table.schema ?? table.rows[0]!),
  };
}
