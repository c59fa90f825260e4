// Which stored samples an export takes (docs/dataset-export.md#selection): the step range and the
// explorer's filters in SQL, then the per-sample tests (truncated, reflects, text, outcome) and the
// sources that name samples by id (an alert, a re-score's flips, a label, a failure cluster). A source is one function
// from the store to a set of sample ids.
import type { DatasetSelection } from '../../shared/datasetExport';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Split, Turn } from '../../shared/rollout';
import { reflectionMatcher, type ReflectionMatcher } from '../analysis/reflection';
import { pickCluster } from '../analysis/failureClusters';
import { sampleSuccess } from '../analysis/success';
import { groupLabels, labelledSampleIds } from '../store/labels';
import { groupFilterSql } from '../store/reads';
import { matchingSampleIds } from '../store/textFilter';
import { RescoreStore } from '../store/rescoreStore';
import type { Store } from '../store/store';
import { runSuccessRule } from '../store/successStore';
import { policyText } from '../tokenize/trainedTurns';

export interface ExportSample {
  id: number;
  index: number;
  reward: number;
  success: boolean;
  response: string;
  turns: Turn[] | null;
  ground_truth: string | null;
  data_source: string | null;
  /** Passed every sample-level part of the selection. */
  selected: boolean;
  /** The label tags on the sample and on its group (provenance). */
  labels: string[];
}

/** A group in the step range that holds at least one selected sample, with all its samples (DPO's best is drawn from all of them). */
export interface ExportGroup {
  split: Split;
  step: number;
  group: string;
  /** SHA-1 of the prompt text (the store's prompt id, as `rollout-lens prompts` shows it). */
  prompt_id: string;
  prompt: string;
  samples: ExportSample[];
}

interface Row {
  gid: number;
  step: number;
  uid: string;
  prompt: string;
  prompt_id: string;
  id: number;
  idx: number;
  reward: number;
  correct: number | null;
  components: string | null;
  ground_truth: string | null;
  data_source: string | null;
  finish_reason: string | null;
  response: string;
  turns: string | null;
}

/** The ids of the samples behind the run's alerts of one kind in the range (each alert keeps its first 20). */
function alertSamples(store: Store, runId: number, sel: DatasetSelection, split: Split): Set<number> {
  const lists = store.db
    .prepare('SELECT samples FROM alerts WHERE run_id = ? AND split = ? AND kind = ? AND step >= ? AND step <= ?')
    .pluck()
    .all(runId, split, sel.alert, sel.from ?? 0, sel.to ?? Number.MAX_SAFE_INTEGER) as string[];
  return new Set(lists.flatMap((s) => JSON.parse(s) as number[]));
}

/**
 * The samples whose verdict a re-score set changed against the logged one (the comparison's flips:
 * src/core/rewards/comparison.ts, logged side under the run's success rule, set side its verdict or score > 0).
 */
function flippedSamples(store: Store, runId: number, flips: NonNullable<DatasetSelection['flips']>): Set<number> {
  const rescore = new RescoreStore(store.db);
  const set = rescore.setWithRun(flips.set);
  if (set.run_id !== runId) throw new LensError(ErrorCode.BadInput, `re-score set ${flips.set} belongs to run ${JSON.stringify(set.run)}`);
  const ids = new Set<number>();
  for (const r of rescore.compareRows(flips.set, 'logged')) {
    if (r.before === null || r.after === null || r.before_error !== null || r.after_error !== null) continue;
    const before = r.before_correct !== null ? r.before_correct === 1 : r.before > 0;
    const after = r.after_correct !== null ? r.after_correct === 1 : r.after > 0;
    if (before === after) continue;
    const direction = flips.direction ?? 'any';
    if (direction === 'any' || (direction === 'to-correct') === after) ids.add(r.sample_id);
  }
  return ids;
}

/** What the caller worked out ahead: a cluster's members (the engine clusters with pauses between k-means runs). */
export interface SelectOptions {
  reflection?: ReflectionMatcher;
  clusterIds?: readonly number[];
}

/** Ids named by every id source of the selection (intersected), or undefined when it has none. */
function sourceIds(
  store: Store,
  run: string,
  runId: number,
  sel: DatasetSelection,
  split: Split,
  opts: SelectOptions,
): Set<number> | undefined {
  const sets: Set<number>[] = [];
  if (sel.cluster) sets.push(new Set(opts.clusterIds ?? pickCluster(store, run, sel.cluster).ids));
  if (sel.alert) sets.push(alertSamples(store, runId, sel, split));
  if (sel.flips) sets.push(flippedSamples(store, runId, sel.flips));
  if (sel.label) sets.push(labelledSampleIds(store, run, split, sel.label));
  if (!sets.length) return undefined;
  const [first, ...rest] = sets;
  return new Set([...first!].filter((id) => rest.every((s) => s.has(id))));
}

/**
 * Groups in the range whose prompt was, in every group of the range, never solved (zero-accuracy)
 * or degenerate (never-trainable: the prompt timeline's "gave no gradient").
 */
function promptKindSql(sel: DatasetSelection): string | null {
  if (!sel.prompts) return null;
  const never = sel.prompts === 'zero-accuracy' ? 'g2.success_n > 0' : 'g2.reward_min <> g2.reward_max';
  return `NOT EXISTS (SELECT 1 FROM groups g2 JOIN steps st2 ON st2.id = g2.step_id
            WHERE g2.prompt_id = g.prompt_id AND st2.run_id = st.run_id AND st2.split = st.split
              AND st2.step >= ? AND st2.step <= ? AND ${never})`;
}

interface GroupTags {
  group: string[];
  samples: Map<number, string[]>;
}

/** A group's label tags, on it and per sample index. */
function labelTagsOf(store: Store, ref: { run: string; split: Split; step: number; group: string }): GroupTags {
  const l = groupLabels(store, ref);
  return { group: l.group.map((x) => x.tag), samples: new Map(l.samples.map((x) => [x.index, x.labels.map((y) => y.tag)])) };
}

/** The selected groups, in step then group order, one at a time (only one group's responses are held). */
export function* selectGroups(store: Store, run: string, sel: DatasetSelection, opts: SelectOptions = {}): Generator<ExportGroup> {
  const runId = store.requireRun(run).id;
  const split = sel.split ?? 'train';
  const threshold = runSuccessRule(store.db, runId).threshold;
  const ids = sourceIds(store, run, runId, sel, split, opts);
  if (ids && ids.size === 0) return;
  const matcher = opts.reflection ?? reflectionMatcher();
  const f = sel.samples ?? {};
  const text = f.text ? matchingSampleIds(store, f.text, f.allTurns) : undefined;
  const groupSql = groupFilterSql(store, sel.filter ?? {});
  const where = ['st.run_id = ?', 'st.split = ?', 'st.step >= ?', 'st.step <= ?', ...groupSql.where];
  const range = [sel.from ?? 0, sel.to ?? Number.MAX_SAFE_INTEGER];
  const params: unknown[] = [runId, split, ...range, ...groupSql.params];
  const kind = promptKindSql(sel);
  if (kind) {
    where.push(kind);
    params.push(...range);
  }
  if (ids) {
    where.push('g.id IN (SELECT group_id FROM samples WHERE id IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify([...ids]));
  }
  const rows = store.db
    .prepare(
      `SELECT g.id AS gid, st.step, g.uid, p.text AS prompt, lower(hex(p.hash)) AS prompt_id, s.id, s.idx, s.reward, s.correct,
              s.components, s.ground_truth, s.data_source, s.finish_reason, s.response, s.turns
         FROM steps st JOIN groups g ON g.step_id = st.id JOIN prompts p ON p.id = g.prompt_id JOIN samples s ON s.group_id = g.id
        WHERE ${where.join(' AND ')}
        ORDER BY st.step, g.uid, s.idx`,
    )
    .iterate(...params) as IterableIterator<Row>;
  const isSelected = (r: Row, success: boolean): boolean =>
    (!f.truncated || r.finish_reason === 'length') &&
    (!f.reflects || matcher.count(policyText(r.response, r.turns)) > 0) &&
    (!text || text.has(r.id)) &&
    (!ids || ids.has(r.id)) &&
    (!sel.outcome || success === (sel.outcome === 'right'));
  let current: (ExportGroup & { gid: number }) | undefined;
  let tags: GroupTags = { group: [], samples: new Map() };
  const done = (g: typeof current): ExportGroup | undefined => {
    if (!g || !g.samples.some((s) => s.selected)) return undefined;
    const { gid: _gid, ...group } = g;
    return group;
  };
  for (const r of rows) {
    if (current?.gid !== r.gid) {
      const finished = done(current);
      if (finished) yield finished;
      current = { gid: r.gid, split, step: r.step, group: r.uid, prompt_id: r.prompt_id, prompt: r.prompt, samples: [] };
      tags = labelTagsOf(store, { run, split, step: r.step, group: r.uid });
    }
    const success = sampleSuccess(r, threshold);
    current.samples.push({
      id: r.id,
      index: r.idx,
      reward: r.reward,
      success,
      response: r.response,
      turns: r.turns === null ? null : (JSON.parse(r.turns) as Turn[]),
      ground_truth: r.ground_truth,
      data_source: r.data_source,
      selected: isSelected(r, success),
      labels: [...new Set([...tags.group, ...(tags.samples.get(r.idx) ?? [])])].sort(),
    });
  }
  const last = done(current);
  if (last) yield last;
}
