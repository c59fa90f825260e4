// The store's read queries: pages of steps, groups and samples (the run explorer, the views, the CLI),
// a sample in full, and a group's id. Parameterised SQL only; sort columns come from fixed maps, never from input.
import { ErrorCode, LensError } from '../../shared/errors';
import {
  preview,
  type GroupFilter,
  type GroupRef,
  type GroupRow,
  type GroupSort,
  type Page,
  type SampleDetail,
  type SampleFilter,
  type SampleRef,
  type SampleRow,
  type SampleSort,
  type StepRow,
} from '../../shared/explorer';
import { ALERT_KINDS } from '../../shared/alerts';
import { HARD_TO_GROUND_SQL } from './hardToGround';
import type { Split, Turn } from '../../shared/rollout';
import { promptQuestion } from '../../shared/text';
import { grpoAdvantages } from '../analysis/advantages';
import { filterReasons } from '../analysis/filterAggregates';
import { brpoOfGroup } from '../analysis/judgingAggregates';
import { reflectionMatcher, type ReflectionMatcher } from '../analysis/reflection';
import { describeTurns } from '../analysis/turns';
import { insideTrained, policyText } from '../tokenize/trainedTurns';
import { decodeInt32 } from './blobs';
import { groupsMatchingText, matchingSampleIds, samplesMatchingText, stepRanges, stepsMatchingText } from './textFilter';
import type { Store } from './store';
import type { ExtraStats } from '../analysis/groupAggregates';
import { withFreshStepStats, type StoredStepStats } from './stepStore';
import { sampleSuccess } from '../analysis/success';
import { denoise } from '../../shared/format';
import { runSuccessRule } from './successStore';
import { groupLabelTags, labelSampleRows, labelledGroupSql } from './labels';

const GROUP_ORDER: Record<GroupSort, string> = {
  group: 'g.uid',
  reward: 'g.reward_sum / max(g.size, 1)',
  spread: 'coalesce(g.reward_max - g.reward_min, 0)',
  solve_rate: 'CAST(g.success_n AS REAL) / max(g.size, 1)',
  size: 'g.size',
};

function stepId(store: Store, run: string, split: Split, step: number): number {
  const id = store.db
    .prepare('SELECT st.id FROM steps st JOIN runs r ON r.id = st.run_id WHERE r.name = ? AND st.split = ? AND st.step = ?')
    .pluck()
    .get(run, split, step) as number | undefined;
  if (id === undefined) throw new LensError(ErrorCode.NotFound, `run ${JSON.stringify(run)} has no ${split} step ${step}`);
  return id;
}

export function requireGroupId(store: Store, ref: GroupRef): number {
  const id = store.db
    .prepare('SELECT id FROM groups WHERE step_id = ? AND uid = ?')
    .pluck()
    .get(stepId(store, ref.run, ref.split, ref.step), ref.group) as number | undefined;
  if (id === undefined) {
    throw new LensError(ErrorCode.NotFound, `step ${ref.step} of ${JSON.stringify(ref.run)} has no group ${JSON.stringify(ref.group)}`);
  }
  return id;
}

export function listSteps(
  store: Store,
  run: string,
  offset: number,
  limit: number,
  split?: Split,
  range: { from?: number | undefined; to?: number | undefined; filter?: GroupFilter | undefined } = {},
): Page<StepRow> {
  const runId = store.requireRun(run).id;
  let where = 'run_id = ? AND (? IS NULL OR split = ?) AND step >= ? AND step <= ?';
  const params: unknown[] = [runId, split ?? null, split ?? null, range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER];
  // Under a filter, only steps with a matching group are listed: 64 steps that each open on "No group
  // matches" hide the few that do. A text filter asks the index one step's rowid range at a time.
  const filter = range.filter ?? {};
  const f = groupFilterSql(store, filter, { text: false });
  if (filter.text) {
    const ids = stepsMatchingText(store, stepRanges(store, where, params), filter.text, filter.allTurns ?? false, f);
    where += ' AND id IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(ids));
  } else if (f.where.length) {
    where += ` AND EXISTS (SELECT 1 FROM groups g WHERE g.step_id = steps.id AND ${f.where.join(' AND ')})`;
    params.push(...f.params);
  }
  const total = store.db
    .prepare(`SELECT COUNT(*) FROM steps WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  const stored = store.db
    .prepare(
      `SELECT id, dirty, split, step, samples, groups, reward_mean, reward_std, mean_length, length_unit, stats,
              (SELECT group_concat(DISTINCT a.kind) FROM alerts a
                WHERE a.run_id = steps.run_id AND a.split = steps.split AND a.step = steps.step) AS alert_kinds
         FROM steps WHERE ${where} ORDER BY split, step LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as Array<
    StoredStepStats & { id: number; dirty: number; split: Split; step: number; alert_kinds: string | null }
  >;
  const rows = withFreshStepStats(store.db, stored).map((r) => {
    const extra = (r.stats ? JSON.parse(r.stats) : {}) as Partial<ExtraStats>;
    return {
      split: r.split,
      step: r.step,
      samples: r.samples,
      groups: r.groups,
      reward_mean: r.reward_mean,
      reward_std: r.reward_std,
      mean_length: r.mean_length,
      length_unit: (r.length_unit ?? 'chars') as StepRow['length_unit'],
      effective_gradient_ratio: extra.effective_gradient_ratio ?? null,
      clip_ratio: extra.clip_ratio ?? null,
      reflection_share: extra.reflection?.share_responses ?? null,
      alert_kinds: r.alert_kinds,
    };
  });
  return {
    total,
    offset,
    rows: rows.map(({ alert_kinds, ...r }) => ({
      ...r,
      alerts: ALERT_KINDS.filter((k) => alert_kinds?.split(',').includes(k)),
    })),
  };
}

/**
 * A group filter as SQL conditions on `groups g`, with their parameters in order. With `text: false`
 * the text filter is left to the caller, which asks the index one step's rowid range at a time.
 */
export function groupFilterSql(store: Store, f: GroupFilter, opts: { text?: boolean } = {}): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.degenerate !== undefined) where.push(f.degenerate ? 'g.reward_min = g.reward_max' : 'g.reward_min <> g.reward_max');
  if (f.truncated) where.push('g.truncated_n > 0');
  if (f.reflects) where.push('g.reflect_n > 0');
  if (f.tools) where.push('g.tool_n > 0');
  if (f.filtered) where.push('g.filtered_n > 0');
  if (f.hardToGround) {
    where.push(HARD_TO_GROUND_SQL);
    params.push(f.hardToGround.reward, f.hardToGround.spread);
  }
  if (f.text && opts.text !== false) {
    const textIds = matchingSampleIds(store, f.text, f.allTurns);
    where.push('EXISTS (SELECT 1 FROM samples s WHERE s.group_id = g.id AND s.id IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify([...textIds]));
  }
  if (f.label !== undefined) where.push(labelledGroupSql(params, f.label));
  return { where, params };
}

/**
 * A step's groups, or with no `step` every group of the run (of one split when given), ranked across
 * the run; rows then say their step.
 */
export function listGroups(
  store: Store,
  ref: { run: string; split?: Split | undefined; step?: number | undefined },
  opts: { offset: number; limit: number; sort?: GroupSort; descending?: boolean; filter?: GroupFilter },
): Page<GroupRow> {
  const filter = opts.filter ?? {};
  const f = groupFilterSql(store, filter, { text: false });
  // The steps in scope, as a condition on `steps`; groups are those of these steps.
  const steps =
    ref.step !== undefined
      ? { where: 'id = ?', params: [stepId(store, ref.run, ref.split ?? 'train', ref.step)] }
      : { where: 'run_id = ? AND (? IS NULL OR split = ?)', params: [store.requireRun(ref.run).id, ref.split ?? null, ref.split ?? null] };
  const scope =
    ref.step !== undefined
      ? { where: 'g.step_id = ?', params: steps.params }
      : { where: `g.step_id IN (SELECT id FROM steps WHERE ${steps.where})`, params: steps.params };
  if (filter.text) {
    // One step's matches for a step's page; across the run, every step's in turn.
    const ids = groupsMatchingText(store, stepRanges(store, steps.where, steps.params), filter.text, filter.allTurns ?? false);
    f.where.push('g.id IN (SELECT value FROM json_each(?))');
    f.params.push(JSON.stringify(ids));
  }
  const params: unknown[] = [...scope.params, ...f.params];
  const whereSql = [scope.where, ...f.where].join(' AND ');
  const total = store.db
    .prepare(`SELECT COUNT(*) FROM groups g WHERE ${whereSql}`)
    .pluck()
    .get(...params) as number;
  const order = `${GROUP_ORDER[opts.sort ?? 'group']} ${opts.descending ? 'DESC' : 'ASC'}, st.split, st.step, g.uid`;
  const rows = store.db
    .prepare(
      `SELECT g.uid, g.size, g.reward_sum, g.reward_sumsq, g.reward_min, g.reward_max, g.success_n,
              g.truncated_n, g.reflect_n, g.tool_n, g.judged_n, g.verdict_sum, g.filtered_n, substr(p.text, max(1, length(p.text) - 400)) AS prompt_tail,
              st.split, st.step
         FROM groups g JOIN prompts p ON p.id = g.prompt_id JOIN steps st ON st.id = g.step_id
        WHERE ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...params, opts.limit, opts.offset) as Array<{
    uid: string;
    size: number;
    reward_sum: number;
    reward_sumsq: number;
    reward_min: number | null;
    reward_max: number | null;
    success_n: number;
    truncated_n: number;
    reflect_n: number;
    tool_n: number;
    judged_n: number;
    verdict_sum: number;
    filtered_n: number;
    prompt_tail: string;
    split: Split;
    step: number;
  }>;
  const labelsOf = groupLabelTags(store, ref.run, ref.step);
  return {
    total,
    offset: opts.offset,
    rows: rows.map((g) => {
      const mean = g.size ? g.reward_sum / g.size : null;
      const variance = g.size > 1 ? Math.max(0, (g.reward_sumsq - g.size * mean! * mean!) / (g.size - 1)) : null;
      return {
        group: g.uid,
        ...(ref.step === undefined ? { split: g.split, step: g.step } : {}),
        size: g.size,
        reward_mean: mean,
        // Running sums leave ~1e-8 of rounding where all rewards are equal: that is 0 (docs/algorithms.md#noise).
        reward_std: variance === null ? null : denoise(Math.sqrt(variance), Math.sqrt(g.reward_sumsq / g.size)),
        reward_min: g.reward_min,
        reward_max: g.reward_max,
        solve_rate: g.size ? g.success_n / g.size : null,
        degenerate: g.judged_n === 0 && g.reward_min === g.reward_max,
        truncated: g.truncated_n,
        reflecting: g.reflect_n,
        tool_use: g.tool_n,
        ...(g.judged_n > 0 ? { brpo: brpoOfGroup(g.verdict_sum, g.size) } : {}),
        ...(g.filtered_n > 0 ? { filtered_out: g.filtered_n } : {}),
        // The end of a prompt (the question) says more than its start (a system prompt).
        prompt_preview: preview(promptQuestion(g.prompt_tail)),
        ...labelsOf(g.split, g.step, g.uid),
      };
    }),
  };
}

const SAMPLE_ORDER: Record<SampleSort, (r: SampleRow) => number> = {
  index: (r) => r.index,
  reward: (r) => r.reward,
  advantage: (r) => r.advantage,
  length: (r) => r.length,
};

/** The columns of a sample row the lists show. */
export interface ListedSample {
  id: number;
  idx: number;
  reward: number;
  advantage: number | null;
  correct: number | null;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
  response: string;
  turns: string | null;
  components: string | null;
  /** The trainer's mark (1 trained, 0 filtered out, null not known) and the reason the sample itself gives; absent: not read. */
  trained?: number | null;
  filter_reason?: string | null;
}

/** The success threshold of the run `ref` names (null when none is set). */
export function runThreshold(store: Store, run: string): number | null {
  return runSuccessRule(store.db, store.requireRun(run).id).threshold;
}

/** A group's samples (G is small: sorting and filtering happen after one indexed read). */
export function listSamples(
  store: Store,
  ref: GroupRef,
  opts: { sort?: SampleSort; descending?: boolean; filter?: SampleFilter; reflection?: ReflectionMatcher } = {},
): SampleRow[] {
  const gid = requireGroupId(store, ref);
  const raw = store.db
    .prepare(
      `SELECT id, idx, reward, advantage, correct, finish_reason, length_tokens, length_chars, response, turns, components,
              trained, filter_reason
         FROM samples WHERE group_id = ? ORDER BY idx`,
    )
    .all(gid) as ListedSample[];
  const f = opts.filter ?? {};
  const text = f.text ? samplesMatchingText(store, gid, f.text, f.allTurns ?? false) : undefined;
  const listed = sampleRowsOf(ref, raw, runThreshold(store, ref.run), opts.reflection);
  const kept = listed.filter(
    (row, i) =>
      (!f.truncated || row.finish_reason === 'length') &&
      (!f.reflects || (row.reflection_count ?? 0) > 0) &&
      (!f.filtered || row.filtered !== undefined) &&
      (!text || text.has(raw[i]!.id)),
  );
  const rows = labelSampleRows(store, ref, kept, f.label);
  const key = SAMPLE_ORDER[opts.sort ?? 'index'];
  const sign = opts.descending ? -1 : 1;
  return rows.sort((a, b) => sign * (key(a) - key(b)) || a.index - b.index);
}

/**
 * A group's rows (all of them, in index order) as the lists show them: the logged advantage, else
 * GRPO's over the whole group; reflections counted with the keywords configured now.
 */
export function sampleRowsOf(
  ref: GroupRef,
  raw: readonly ListedSample[],
  threshold: number | null,
  reflection?: ReflectionMatcher,
): SampleRow[] {
  const matcher = reflection ?? reflectionMatcher();
  const grpo = raw.length
    ? grpoAdvantages(
        ref.group,
        raw.map((r) => r.reward),
      ).advantages
    : [];
  const why = filterReasons(raw);
  return raw.map((r, i) => ({
    ...(why[i] !== undefined ? { filtered: why[i] } : {}),
    index: r.idx,
    reward: r.reward,
    advantage: r.advantage ?? grpo[i]!,
    advantage_source: r.advantage === null ? 'grpo' : 'logged',
    correct: r.correct === null ? null : r.correct === 1,
    success: sampleSuccess(r, threshold),
    finish_reason: r.finish_reason,
    length: r.length_tokens ?? r.length_chars,
    length_unit: r.length_tokens === null ? 'chars' : 'tokens',
    // Counted here for the G samples on screen, with the keywords configured now.
    reflection_count: matcher.count(policyText(r.response, r.turns)),
    preview: preview(r.response.slice(0, 400)),
  }));
}

export function getSample(store: Store, ref: SampleRef, reflection: ReflectionMatcher = reflectionMatcher()): SampleDetail {
  const gid = requireGroupId(store, ref);
  const row = store.db
    .prepare(
      `SELECT s.*, p.text AS prompt FROM samples s JOIN groups g ON g.id = s.group_id JOIN prompts p ON p.id = g.prompt_id
        WHERE s.group_id = ? AND s.idx = ?`,
    )
    .get(gid, ref.index) as Record<string, unknown> | undefined;
  if (!row) throw new LensError(ErrorCode.NotFound, `group ${JSON.stringify(ref.group)} of step ${ref.step} has no sample ${ref.index}`);
  const rewards = store.db.prepare('SELECT reward FROM samples WHERE group_id = ? ORDER BY idx').pluck().all(gid) as number[];
  const idxs = store.db.prepare('SELECT idx FROM samples WHERE group_id = ? ORDER BY idx').pluck().all(gid) as number[];
  const grpo = grpoAdvantages(ref.group, rewards).advantages[idxs.indexOf(ref.index)]!;
  const json = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
  const turns = json<Turn[]>(row['turns']);
  const detail: SampleDetail = {
    ...ref,
    prompt: row['prompt'] as string,
    response: row['response'] as string,
    reward: row['reward'] as number,
    advantage: (row['advantage'] as number | null) ?? grpo,
    advantage_source: row['advantage'] === null ? 'grpo' : 'logged',
    components: json(row['components']),
    rationale: json(row['rationale']),
    ground_truth: row['ground_truth'] as string | null,
    correct: row['correct'] === null ? null : row['correct'] === 1,
    success: sampleSuccess(
      { reward: row['reward'] as number, correct: row['correct'] as number | null, components: row['components'] as string | null },
      runThreshold(store, ref.run),
    ),
    finish_reason: row['finish_reason'] as string | null,
    length_tokens: row['length_tokens'] as number | null,
    length_chars: row['length_chars'] as number,
    reflection_count: null,
    reflection_hits: turns ? insideTrained(reflection.hits(row['response'] as string), turns) : reflection.hits(row['response'] as string),
    data_source: row['data_source'] as string | null,
    has_token_ids: decodeInt32(row['response_ids'] as Buffer | null) !== undefined,
    meta: json(row['meta']),
    turns: turns ? describeTurns(turns, json<string[]>(row['response_tokens'])) : null,
  };
  detail.reflection_count = detail.reflection_hits.length;
  return detail;
}

/** The group's samples with their full responses (G is small), for choosing what to compare. */
export function groupResponses(store: Store, ref: GroupRef): Array<{ index: number; reward: number; response: string }> {
  return store.db
    .prepare('SELECT idx AS "index", reward, response FROM samples WHERE group_id = ? ORDER BY idx')
    .all(requireGroupId(store, ref)) as Array<{ index: number; reward: number; response: string }>;
}
