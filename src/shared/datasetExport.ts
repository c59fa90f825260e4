// Exporting curated samples back to training (docs/dataset-export.md): what to write, in which file
// format, and which samples. Shared by the CLI (`rollout-lens export-dataset`), the engine request
// and the extension's command.
import type { AlertKind } from './alerts';
import type { ClusterPick } from './clusters';
import type { GroupFilter, SampleFilter } from './explorer';
import type { Split } from './rollout';

/** SFT rows (prompt + response), DPO pairs (best vs worst of a group), or prompts alone for RL. */
export const DATASET_KINDS = ['sft', 'dpo', 'rl-prompts'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** verl's parquet (RLHFDataset / SFT datasets) or TRL / HF-datasets JSONL. */
export const DATASET_FORMATS = ['verl-parquet', 'jsonl'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Wrong or right under the run's success rule (src/shared/success.ts). */
export const SAMPLE_OUTCOMES = ['wrong', 'right'] as const;
export type SampleOutcome = (typeof SAMPLE_OUTCOMES)[number];

/** Prompts that were never solved, or never gave gradient, in every group of the range (a curriculum). */
export const PROMPT_KINDS = ['zero-accuracy', 'never-trainable'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export const FLIP_DIRECTIONS = ['any', 'to-correct', 'to-incorrect'] as const;
export type FlipDirection = (typeof FLIP_DIRECTIONS)[number];

/**
 * Which samples. Every part narrows: a sample is selected when it passes all of them. Group-level
 * parts (`filter`, `prompts`) keep or drop whole groups; sample-level parts pick samples within them.
 * Sources that name samples (an alert, a re-score's flips, and labels when they land) are sets of
 * sample ids intersected with the rest.
 */
export interface DatasetSelection {
  /** Default train. */
  split?: Split;
  /** Step range, inclusive (default: every step). */
  from?: number;
  to?: number;
  /** The explorer's group filter (degenerate, tools, hard to ground, text …). */
  filter?: GroupFilter;
  /** The explorer's sample filter (truncated, reflects, text). */
  samples?: SampleFilter;
  outcome?: SampleOutcome;
  /** The samples behind the alerts of this kind in the step range. */
  alert?: AlertKind;
  /** The samples a re-score set flipped (verdict changed against the logged one). */
  flips?: { set: number; direction?: FlipDirection };
  /** The samples that carry this label tag, on themselves or on their group. */
  label?: string;
  /** The members of one failure cluster (the clustering computed again; docs/dataset-export.md#selection). */
  cluster?: ClusterPick;
  prompts?: PromptKind;
}

export interface DatasetExportRequest {
  run: string;
  kind: DatasetKind;
  format: DatasetFormat;
  selection: DatasetSelection;
  /** DPO: least reward gap between chosen and rejected (default 0: any gap > 0). */
  margin?: number;
  /** verl's `ability` column (its examples write e.g. "math"; no loader reads it). Default "unspecified". */
  ability?: string;
  /** Absolute path of the file to write (.parquet for verl-parquet, .jsonl for jsonl). */
  out: string;
}

/** What an export wrote (`rollout-lens export-dataset --json`). */
export interface DatasetExportReport {
  run: string;
  kind: DatasetKind;
  format: DatasetFormat;
  path: string;
  /** Rows written. */
  rows: number;
  /** Groups with at least one selected sample, and the selected samples. */
  groups: number;
  samples: number;
  /** DPO: groups left out because best − worst was below the margin (or zero). */
  below_margin: number;
  /** The file's top-level columns (keys of a JSONL line). */
  columns: string[];
}

/**
 * The explorer's current view as an export selection: its filter keeps the groups it lists and,
 * as the explorer does for a group's samples, truncated / reflects / text pick the samples in them.
 */
export function explorerSelection(filter: GroupFilter, scope: { split?: Split; from?: number; to?: number } = {}): DatasetSelection {
  const samples: SampleFilter = {
    ...(filter.truncated ? { truncated: true } : {}),
    ...(filter.reflects ? { reflects: true } : {}),
    ...(filter.text ? { text: filter.text } : {}),
    ...(filter.text && filter.allTurns ? { allTurns: true } : {}),
  };
  return {
    ...scope,
    ...(Object.keys(filter).length ? { filter } : {}),
    ...(Object.keys(samples).length ? { samples } : {}),
  };
}

/** The file a save dialog offers for a kind and format. */
export function datasetFileName(run: string, kind: DatasetKind, format: DatasetFormat): string {
  return `${run}-${kind}.${format === 'verl-parquet' ? 'parquet' : 'jsonl'}`;
}
