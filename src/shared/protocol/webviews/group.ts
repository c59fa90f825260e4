// The group view's protocol: one complete snapshot of a group (its prefix tree and its samples)
// from the host, sample details on request, and the user's actions back. Imported by the panel host
// (src/extension/webviews/groupPanel.ts) and the webview (webview/group/).
import type { GroupLabels } from '../../labels';
import { denoise } from '../../format';
import * as z from 'zod/mini';
import type { GroupRef, SampleDetail, SampleRow } from '../../explorer';
import type { GroupTree, GroupTreeNode } from '../../tree';
import type { GroupJudging } from './judging';
import { ADVANTAGE_ESTIMATORS, type AdvantageEstimator } from './advantages';
import type { GroupTokenStats } from '../../tokenSignals';
import {
  FRAME_TIMES_MAX,
  FRAME_WIDTH,
  type BoxScores,
  type GroupFrames,
  type GroupMedia,
  type GroupTimeline,
  type ImageLoad,
  type SegmentScores,
} from '../../media';
import type { GroupGame } from '../../game';
import { TOKEN_COLUMNS, TOKEN_MODES, openPromptTimeline, sampleTokensRequest } from './tokens';
import { groupRefSchema, sampleIndex } from '../atoms';
import { CHECKPOINT_VERSION, ReadyNotification, inboundNotification, inboundOf, inboundRequest, outboundNotification } from './ipc';

export const GROUP_VIEW_TYPE = 'rolloutLens.groupView';

/** Runs of equal values: [value, how many]. TEMPO token advantages are constant along a tree node but its first token. */
export type ValueRuns = Array<[number, number]>;

export interface GroupTreeSampleView {
  index: number;
  reward: number;
  advantage: number;
  /** The sample's TEMPO token advantages, run-length encoded (64 × 4k numbers would be megabytes of JSON). */
  token_advantage_runs: ValueRuns;
}

/**
 * A tree node as the webview receives it: its text cut to a preview (labels and tooltips need no
 * more); the full text of the nodes a user reads comes with `group/nodeTexts`. A 64 × 4k-token
 * group's node texts are most of a megabyte, which would otherwise ride on every snapshot.
 */
export interface GroupTreeNodeView extends GroupTreeNode {
  /** The full text's length, in UTF-16 units; more than text.length when `text` is a preview. */
  text_length: number;
}

/** The engine's GroupTree as the webview receives it: node texts previewed, token advantages encoded. */
export interface GroupTreeView extends Omit<GroupTree, 'samples' | 'nodes'> {
  nodes: GroupTreeNodeView[];
  samples: GroupTreeSampleView[];
}

/** Characters of a node's text sent with the snapshot. */
export const NODE_TEXT_PREVIEW = 240;

export interface GroupSampleView extends SampleRow {
  /** Reward components as logged ({name: value}), null when none were. */
  components: Record<string, number> | null;
}

/** What the engine builds for the group view in one request (views/group): all but the host's settings. */
export interface GroupViewData {
  ref: GroupRef;
  /** The group's prompt (untrusted text). */
  prompt: string;
  ground_truth: string | null;
  /** What "solved" means in this run, in words (describeSuccessRule): the ✓ column and the Correct filter follow it. */
  success_rule: string;
  samples: GroupSampleView[];
  tree: GroupTreeView | null;
  /** Why there is no tree (e.g. a reward is not finite), shown in place of it. */
  tree_error: string | null;
  /** Per-sample token aggregates and which per-token signals exist (null: they could not be made). */
  tokens: GroupTokenStats | null;
  /** The group's images and boxes; null when no sample has an image. */
  media: GroupMedia | null;
  /** A temporal-grounding group's timeline; null when no sample has segments. */
  timeline: GroupTimeline | null;
  /** The Vision-Zero game this group is (docs/formats.md#vision-zero); null when no sample has meta.vision_zero. */
  game: GroupGame | null;
  /** Pairwise verdicts, several reward models, p(reference), rollout stages; null when no sample logged any. */
  judging: GroupJudging | null;
  /** The labels on the group and on each of its samples (docs/webviews.md#labels). */
  labels: GroupLabels;
}

/** The engine's answer: the view, plus the tree nodes' full texts (the view carries previews). */
export interface GroupViewResult {
  view: GroupViewData;
  /** Node id → full text, for the host to answer group/nodeTexts without asking again. */
  node_texts: Record<string, string>;
}

export interface GroupSnapshot extends GroupViewData {
  /** The estimator the user configured (rolloutLens.advantageEstimator); the view can switch. */
  estimator: AdvantageEstimator;
  /** Samples an alert flagged, when the view was opened from it: marked in the sample list. */
  flagged?: number[];
  /** Set in a shared HTML report (rollout-lens report): the actions that need VS Code and the run's database are hidden. */
  shared_report?: boolean;
}

export function runLengths(values: readonly number[]): ValueRuns {
  const runs: ValueRuns = [];
  for (const v of values) {
    const last = runs[runs.length - 1];
    if (last && (last[0] === v || (Number.isNaN(v) && Number.isNaN(last[0])))) last[1]++;
    else runs.push([v, 1]);
  }
  return runs;
}

export function expandRuns(runs: ValueRuns): number[] {
  const out: number[] = [];
  for (const [v, n] of runs) for (let k = 0; k < n; k++) out.push(v);
  return out;
}

/** A preview cut that does not split a surrogate pair. */
export function previewText(text: string, max = NODE_TEXT_PREVIEW): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export function toGroupTreeView(tree: GroupTree): GroupTreeView {
  // The one display rule for rounding noise (docs/algorithms.md#noise): δ, advantages and token
  // advantages within a millionth of the group's largest |reward| are 0, so a sign shown is real.
  const scale = tree.samples.reduce((m, s) => Math.max(m, Math.abs(s.reward)), 0);
  const clean = (x: number): number => denoise(x, scale);
  return {
    ...tree,
    nodes: tree.nodes.map((n) => ({ ...n, delta: clean(n.delta), text: previewText(n.text), text_length: n.text.length })),
    decision_tokens: tree.decision_tokens.map((d) => ({ ...d, delta: clean(d.delta) })),
    samples: tree.samples.map((s) => ({
      index: s.index,
      reward: s.reward,
      advantage: clean(s.advantage),
      token_advantage_runs: runLengths(s.token_advantages.map(clean)),
    })),
  };
}

const index = sampleIndex;
export { groupRefSchema };

/** Sortable per-sample box scores (src/shared/media.ts BoxScores), shown when the group has boxes. */
export const BOX_COLUMNS = ['iou', 'hit', 'area_ratio'] as const satisfies ReadonlyArray<keyof BoxScores>;
export type BoxColumn = (typeof BOX_COLUMNS)[number];

/** Sortable per-sample segment scores (src/shared/media.ts SegmentScores), shown when the group has a timeline. */
export const TIMELINE_COLUMNS = ['tiou', 'length_ratio'] as const satisfies ReadonlyArray<keyof SegmentScores>;
export type TimelineColumn = (typeof TIMELINE_COLUMNS)[number];

// Columns are only ever added, never renamed or removed: a checkpoint names its sort column by value,
// so every checkpoint written before a column existed still validates.
export const SAMPLE_COLUMNS = [
  'index',
  'reward',
  'advantage',
  'length',
  'finish',
  ...TOKEN_COLUMNS,
  ...BOX_COLUMNS,
  ...TIMELINE_COLUMNS,
] as const;
export type SampleColumn = (typeof SAMPLE_COLUMNS)[number];

/** What the group view remembers across reloads and window restarts (vscode.setState). */
export const groupCheckpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  ref: groupRefSchema,
  selectedNode: z.nullable(z.int().check(z.minimum(0))),
  selectedSample: z.nullable(index),
  estimator: z.enum(ADVANTAGE_ESTIMATORS),
  sort: z.strictObject({ column: z.enum(SAMPLE_COLUMNS), descending: z.boolean() }),
  filter: z.strictObject({
    text: z.string().check(z.maxLength(200)),
    finish: z.enum(['any', 'stop', 'length']),
    correct: z.enum(['any', 'correct', 'wrong']),
    throughSelected: z.boolean(),
  }),
  collapsed: z.array(z.int().check(z.minimum(0))).check(z.maxLength(10_000)),
  tokenHeat: z.boolean(),
  tokenMode: z.optional(z.enum(TOKEN_MODES)),
});
export type GroupCheckpoint = z.infer<typeof groupCheckpointSchema>;

export const GroupMessages = {
  ready: ReadyNotification,
  /** Webview → host: the full sample (response, rationale, reflection spans) at this index of the group. */
  sample: inboundRequest<SampleDetail>()('group/sample', z.strictObject({ index })),
  /** Webview → host: the full texts of these tree nodes (the selected node, a sample's path), by node id. */
  nodeTexts: inboundRequest<Record<string, string>>()(
    'group/nodeTexts',
    z.strictObject({ ids: z.array(z.int().check(z.minimum(0))).check(z.minLength(1), z.maxLength(100_000)) }),
  ),
  /** Webview → host: "Compare with…": the host asks which other sample and opens VS Code's diff editor. */
  compare: inboundNotification('group/compare', z.strictObject({ index })),
  /** Webview → host: "Re-score this group…". */
  rescore: inboundNotification('group/rescore', z.strictObject({})),
  /** Webview → host: "Label…" on the group, or on the sample at `index`: the host asks for the tag and note. */
  label: inboundNotification('group/label', z.strictObject({ index: z.optional(index) })),
  /** Webview → host: open the sample as a text document (search, copy, select). */
  openSample: inboundNotification('group/openSample', z.strictObject({ index })),
  /** Webview → host: one sample's per-token arrays for the token overlay. */
  tokens: sampleTokensRequest,
  /** Webview → host: the bytes of the group's image at this index of media.images (loaded when shown). */
  image: inboundRequest<ImageLoad>()('group/image', z.strictObject({ image: z.int().check(z.minimum(0), z.maximum(10_000)) })),
  /** Webview → host: thumbnails of the group's video at these seconds (its timeline's segment edges), `width` pixels wide. */
  frames: inboundRequest<GroupFrames>()(
    'group/frames',
    z.strictObject({
      times: z.array(z.number().check(z.minimum(-1e9), z.maximum(1e9))).check(z.minLength(1), z.maxLength(FRAME_TIMES_MAX)),
      width: z.int().check(z.minimum(FRAME_WIDTH.min), z.maximum(FRAME_WIDTH.max)),
    }),
  ),
  promptTimeline: openPromptTimeline,
  /** Webview → host: "Share as HTML…": the host asks where and writes the group's report (engine report/write). */
  share: inboundNotification('group/share', z.strictObject({})),
  /** Host → webview: everything the view shows, complete (never a delta). */
  snapshot: outboundNotification<GroupSnapshot>('group/snapshot'),
} as const;

/** What the host accepts from this view (derived: every inbound message of GroupMessages). */
export const GROUP_INBOUND = inboundOf(GroupMessages);
