// ROLL `rollout_dump_dir` dumps (docs/formats.md#roll): `rollout_dump_data.step_{N}.jsonl`, one line per
// step holding a dict of equal-length lists. The RLVR pipeline writes the dataset's columns beside
// `responses` and `scores`; the agentic pipeline writes each trajectory's `trajectory_data` and
// `messages` as JSON strings, which become the sample's turns.
import * as path from 'node:path';
import type { Grouping, Split, Turn } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { columnarRows, describe, isFiniteNumber, isStep, parseObjectLine, type JsonObject } from './jsonLine';
import { promptUid } from './verlFormat';

/** `rollout_dump_data.step_12.jsonl` → 12. */
export function rollStepFromFileName(name: string): number | undefined {
  const m = /^rollout_dump_data\.step_(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** RLVR columns that are not kept in `meta`: mapped to fields, or the same sampling settings on every row. */
const RLVR_MAPPED = new Set([
  'global_step',
  'id',
  'prompt',
  'messages',
  'responses',
  'scores',
  'ground_truth',
  'source',
  'sampling_params',
]);

interface Message {
  role: string;
  text: string;
}

function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return c === null || c === undefined ? '' : JSON.stringify(c);
  return c
    .map((p) => (p && typeof p === 'object' && typeof (p as JsonObject)['text'] === 'string' ? (p as JsonObject)['text'] : ''))
    .join('');
}

/** A chat message list, given as a list or as its JSON text; ROLL's agentic dump nests it in one more list. */
function messagesOf(v: unknown): Message[] | undefined {
  let m = v;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m) as unknown;
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(m) && m.length > 0 && m.every((x) => Array.isArray(x))) m = m[m.length - 1];
  if (!Array.isArray(m)) return undefined;
  const out: Message[] = [];
  for (const x of m) {
    if (!x || typeof x !== 'object' || typeof (x as JsonObject)['role'] !== 'string') return undefined;
    out.push({ role: (x as JsonObject)['role'] as string, text: contentText((x as JsonObject)['content']) });
  }
  return out;
}

const render = (ms: readonly Message[]): string => ms.map((m) => `${m.role}: ${m.text}`).join('\n\n');
const TURN_ROLE: Record<string, Turn['role']> = { assistant: 'assistant', tool: 'tool', user: 'user' };

function textOf(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Numbers each group's rows in line order: the identity of a sample is (step, group, index). */
class Indexer {
  private readonly next = new Map<string, number>();
  take(step: number, group: string): number {
    const k = `${step}\u0000${group}`;
    const i = this.next.get(k) ?? 0;
    this.next.set(k, i + 1);
    return i;
  }
}

function rlvrRows(o: JsonObject, n: number, split: Split, fileStep: number | undefined): ParsedRecord {
  const col = (k: string): unknown[] | undefined => (Array.isArray(o[k]) ? (o[k] as unknown[]) : undefined);
  const extra = Object.keys(o).filter((k) => !RLVR_MAPPED.has(k) && Array.isArray(o[k]));
  const samples: SampleRecord[] = [];
  const problems: string[] = [];
  const index = new Indexer();
  let grouping: Grouping = 'id';
  for (let i = 0; i < n; i++) {
    const step = col('global_step')?.[i] ?? fileStep;
    const fromMessages = col('messages') ? messagesOf(col('messages')![i]) : undefined;
    const prompt = typeof col('prompt')?.[i] === 'string' ? (col('prompt')![i] as string) : fromMessages && render(fromMessages);
    const response = col('responses')![i];
    const score = col('scores')![i];
    const bad = !isStep(step)
      ? `"global_step" holds ${describe(step)}`
      : prompt === undefined
        ? 'no "prompt" text or "messages" list'
        : typeof response !== 'string'
          ? `"responses" holds ${describe(response)}`
          : !isFiniteNumber(score)
            ? `"scores" holds ${describe(score)}`
            : undefined;
    if (bad !== undefined || !isStep(step) || prompt === undefined || typeof response !== 'string' || !isFiniteNumber(score)) {
      problems.push(`row ${i}: ${bad}; row skipped`);
      continue;
    }
    const id = col('id')?.[i];
    const hasId = (typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id));
    if (!hasId) grouping = 'prompt-text';
    // The group and index are set once every row's id and prompt are known (below).
    const rec: SampleRecord = { split, step, group: hasId ? String(id) : '', index: 0, prompt, response, reward: score };
    const gt = textOf(col('ground_truth')?.[i]);
    if (gt !== undefined) rec.groundTruth = gt;
    const source = col('source')?.[i];
    if (typeof source === 'string' && source !== '') rec.dataSource = source;
    const meta: JsonObject = {};
    for (const k of extra) {
      const v = col(k)![i];
      if (v !== null && v !== undefined && v !== '') meta[k] = v;
    }
    if (Object.keys(meta).length) rec.meta = meta;
    samples.push(rec);
  }
  // A dataset id names one prompt; one that names several in a step (two data sources numbering
  // their rows alike) is split by prompt, so their samples never share a group.
  const prompts = new Map<string, Set<string>>();
  const idKey = (r: SampleRecord): string => `${r.step}:${r.group}`;
  for (const r of samples) {
    if (r.group === '') continue;
    const seen = prompts.get(idKey(r)) ?? new Set<string>();
    prompts.set(idKey(r), seen.add(r.prompt));
  }
  for (const r of samples) {
    if (r.group === '') r.group = promptUid(r.prompt);
    else if (prompts.get(idKey(r))!.size > 1) r.group = `${r.group}-${promptUid(r.prompt).slice(0, 8)}`;
    r.index = index.take(r.step, r.group);
  }
  return { kind: 'samples', samples, grouping, problems };
}

const obj = (v: unknown): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});

function agenticRows(o: JsonObject, n: number, split: Split, fileStep: number | undefined): ParsedRecord {
  const col = (k: string): unknown[] | undefined => (Array.isArray(o[k]) ? (o[k] as unknown[]) : undefined);
  const samples: SampleRecord[] = [];
  const problems: string[] = [];
  const index = new Indexer();
  let grouping: Grouping = 'id';
  for (let i = 0; i < n; i++) {
    const step = col('global_step')?.[i] ?? fileStep;
    let td: unknown;
    try {
      td = JSON.parse(String(col('trajectory_data')![i]));
    } catch {
      td = undefined;
    }
    const msgs = messagesOf(col('messages')?.[i] ?? obj(td)['messages']);
    const reward = obj(obj(td)['reward_info'])['episode_reward'];
    const bad = !isStep(step)
      ? `"global_step" holds ${describe(step)}`
      : !td || typeof td !== 'object'
        ? '"trajectory_data" is not a JSON object'
        : !msgs
          ? '"messages" is not a JSON message list'
          : !isFiniteNumber(reward)
            ? `"trajectory_data".reward_info.episode_reward is ${describe(reward)}`
            : undefined;
    if (bad !== undefined || !isStep(step) || !msgs || !isFiniteNumber(reward)) {
      problems.push(`row ${i}: ${bad}; row skipped`);
      continue;
    }
    const t = obj(td);
    const env = obj(t['env_info']);
    // The prompt is what the model saw before its first answer; from there on every message is a turn.
    const first = msgs.findIndex((m) => m.role === 'assistant');
    const promptMsgs = first < 0 ? msgs : msgs.slice(0, first);
    const turns: Turn[] = (first < 0 ? [] : msgs.slice(first)).map((m) => ({
      role: TURN_ROLE[m.role] ?? 'environment',
      content: m.text,
      trained: m.role === 'assistant',
    }));
    const prompt = render(promptMsgs);
    // ROLL's traj_group_id (agent_native_env_manager.py): the rollouts of one GRPO group share it.
    const hasGroup = env['group_id'] !== undefined && env['group_id'] !== null;
    if (!hasGroup) grouping = 'prompt-text';
    const group = hasGroup
      ? [env['tag'], env['group_id'], env['episode_id'], env['seed']].map((x) => String(x ?? '')).join('_')
      : promptUid(prompt);
    const rec: SampleRecord = {
      split: env['mode'] === 'val' ? 'val' : split,
      step,
      group,
      index: index.take(step, group),
      prompt,
      response: turns.map((x) => x.content).join(''),
      reward,
    };
    if (turns.length) rec.turns = turns;
    const why = obj(t['failure_info'])['stop_reason'] ?? t['finish_reason'];
    if (typeof why === 'string' && why !== '') rec.finishReason = why;
    if (typeof env['tag'] === 'string') rec.dataSource = env['tag'];
    const meta: JsonObject = {};
    for (const [k, v] of [
      ['trajectory_id', t['trajectory_id']],
      ['env_id', env['env_id']],
      ['step_rewards', obj(t['reward_info'])['step_rewards']],
      ['exp_name', col('exp_name')?.[i]],
    ] as const) {
      if (v !== undefined && v !== null) meta[k] = v;
    }
    if (Object.keys(meta).length) rec.meta = meta;
    samples.push(rec);
  }
  return { kind: 'samples', samples, grouping, problems };
}

export function parseRollLine(text: string, split: Split, fileStep: number | undefined): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  const n = columnarRows(o);
  if (typeof n === 'string') return { kind: 'error', message: n };
  if (Array.isArray(o['trajectory_data'])) return agenticRows(o, n, split, fileStep);
  for (const k of ['responses', 'scores']) {
    if (!Array.isArray(o[k])) return { kind: 'error', message: `"${k}" must be a list, got ${describe(o[k])}` };
  }
  return rlvrRows(o, n, split, fileStep);
}

export const rollRollouts: LineFormat<'roll', 'rollouts'> = {
  id: 'roll',
  kind: 'rollouts',
  reads: 'lines',
  // One step per line, every field a list: RLVR's responses and scores, or agentic trajectories.
  matches: (o) =>
    Array.isArray(o['global_step']) &&
    ((Array.isArray(o['responses']) && Array.isArray(o['scores'])) || Array.isArray(o['trajectory_data'])),
  parser: ({ file, split }) => {
    const step = rollStepFromFileName(path.basename(file));
    return { parse: (t) => parseRollLine(t, split, step) };
  },
  longLineNames: (name) => rollStepFromFileName(name) !== undefined,
};
