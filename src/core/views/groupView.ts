// The group view's data in one place: the group's rows read once (samples with their components,
// prompt, ground truth, lengths, token ids and logprob summaries), then its prefix tree and token
// statistics built from those rows. The host adds its settings; the CLI prints it (`rollout-lens group`).
import type { GroupRef } from '../../shared/explorer';
import { errorMessage } from '../../shared/errors';
import { toGroupTreeView, type GroupViewResult } from '../../shared/protocol/webviews/group';
import type { GroupTokenStats } from '../../shared/tokenSignals';
import type { GroupTree } from '../../shared/tree';
import type { ReflectionMatcher } from '../analysis/reflection';
import { requireGroupId, sampleRowsOf, type ListedSample } from '../store/reads';
import { runSuccessRule } from '../store/successStore';
import { groupMedia, type MediaRow } from './groupMedia';
import { groupTimeline, type TimelineRow } from './groupTimeline';
import { groupGame, type GameRow } from './groupGame';
import { JUDGING_COLUMNS, groupJudging, type JudgingRow } from './groupJudging';
import { describeSuccessRule } from '../../shared/success';
import { treeOfRows, type TreeOptions, type TreeRow } from '../store/groupTrees';
import type { Store } from '../store/store';
import { groupLabels } from '../store/labels';
import { TOKEN_COLUMNS, tokenStatsOf, type TokenRow } from '../store/tokenStore';

export interface GroupViewOptions extends TreeOptions {
  /** ε of the clip range for the token statistics (rolloutLens.tokens.clipEpsilon). */
  epsilon?: number;
  reflection?: ReflectionMatcher;
}

type GroupRowRead = ListedSample & TreeRow & TokenRow & MediaRow & TimelineRow & GameRow & JudgingRow & { ground_truth: string | null };

export function groupView(store: Store, ref: GroupRef, opts: GroupViewOptions = {}): GroupViewResult {
  const gid = requireGroupId(store, ref);
  const rows = store.db
    .prepare(
      `SELECT id, idx, reward, advantage, correct, finish_reason, length_tokens, length_chars, components, ground_truth,
              turns, images, boxes, video, segments, meta, trained, filter_reason, ${TOKEN_COLUMNS}, response, ${JUDGING_COLUMNS}
         FROM samples WHERE group_id = ? ORDER BY idx`,
    )
    .all(gid) as GroupRowRead[];
  const prompt = store.db
    .prepare('SELECT p.text FROM groups g JOIN prompts p ON p.id = g.prompt_id WHERE g.id = ?')
    .pluck()
    .get(gid) as string;
  const rule = runSuccessRule(store.db, store.requireRun(ref.run).id);
  const listed = sampleRowsOf(ref, rows, rule.threshold, opts.reflection);
  // A group that cannot make a tree (a reward that is not finite) still shows its samples.
  let tree: GroupTree | null = null;
  let treeError: string | null = null;
  try {
    tree = treeOfRows(ref, rows, opts);
  } catch (e) {
    treeError = errorMessage(e);
  }
  // Token statistics are an extra: the view opens without them.
  let tokens: GroupTokenStats | null = null;
  try {
    tokens = tokenStatsOf(rows, opts.epsilon);
  } catch {
    tokens = null;
  }
  const media = groupMedia(rows);
  return {
    view: {
      ref: { run: ref.run, split: ref.split, step: ref.step, group: ref.group },
      prompt,
      ground_truth: rows[0]?.ground_truth ?? null,
      success_rule: describeSuccessRule(rule.rules, rule.threshold),
      samples: listed.map((s, i) => ({ ...s, components: parseComponents(rows[i]!.components) })),
      tree: tree ? toGroupTreeView(tree) : null,
      tree_error: treeError,
      tokens,
      media,
      game: groupGame(rows, media),
      timeline: groupTimeline(rows),
      judging: groupJudging(rows),
      labels: groupLabels(store, ref),
    },
    node_texts: Object.fromEntries((tree?.nodes ?? []).map((n) => [String(n.id), n.text])),
  };
}

function parseComponents(json: string | null): Record<string, number> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, number>);
}
