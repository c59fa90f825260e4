// The native fields of rewards without a verifier (docs/native-format.md#judges-reward-models-and-preference):
// `pairwise`, `reward_models` + `length_range`, `p_reward` / `logp_reward` + `answer_offset`, `stage`.
// A bad one never costs the sample: the sample is stored without that field and the problem is
// reported on its line, so a group keeps every sample (the judge's mistakes are worth seeing).
import { STAGES, type AnswerProbability, type Pairwise, type PairwiseVote, type RewardModels, type Stage } from '../../shared/judging';
import { describe, isFiniteNumber, isStep, type JsonObject } from './jsonLine';
import type { SampleRecord } from './records';

export const JUDGING_KEYS = ['pairwise', 'reward_models', 'length_range', 'p_reward', 'logp_reward', 'answer_offset', 'stage'] as const;

type Parsed<T> = T | { problem: string };
const problem = (p: string): { problem: string } => ({ problem: p });
const isProblem = <T>(v: Parsed<T>): v is { problem: string } => typeof v === 'object' && v !== null && 'problem' in v;

function parseVote(v: unknown, at: string): Parsed<PairwiseVote> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return problem(`${at} must be an object`);
  const o = v as JsonObject;
  if (o['order'] !== 'ab' && o['order'] !== 'ba') return problem(`${at}.order must be "ab" or "ba", got ${describe(o['order'])}`);
  const win = o['win'];
  if (win !== true && win !== false && win !== null) return problem(`${at}.win must be true, false or null (a tie), got ${describe(win)}`);
  const vote: PairwiseVote = { order: o['order'], win };
  for (const key of ['score', 'against_score'] as const) {
    const x = o[key];
    if (x === undefined || x === null) continue;
    if (!isFiniteNumber(x)) return problem(`${at}.${key} must be a number, got ${describe(x)}`);
    vote[key] = x;
  }
  if (o['critique'] !== undefined && o['critique'] !== null) {
    if (typeof o['critique'] !== 'string') return problem(`${at}.critique must be a string`);
    vote.critique = o['critique'];
  }
  return vote;
}

function parsePairwise(v: unknown, index: number | undefined): Parsed<Pairwise> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return problem(`"pairwise" must be an object, got ${describe(v)}`);
  const o = v as JsonObject;
  if (o['reference'] === true) return { reference: true };
  if (!isStep(o['against']))
    return problem(`"pairwise".against (the reference's index in the group) must be an integer ≥ 0, got ${describe(o['against'])}`);
  if (o['against'] === index) return problem(`"pairwise".against names the sample itself (index ${index})`);
  if (!Array.isArray(o['votes'])) return problem(`"pairwise".votes must be an array`);
  const votes: PairwiseVote[] = [];
  for (let i = 0; i < o['votes'].length; i++) {
    const vote = parseVote(o['votes'][i], `"pairwise".votes[${i}]`);
    if (isProblem(vote)) return vote;
    votes.push(vote);
  }
  return { against: o['against'], votes };
}

function parseRewardModels(o: JsonObject, components: Record<string, number> | undefined): Parsed<RewardModels> {
  const v = o['reward_models'];
  if (!Array.isArray(v) || v.length === 0 || !v.every((m) => typeof m === 'string')) {
    return problem(`"reward_models" must be a non-empty array of component names, got ${describe(v)}`);
  }
  const missing = v.filter((m) => components?.[m] === undefined);
  if (missing.length) return problem(`"reward_models" names ${missing.map((m) => JSON.stringify(m)).join(', ')}, not in "components"`);
  const out: RewardModels = { models: v };
  const r = o['length_range'];
  if (r !== undefined && r !== null) {
    const [lo, hi] = Array.isArray(r) && r.length === 2 ? r : [];
    if (!isFiniteNumber(lo) || !isFiniteNumber(hi) || lo < 0 || lo > hi) {
      return problem(`"length_range" must be [low, high] words with 0 ≤ low ≤ high, got ${describe(r)}`);
    }
    out.length_range = [lo, hi];
  }
  return out;
}

function parseAnswer(o: JsonObject, responseLength: number): Parsed<AnswerProbability> {
  const p = o['p_reward'];
  const logp = o['logp_reward'];
  if (p !== undefined && p !== null && (!isFiniteNumber(p) || p < 0 || p > 1))
    return problem(`"p_reward" must be a probability in [0, 1], got ${describe(p)}`);
  if (logp !== undefined && logp !== null && (!isFiniteNumber(logp) || logp > 0)) {
    return problem(`"logp_reward" must be a log-probability ≤ 0 (null for no answer part), got ${describe(logp)}`);
  }
  const off = o['answer_offset'];
  if (off !== undefined && off !== null && (!isStep(off) || off > responseLength)) {
    return problem(`"answer_offset" must be a character offset in the response (0–${responseLength}), got ${describe(off)}`);
  }
  const hasP = typeof p === 'number';
  const logpValue = typeof logp === 'number' ? logp : null;
  return {
    p: hasP ? p : logpValue === null ? 0 : Math.exp(logpValue),
    logp: logpValue,
    answer_offset: typeof off === 'number' ? off : null,
  };
}

/** Reads the judging fields of a native line into `rec`; returns the problems, one per bad field. */
export function readJudgingFields(o: JsonObject, rec: SampleRecord): string[] {
  const problems: string[] = [];
  const take = <T>(v: Parsed<T>, set: (x: T) => void): void => {
    if (isProblem(v)) problems.push(`${v.problem}; stored without it`);
    else set(v);
  };
  if (o['pairwise'] !== undefined && o['pairwise'] !== null) take(parsePairwise(o['pairwise'], rec.index), (p) => (rec.pairwise = p));
  if (o['reward_models'] !== undefined && o['reward_models'] !== null)
    take(parseRewardModels(o, rec.components), (m) => (rec.rewardModels = m));
  const hasAnswer = ['p_reward', 'logp_reward'].some((k) => k in o);
  if (hasAnswer) take(parseAnswer(o, rec.response.length), (a) => (rec.answer = a));
  const stage = o['stage'];
  if (stage !== undefined && stage !== null) {
    if (typeof stage === 'string' && (STAGES as readonly string[]).includes(stage)) rec.stage = stage as Stage;
    else problems.push(`"stage" must be one of ${STAGES.join(', ')}, got ${describe(stage)}; stored without it`);
  }
  return problems;
}

/**
 * The checks that need the rest of the group, made as lines arrive within one file: every judged
 * sample of a group names the same reference and casts as many votes, in as many of each order.
 * Bounded: it forgets the oldest groups (a later mismatch there is left to the group view).
 */
export class PairwiseGroupCheck {
  private readonly groups = new Map<string, { against: number; votes: number; reference: number | null }>();

  check(rec: SampleRecord): string[] {
    const p = rec.pairwise;
    if (!p) return [];
    const key = `${rec.split}\u0000${rec.step}\u0000${rec.group}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= 4096) this.groups.delete(this.groups.keys().next().value as string);
      g = { against: -1, votes: -1, reference: null };
      this.groups.set(key, g);
    }
    const out: string[] = [];
    if ('reference' in p) {
      if (rec.index !== undefined) g.reference = rec.index;
      if (g.against >= 0 && rec.index !== undefined && g.against !== rec.index) {
        out.push(`"pairwise": sample ${rec.index} is the reference, but the group's votes name sample ${g.against}`);
      }
      return out;
    }
    const ab = p.votes.filter((v) => v.order === 'ab').length;
    if (ab * 2 !== p.votes.length)
      out.push(`"pairwise".votes: ${ab} in order ab but ${p.votes.length - ab} in order ba; BRPO judges both orders equally often`);
    if (g.votes >= 0 && g.votes !== p.votes.length)
      out.push(`"pairwise".votes: ${p.votes.length} votes, but earlier samples of the group have ${g.votes}`);
    else g.votes = p.votes.length;
    if (g.reference !== null && g.reference !== p.against)
      out.push(`"pairwise".against names sample ${p.against}, not in the group as its reference (sample ${g.reference})`);
    else if (g.against >= 0 && g.against !== p.against)
      out.push(`"pairwise".against names sample ${p.against}, but earlier samples of the group name ${g.against}`);
    else g.against = p.against;
    return out;
  }
}
