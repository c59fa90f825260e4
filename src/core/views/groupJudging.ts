// The group view's judging section from the group's rows (samples.pairwise, reward_models,
// p_reward, logp_reward, answer_offset, stage; migration 10). Checks what only the whole group can
// show: a vote naming a sample that is not in the group, and vote counts that differ.
import { countWords, isReference, type Pairwise, type RewardModels, type Stage } from '../../shared/judging';
import type { AnswerSampleView, GroupJudging, GroupPairwise, GroupRewardModels } from '../../shared/protocol/webviews/judging';

export interface JudgingRow {
  idx: number;
  components: string | null;
  response: string;
  pairwise: string | null;
  verdict: number | null;
  reward_models: string | null;
  p_reward: number | null;
  logp_reward: number | null;
  answer_offset: number | null;
  stage: string | null;
}

export const JUDGING_COLUMNS = 'pairwise, verdict, reward_models, p_reward, logp_reward, answer_offset, stage';

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}

function pairwiseOf(rows: readonly JudgingRow[]): GroupPairwise | null {
  if (!rows.some((r) => r.pairwise !== null)) return null;
  const indices = new Set(rows.map((r) => r.idx));
  const problems: string[] = [];
  let reference: number | null = null;
  const counts = new Set<number>();
  const samples = rows.map((r) => {
    const p = parse<Pairwise>(r.pairwise);
    if (isReference(p)) {
      if (reference !== null) problems.push(`samples ${reference} and ${r.idx} are both marked the reference`);
      reference ??= r.idx;
      return { index: r.idx, verdict: r.verdict, against: null, votes: [] };
    }
    if (!p) return { index: r.idx, verdict: null, against: null, votes: [] };
    if (!indices.has(p.against)) problems.push(`sample ${r.idx}'s votes name sample ${p.against}, which is not in the group`);
    counts.add(p.votes.length);
    return { index: r.idx, verdict: r.verdict, against: p.against, votes: p.votes };
  });
  for (const s of samples) {
    if (s.against !== null && reference !== null && s.against !== reference && indices.has(s.against)) {
      problems.push(`sample ${s.index}'s votes name sample ${s.against}, but the reference is sample ${reference}`);
    }
  }
  if (counts.size > 1)
    problems.push(`the judged samples cast different numbers of votes (${[...counts].sort((a, b) => a - b).join(', ')})`);
  return { reference, samples, problems };
}

function rewardModelsOf(rows: readonly JudgingRow[]): GroupRewardModels | null {
  const first = rows.find((r) => r.reward_models !== null);
  if (!first) return null;
  const models = parse<RewardModels>(first.reward_models)!.models;
  return {
    models,
    samples: rows.map((r) => {
      const rm = parse<RewardModels>(r.reward_models);
      const c = parse<Record<string, number>>(r.components) ?? {};
      return {
        index: r.idx,
        scores: Object.fromEntries(models.filter((m) => c[m] !== undefined).map((m) => [m, c[m]!])),
        words: countWords(r.response),
        length_range: rm?.length_range ?? null,
      };
    }),
  };
}

function answersOf(rows: readonly JudgingRow[]): AnswerSampleView[] | null {
  if (!rows.some((r) => r.p_reward !== null)) return null;
  return rows
    .filter((r) => r.p_reward !== null)
    .map((r) => ({ index: r.idx, p: r.p_reward!, logp: r.logp_reward, answer_offset: r.answer_offset }));
}

/** The judging part of the group view; null when no sample logged any of it. */
export function groupJudging(rows: readonly JudgingRow[]): GroupJudging | null {
  const pairwise = pairwiseOf(rows);
  const rewardModels = rewardModelsOf(rows);
  const answers = answersOf(rows);
  const staged = rows.filter((r) => r.stage !== null);
  const stages = staged.length ? Object.fromEntries(staged.map((r) => [String(r.idx), r.stage as Stage])) : null;
  if (!pairwise && !rewardModels && !answers && !stages) return null;
  return { pairwise, reward_models: rewardModels, answers, stages };
}
