// The run dashboard's protocol: complete snapshots of a run's step statistics (columnar: 10k steps
// stay small), logged metric series, and the optional run status, log tail and GPU samples that the
// run supervisor provides; the user's step range and step clicks go back to the host.
import { judgingColumns, type JudgingColumns } from './judgingColumns';
import { trainerFilterColumns, type TrainerFilterColumns } from './filterColumns';
import * as z from 'zod/mini';
import type { AlertDto } from '../../alerts';
import type { MismatchStats } from '../../tokenSignals';
import type { GpuReading } from '../../runs';
import { DIFFICULTY_BUCKETS, type DifficultyBucket, type StepStatsRow } from '../../rollout';
import { groupId, runName, sampleIndex, split, step } from '../atoms';
import { CHECKPOINT_VERSION, ReadyNotification, inboundNotification, inboundOf, outboundNotification } from './ipc';

export const DASHBOARD_VIEW_TYPE = 'rolloutLens.runDashboard';

export { DIFFICULTY_BUCKETS, type DifficultyBucket, type StepStatsRow };

type Column = Array<number | null>;

/** One split's step statistics, one array per statistic, aligned with `step`. */
export interface StepColumns {
  step: number[];
  samples: number[];
  groups: number[];
  reward_mean: Column;
  reward_std: Column;
  mean_length: Column;
  mean_length_correct: Column;
  mean_length_wrong: Column;
  mean_length_stopped: Column;
  /** `tokens` only when every step's lengths are token counts. */
  length_unit: 'tokens' | 'chars';
  clip_ratio: Column;
  effective_gradient_ratio: Column;
  /** Groups per difficulty bucket (counts), for the stacked area. */
  difficulty: Record<DifficultyBucket, Column>;
  /** The "aha" curve: share of responses with a reflection keyword, and keywords per response. */
  reflection_share: Column;
  reflection_mean: Column;
  /** Unbiased pass@k per k (as a string key: "1", "2", "4", …). */
  pass_at_k: Record<string, Column>;
  /** Mean of each reward component the samples logged, by component name (null: none logged it that step). */
  components: Record<string, Column>;
  /** Grounding runs: per step, the mean IoU, hit rate and predicted ÷ target box area of the samples with boxes; null when none had boxes. */
  boxes: { iou: Column; hit: Column; area_ratio: Column } | null;
  /**
   * Temporal-grounding runs: per step, the mean temporal IoU and predicted ÷ target length, the share of
   * answers that gave no segment, and the share of groups that are hard to ground (docs/algorithms.md);
   * null when no step had segments.
   */
  segments: { tiou: Column; length_ratio: Column; unparsable: Column; hard_to_ground: Column } | null;
  /** Pairwise judges, several reward models, p(reference) and rollout stages (judgingColumns.ts). */
  judging: JudgingColumns;
  /** The share the trainer filtered out, where its trained-on batch is known (filterColumns.ts); null: never known. */
  trainer_filter?: TrainerFilterColumns | null;
}

/** A step's box means, as the store keeps them (src/core/store/stepBoxes.ts). */
export interface StepBoxMeansView {
  iou: number;
  hit: number;
  area_ratio: number | null;
}

/** A step's segment means (src/core/store/stepSums.ts) and its share of hard-to-ground groups. */
export interface StepSegmentMeansView {
  tiou: number | null;
  length_ratio: number | null;
  unparsable: number;
  hard_to_ground: number | null;
}

export interface RunStatusView {
  /** e.g. pending, running, succeeded, failed, stopped (as the supervisor names it). */
  state: string;
  backend?: string;
  command?: string;
  /** Epoch milliseconds. */
  started_at?: number;
  ended_at?: number;
  exit_code?: number | null;
  message?: string;
}

export interface LogTailView {
  /** The last lines of the run's log, oldest first (untrusted text). */
  lines: string[];
  /** True when older lines exist that are not here. */
  truncated: boolean;
}

export interface GpuSeriesView {
  index: number;
  name: string;
  /** [epoch ms, utilisation %, memory used MiB] per poll, oldest first. */
  samples: Array<[number, number | null, number | null]>;
  memory_total_mib: number | null;
}

export interface DashboardSnapshot {
  run: string;
  /** What "solved" means in this run, in words (describeSuccessRule): solve rates, pass@k and difficulty follow it. */
  success_rule: string;
  train: StepColumns;
  /** Validation steps, when the run logged any. */
  val: StepColumns | null;
  /** Every scalar metric name the run logged (for the picker). */
  metric_keys: string[];
  /** Logged series by name: the `rewards/<name>/mean` components and the user's picks (a component the samples logged is drawn from `components` instead). */
  series: Record<string, Array<[number, number | null]>>;
  /** The picks this snapshot's `series` answers. */
  picked: string[];
  status?: RunStatusView;
  logTail?: LogTailView;
  gpu?: GpuSeriesView[];
  /** True while the run is being written: the view says it is live. */
  live: boolean;
  /** Reward-hacking alerts of the run (both splits), and detectors that failed and are off. */
  alerts?: AlertDto[];
  alertsDisabled?: string[];

  /** Train-vs-inference logprob mismatch per train step, when the run logged both logprobs. */
  mismatch?: Array<{ step: number } & MismatchStats>;
  /** ε of the clip range the mismatch's share is counted against. */
  clip_epsilon?: number;
}

/** What the engine builds for the dashboard in one request (views/dashboard): all but the host's facts. */
export interface DashboardViewData extends Omit<DashboardSnapshot, 'live' | 'gpu'> {
  /** A launched run's latest GPU reading, for the host's GPU history. */
  gpu_reading?: GpuReading | null;
}

/** Logged reward-component means (TRL: rewards/<func>/mean), shown with the mean reward. */
export function isComponentMeanKey(key: string): boolean {
  return /^rewards\/[^/]+\/mean$/.test(key);
}

/** Finite numbers to 6 significant digits: plenty for a chart, and 10k-step snapshots get half as big. */
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

/** Rows of one split (in step order) and the samples' component means by step → columns. */
export function toStepColumns(
  rows: readonly StepStatsRow[],
  componentMeans: ReadonlyMap<number, Readonly<Record<string, number>>> = new Map(),
  boxMeans: ReadonlyMap<number, StepBoxMeansView> = new Map(),
  segmentMeans: ReadonlyMap<number, StepSegmentMeansView> = new Map(),
  agreement: ReadonlyMap<number, Readonly<Record<string, number | null>>> = new Map(),
): StepColumns {
  const ks = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.pass_at_k ?? {})) ks.add(k);
  const names = new Set<string>();
  for (const m of componentMeans.values()) for (const k of Object.keys(m)) names.add(k);
  const cols: StepColumns = {
    step: [],
    samples: [],
    groups: [],
    reward_mean: [],
    reward_std: [],
    mean_length: [],
    mean_length_correct: [],
    mean_length_wrong: [],
    mean_length_stopped: [],
    length_unit: rows.length > 0 && rows.every((r) => r.length_unit === 'tokens') ? 'tokens' : 'chars',
    clip_ratio: [],
    effective_gradient_ratio: [],
    difficulty: { extremely_hard: [], hard: [], medium: [], easy: [], extremely_easy: [] },
    reflection_share: [],
    reflection_mean: [],
    pass_at_k: Object.fromEntries([...ks].sort((a, b) => Number(a) - Number(b)).map((k) => [k, [] as Column])),
    components: Object.fromEntries([...names].sort().map((k) => [k, [] as Column])),
    boxes: boxMeans.size ? { iou: [], hit: [], area_ratio: [] } : null,
    segments: segmentMeans.size ? { tiou: [], length_ratio: [], unparsable: [], hard_to_ground: [] } : null,
    judging: judgingColumns(rows, agreement),
    trainer_filter: trainerFilterColumns(rows),
  };
  for (const r of rows) {
    cols.step.push(r.step);
    cols.samples.push(r.samples);
    cols.groups.push(r.groups);
    cols.reward_mean.push(num(r.reward_mean));
    cols.reward_std.push(num(r.reward_std));
    cols.mean_length.push(num(r.mean_length));
    cols.mean_length_correct.push(num(r.mean_length_correct));
    cols.mean_length_wrong.push(num(r.mean_length_wrong));
    cols.mean_length_stopped.push(num(r.mean_length_stopped));
    cols.clip_ratio.push(num(r.clip_ratio));
    cols.effective_gradient_ratio.push(num(r.effective_gradient_ratio));
    for (const b of DIFFICULTY_BUCKETS) cols.difficulty[b].push(r.difficulty ? (num(r.difficulty[b]) ?? 0) : null);
    cols.reflection_share.push(num(r.reflection?.share_responses));
    cols.reflection_mean.push(num(r.reflection?.mean_per_response));
    for (const k of ks) cols.pass_at_k[k]!.push(num(r.pass_at_k?.[k]));
    for (const k of names) cols.components[k]!.push(num(componentMeans.get(r.step)?.[k]));
    if (cols.boxes) {
      const b = boxMeans.get(r.step);
      cols.boxes.iou.push(num(b?.iou));
      cols.boxes.hit.push(num(b?.hit));
      cols.boxes.area_ratio.push(num(b?.area_ratio));
    }
    if (cols.segments) {
      const g = segmentMeans.get(r.step);
      cols.segments.tiou.push(num(g?.tiou));
      cols.segments.length_ratio.push(num(g?.length_ratio));
      cols.segments.unparsable.push(num(g?.unparsable));
      cols.segments.hard_to_ground.push(num(g?.hard_to_ground));
    }
  }
  return cols;
}

const metricKey = z.string().check(z.minLength(1), z.maxLength(300));
export const MAX_PICKED_METRICS = 12;

/** What the dashboard remembers across reloads (vscode.setState). */
export const dashboardCheckpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  run: runName,
  picked: z.array(metricKey).check(z.maxLength(MAX_PICKED_METRICS)),
  split,
  range: z.nullable(z.tuple([step, step])),
  selectedStep: z.nullable(step),
});
export type DashboardCheckpoint = z.infer<typeof dashboardCheckpointSchema>;

export const DashboardMessages = {
  ready: ReadyNotification,
  /** Webview → host: these logged metrics should be in every snapshot from now on. */
  pickMetrics: inboundNotification(
    'dashboard/pickMetrics',
    z.strictObject({ keys: z.array(metricKey).check(z.maxLength(MAX_PICKED_METRICS)) }),
  ),
  /** Webview → host: the brushed step range; the host filters the run explorer to it. */
  filterSteps: inboundNotification(
    'filterSteps',
    z.strictObject({ from: step, to: step }).check(z.refine((p) => p.from <= p.to, 'from must not exceed to')),
  ),
  /** Webview → host: open the lowest (worst) or highest (best) mean-reward group of a step. */
  openStepGroup: inboundNotification('dashboard/openStepGroup', z.strictObject({ step, split, which: z.enum(['worst', 'best']) })),
  /** Webview → host: open a sample behind an alert (its document, or its group's view). */
  openAlertSample: inboundNotification(
    'dashboard/openAlertSample',
    z.strictObject({
      split,
      step,
      group: groupId,
      index: sampleIndex,
      open: z.enum(['sample', 'group']),
      /** The alert's samples in this group, marked in the group view it opens. */
      flagged: z.optional(z.array(sampleIndex).check(z.maxLength(512))),
    }),
  ),
  /** Host → webview: everything the dashboard shows, complete (never a delta). */
  snapshot: outboundNotification<DashboardSnapshot>('dashboard/snapshot'),
} as const;

/** What the host accepts from this view (derived: every inbound message of DashboardMessages). */
export const DASHBOARD_INBOUND = inboundOf(DashboardMessages);
