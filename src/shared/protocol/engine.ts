// The engine's JSON-RPC surface, typed once: each method's params schema (validated by the engine
// before any work) and its result type. Imported by the engine, the extension host and tests.
import { z } from 'zod';
import { ROLLOUT_FORMATS, type IngestReport, type RunSummary, type StepStatsRow } from '../rollout';
import type { GroupTree } from '../tree';
import type { BestWorstPair, CompareCandidate } from '../compare';
import { groupId, groupRefShape, runName, sampleIndex, split, step } from './atoms';
import { method } from './methods';
import { notification } from './rpc';
import type { Comparison, RescoreSetRow, RescoreSummary } from '../rescore';
import { ALERT_KINDS, mapThresholds, type AlertList, type AlertThresholdDef } from '../alerts';
import { DATASET_FORMATS, DATASET_KINDS, FLIP_DIRECTIONS, PROMPT_KINDS, SAMPLE_OUTCOMES, type DatasetExportReport } from '../datasetExport';
import { REFLECTION_MODES, REFLECTION_PRESET_IDS } from '../reflection';
import { GROUP_SORTS, SAMPLE_SORTS, type GroupRow, type Page, type SampleDetail, type SampleRow, type StepRow } from '../explorer';
import type { BoxScores } from '../media';
import type { ReportSummary } from '../report';
import { ADVANTAGE_ESTIMATORS } from './webviews/advantages';
import { clusterPickSchema as clusterPick } from './clusterSchemas';
import { LoopMethods, labelTag, textQuery } from './engineLoop';

export type { MethodDescriptor } from './methods';

export interface EngineInfo {
  pid: number;
  version: string;
  sqlite: string;
  db: string;
  runtime: string;
  abi: string;
  /** The SQLite driver the engine chose, e.g. "node:sqlite (SQLite 3.54.1)". */
  driver: string;
  node: string;
}

/** A threshold's schema from its definition: a number within its bounds, whole when it must be. */
function thresholdSchema(d: AlertThresholdDef) {
  const n = d.integer ? z.number().int().min(d.min) : z.number().finite().min(d.min);
  return (d.max === undefined ? n : n.max(d.max)).optional();
}
/** Every threshold of src/shared/alerts.ts (absent ones take their defaults), and the on/off switch. */
const alertSettingsSchema = z.object({ enabled: z.boolean().optional(), ...mapThresholds(thresholdSchema) }).strict();
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

const settingsSchema = z
  .object({
    reflection: z
      .object({
        preset: z.enum(REFLECTION_PRESET_IDS).optional(),
        mode: z.enum(REFLECTION_MODES).optional(),
        keywords: z.array(z.string().min(1).max(100)).max(200).optional(),
      })
      .strict()
      .optional(),
    tokenizerPath: z.string().max(4096).optional(),
    /** The ffmpeg that decodes video frames (rolloutLens.ffmpegPath); empty: look on PATH. */
    ffmpegPath: z.string().max(4096).optional(),
    /** How often nvidia-smi is polled while a run is going (ms). */
    gpuPollIntervalMs: z.number().int().min(250).max(600_000).optional(),
    /** Workspace trust: external reward commands, ONNX models and launches are refused when false. */
    trusted: z.boolean().optional(),
    /** Reward-hacking alerts (settings rolloutLens.alerts.*); absent thresholds take their defaults. */
    alerts: alertSettingsSchema.optional(),
  })
  .strict();
export type EngineSettings = z.infer<typeof settingsSchema>;

const offset = z.number().int().min(0).max(1e9);
const limit = z.number().int().min(1).max(10_000);
const groupRef = groupRefShape;
const groupFilter = z
  .object({
    degenerate: z.boolean().optional(),
    tools: z.boolean().optional(),
    truncated: z.boolean().optional(),
    reflects: z.boolean().optional(),
    hardToGround: z.object({ reward: z.number().finite(), spread: z.number().finite() }).strict().optional(),
    filtered: z.boolean().optional(),
    text: z.optional(textQuery),
    allTurns: z.boolean().optional(),
    label: z.optional(labelTag),
  })
  .strict();

const sampleFilter = z
  .object({
    truncated: z.boolean().optional(),
    reflects: z.boolean().optional(),
    filtered: z.boolean().optional(),
    text: z.optional(textQuery),
    allTurns: z.boolean().optional(),
    label: z.optional(labelTag),
  })
  .strict();
/** Which samples a dataset export takes (src/shared/datasetExport.ts). */
const datasetSelection = z
  .object({
    split: z.optional(split),
    from: z.optional(step),
    to: z.optional(step),
    filter: groupFilter.optional(),
    samples: sampleFilter.optional(),
    outcome: z.enum(SAMPLE_OUTCOMES).optional(),
    alert: z.enum(ALERT_KINDS).optional(),
    flips: z
      .object({ set: z.number().int().min(1), direction: z.enum(FLIP_DIRECTIONS).optional() })
      .strict()
      .optional(),
    label: z.optional(labelTag),
    cluster: z.optional(clusterPick),
    prompts: z.enum(PROMPT_KINDS).optional(),
  })
  .strict();

/** A text search's hits; `literal` when the query was not FTS5 syntax and was searched for as one literal phrase. */
export interface SearchResultDto {
  hits: SearchHitDto[];
  literal: boolean;
  /**
   * How the hits are ordered: `best` (FTS5's bm25 rank over every match), or `newest` (most recently
   * ingested first) when there are more matches than a search ranks (docs/cli.md#search).
   */
  order: SearchOrder;
  /** The request's extra parameters for the next hits in the same order; null when there are no more. */
  more: SearchMoreDto | null;
}

export type SearchOrder = 'best' | 'newest';

/** Where the next hits start: past `offset` ranked hits, or at matches older than sample id `before`. */
export type SearchMoreDto = { offset: number } | { before: number };

/** A hit of a text search over responses. */
export interface SearchHitDto {
  sample_id: number;
  run: string;
  split: string;
  step: number;
  group: string;
  index: number;
  reward: number;
  /** A window of the response around the match, as written (no markers in it). */
  snippet: string;
  /** Where the query matched in `snippet`: [start, end) in UTF-16 units, in order. */
  highlights: Array<[number, number]>;
}

/** How wide `samples/image` may draw (px): a hover thumbnail up to a slide-sized picture. */
export const SAMPLE_IMAGE_WIDTH = { min: 16, max: 1024 } as const;

/**
 * One sample's image with its boxes and the targets drawn (as `rollout-lens render --sample`), for the
 * explorer's tooltip and the sample document's hover. `label` names the image (path, dataset row,
 * stored hash) and is null only when the sample has no image at all.
 */
export type SampleImageResult =
  | {
      ok: true;
      /** PNG bytes, base64. */
      png: string;
      /** The PNG's own size: the image's, shrunk to at most maxWidth wide. */
      width: number;
      height: number;
      label: string;
      /** Against the first target box; null when the sample has no boxes. */
      scores: BoxScores | null;
      pred_boxes: number;
      gt_boxes: number;
    }
  | { ok: false; message: string; label: string | null };

export const EngineMethods = {
  /** Opens (creating) the database; every other method needs it. */
  initialize: method<EngineInfo>()('initialize', z.object({ db: z.string().min(1), settings: settingsSchema.optional() }).strict()),
  /** Applies settings (reflection keywords, tokenizer, trust) without a restart. */
  configure: method<EngineInfo>()('configure', settingsSchema),
  ping: method<EngineInfo>()('ping', z.object({}).strict()),
  /** Ingests paths into a run; with follow, keeps reading until cancelled, then drains once more. */
  ingest: method<IngestReport>()(
    'ingest',
    z
      .object({
        paths: z.array(z.string().min(1)).min(1).max(1000),
        run: runName,
        format: z.enum(['auto', ...ROLLOUT_FORMATS]).optional(),
        split: z.optional(split),
        /** Rollouts per prompt for formats without group ids (NeMo-RL num_generations_per_prompt). */
        groupSize: z.number().int().min(1).max(1_000_000).optional(),
        /** Dataset files rollouts are joined to (GUI-G1 debug logs: by target box), and where their image paths start. */
        datasets: z.array(z.string().min(1)).max(100).optional(),
        imageRoot: z.string().min(1).optional(),
        /** Where the annotations' videos are (VideoChat-R1 / Time-R1 debug logs: `{root}/{video_id}.mp4`). */
        videoRoot: z.string().min(1).optional(),
        follow: z.boolean().optional(),
        pollMs: z.number().int().min(50).max(60_000).optional(),
      })
      .strict(),
  ),
  listRuns: method<RunSummary[]>()('runs/list', z.object({}).strict()),
  /** Sets (null: clears) a run's success threshold and counts its groups' solved samples again. */
  setSuccessThreshold: method<RunSummary>()(
    'runs/successThreshold',
    z.object({ run: runName, threshold: z.nullable(z.number().finite().min(-1e12).max(1e12)) }).strict(),
  ),
  stepStats: method<StepStatsRow[]>()('runs/stepStats', z.object({ run: runName, step: z.optional(step) }).strict()),
  listSteps: method<Page<StepRow>>()(
    'steps/list',
    z
      .object({
        run: runName,
        split: z.optional(split),
        offset,
        limit,
        from: z.optional(step),
        to: z.optional(step),
        /** Only steps with a group that passes this filter (the explorer hides steps with none). */
        filter: groupFilter.optional(),
      })
      .strict(),
  ),
  /** The run's groups ranked across every step (of one split when given): the best or worst anywhere in the run. */
  rankGroups: method<Page<GroupRow>>()(
    'groups/rank',
    z
      .object({
        run: runName,
        split: z.optional(split),
        sort: z.enum(GROUP_SORTS),
        descending: z.boolean().optional(),
        limit,
        filter: groupFilter.optional(),
      })
      .strict(),
  ),
  listGroups: method<Page<GroupRow>>()(
    'groups/list',
    z
      .object({
        run: runName,
        split,
        step,
        offset,
        limit,
        sort: z.enum(GROUP_SORTS).optional(),
        descending: z.boolean().optional(),
        filter: groupFilter.optional(),
      })
      .strict(),
  ),
  listSamples: method<SampleRow[]>()(
    'samples/list',
    z
      .object({
        ...groupRef,
        sort: z.enum(SAMPLE_SORTS).optional(),
        descending: z.boolean().optional(),
        filter: sampleFilter.optional(),
      })
      .strict(),
  ),
  getSample: method<SampleDetail>()('samples/get', z.object({ ...groupRef, index: sampleIndex }).strict()),
  /** The group's prefix tree with V(s), δ, TEMPO token advantages (tokens: logged > tokenizer > approximate). */
  groupTree: method<GroupTree>()(
    'groups/tree',
    z.object({ ...groupRef, norm: z.boolean().optional(), decisions: z.number().int().min(1).max(100).optional() }).strict(),
  ),
  /** Names of the scalar metrics logged for a run (trainer_state.json, file logger, metrics JSONL). */
  metricKeys: method<string[]>()('runs/metricKeys', z.object({ run: runName }).strict()),
  /** Logged metrics as series: key → [[step, value], …]. */
  metricSeries: method<Record<string, Array<[number, number | null]>>>()(
    'runs/metricSeries',
    z.object({ run: runName, keys: z.array(z.string().min(1).max(300)).max(50) }).strict(),
  ),
  /** Groups of the run with the same prompt text, in step order (to compare a prompt across steps). */
  /** The group's other samples against one: where each leaves it, previewed from there (Compare with…). */
  compareCandidates: method<CompareCandidate[]>()('samples/compareCandidates', z.object({ ...groupRef, index: sampleIndex }).strict()),
  /** A sample's image with its boxes and the targets, as PNG at most maxWidth wide; ok:false says why there is none. */
  sampleImage: method<SampleImageResult>()(
    'samples/image',
    z
      .object({ ...groupRef, index: sampleIndex, maxWidth: z.number().int().min(SAMPLE_IMAGE_WIDTH.min).max(SAMPLE_IMAGE_WIDTH.max) })
      .strict(),
  ),
  /** The best and worst rewarded samples that diverge last; null when all rewards are equal. */
  bestWorstPair: method<BestWorstPair | null>()('groups/bestWorstPair', z.object(groupRef).strict()),
  samePrompt: method<Array<{ split: 'train' | 'val'; step: number; group: string }>>()('groups/samePrompt', z.object(groupRef).strict()),
  /** Writes a run (or one step) as native JSONL to an absolute path. */
  exportRun: method<{ path: string; samples: number }>()(
    'runs/export',
    z.object({ run: runName, step: z.optional(step), path: z.string().min(1).max(4096) }).strict(),
  ),
  /** Writes a group's self-contained HTML report (docs/webviews.md#shared-report) to an absolute path, with a failure cluster above it if asked. */
  writeReport: method<ReportSummary>()(
    'report/write',
    z
      .object({
        ...groupRef,
        path: z.string().min(1).max(4096),
        estimator: z.enum(ADVANTAGE_ESTIMATORS).optional(),
        epsilon: z.number().gt(0).lt(1).optional(),
        /** Show this failure cluster above the group (its name, terms, size and examples). */
        cluster: z.optional(clusterPick),
      })
      .strict(),
  ),
  /** Writes a selection as a training dataset (SFT rows, DPO pairs, RL prompts) to an absolute path; nothing when it is empty. */
  exportDataset: method<DatasetExportReport>()(
    'datasets/export',
    z
      .object({
        run: runName,
        kind: z.enum(DATASET_KINDS),
        format: z.enum(DATASET_FORMATS),
        selection: datasetSelection,
        margin: z.number().finite().min(0).optional(),
        ability: z.string().min(1).max(200).optional(),
        out: z.string().min(1).max(4096),
      })
      .strict(),
  ),
  /** The reward functions a spec can name (id, description, exactness, whether they need trust). */
  rewardFunctions: method<
    Array<{ id: string; description: string; source: string; exactness: string; needsTrust: boolean; variants: string[] }>
  >()('rescore/functions', z.object({}).strict()),
  /** Applies a reward spec to a selection; progress and cancel; resumes an unfinished set with the same spec. */
  rescore: method<RescoreSummary>()(
    'rescore/run',
    z
      .object({
        run: runName,
        spec: z.union([z.string().min(1).max(10_000), z.record(z.string(), z.unknown())]),
        selection: z
          .object({ split: z.optional(split), step: z.optional(step), group: z.optional(groupId), index: z.optional(sampleIndex) })
          .strict()
          .optional(),
        baseDir: z.string().max(4096).optional(),
        fresh: z.boolean().optional(),
      })
      .strict(),
  ),
  rescoreSets: method<RescoreSetRow[]>()('rescore/sets', z.object({ run: runName }).strict()),
  /** One set, with the name of its run. */
  rescoreSet: method<RescoreSetRow & { run: string }>()('rescore/set', z.object({ set: z.number().int().min(1) }).strict()),
  /** New rationales of a set's samples (by sample id), for showing beside the logged ones. */
  rescoreRationales: method<Record<string, string>>()(
    'rescore/rationales',
    z.object({ set: z.number().int().min(1), sampleIds: z.array(z.number().int().min(1)).max(5000) }).strict(),
  ),
  /** A set against the logged rewards or another set. */
  compareRescore: method<Comparison>()(
    'rescore/compare',
    z
      .object({
        set: z.number().int().min(1),
        against: z.union([z.literal('logged'), z.number().int().min(1)]),
        allSamples: z.boolean().optional(),
        sampleLimit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
  ),
  /** The run's reward-hacking alerts (brought up to date first), with the samples behind each and disabled detectors. */
  listAlerts: method<AlertList>()('alerts/list', z.object({ run: runName, split: z.optional(split), step: z.optional(step) }).strict()),
  ...LoopMethods,
  /** FTS5 search over responses; `allTurns` also counts matches in untrained (tool / environment / user) turns. */
  search: method<SearchResultDto>()(
    'search',
    z
      .object({
        query: textQuery,
        run: z.optional(runName),
        limit: z.number().int().min(1).max(1000).optional(),
        allTurns: z.boolean().optional(),
        // "More results": what the previous answer's `more` said.
        offset: z.number().int().min(0).optional(),
        before: z.number().int().min(1).optional(),
      })
      .strict(),
  ),
} as const;

export interface LogParams {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** Which run's stored data changed. */
export interface RunsChangedParams {
  run: string;
}

export const EngineNotifications = {
  /** Engine → host: a log line for the "Rollout Lens" output channel. */
  log: notification<LogParams>('engine/log'),
  /** Engine → host: a run's data changed (an ingest pass or a re-score stored something). */
  runsChanged: notification<RunsChangedParams>('runs/changed'),
} as const;
