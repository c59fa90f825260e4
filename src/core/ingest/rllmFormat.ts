// rLLM episode logs (docs/formats.md#rllm): with episode logging on, EpisodeLogger writes each episode
// to {episode_log_dir}/episodes/{train|val}_step_{S}_epoch_{E}/episode_hash{h}_id{episode id}.json, one
// pretty-printed JSON object per file. A file is one sample, read whole once it is complete: the
// episode id "{task_id}:{rollout index}" gives its group and index, the folder its split and step.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Split } from '../../shared/rollout';
import { splitConversation, chatText, type ChatMessage } from './chatMessages';
import { cursorFor, emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import { describe, isFiniteNumber, parseObjectLine, type JsonObject } from './jsonLine';
import type { SampleRecord } from './records';

export const RLLM_FORMAT = 'rllm';

/** EpisodeLogger.get_episode_filename: `episode_hash{8 hex}_id{episode id, ':' and '/' as '_'}.json`. */
export function isEpisodeFileName(name: string): boolean {
  return /^episode_hash[0-9a-f]+_id.+\.json$/.test(name);
}

/** `train_step_12_epoch_0` → train 12 (EpisodeLogger.get_step_dir). */
export function episodeFolderStep(file: string): { split: Split; step: number } | undefined {
  const m = /^(train|val)_step_(\d+)_epoch_\d+$/.exec(path.basename(path.dirname(file)));
  return m ? { split: m[1] === 'val' ? 'val' : 'train', step: Number(m[2]) } : undefined;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.role === b.role && a.text === b.text;
}

/** A step's chat_completions as messages: the assistant's are the policy's (trained). */
function stepMessages(cc: readonly unknown[]): ChatMessage[] {
  return cc.filter(isObject).map((m) => {
    const role = typeof m['role'] === 'string' ? m['role'] : 'environment';
    return { role, text: chatText(m), trained: role === 'assistant' };
  });
}

/**
 * A trajectory's conversation. A step's chat_completions is the context of its model call plus the
 * response; when it extends the conversation so far (Trajectory.is_cumulative) only the new messages
 * are added, else (the agent rebuilt its context) its messages after the system prompt are. A step
 * without chat_completions adds its observation and its model_response.
 */
function trajectoryMessages(steps: readonly unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let conv: ChatMessage[] = [];
  for (const s of steps) {
    if (!isObject(s)) continue;
    const cc = Array.isArray(s['chat_completions']) ? stepMessages(s['chat_completions']) : [];
    if (cc.length) {
      const extends_ = conv.length <= cc.length && conv.every((m, i) => sameMessage(m, cc[i]!));
      out.push(...(extends_ ? cc.slice(conv.length) : cc.filter((m) => m.role !== 'system')));
      conv = cc;
      continue;
    }
    const obs = s['observation'];
    if (obs !== null && obs !== undefined)
      out.push({ role: 'user', text: typeof obs === 'string' ? obs : JSON.stringify(obs), trained: false });
    const said = typeof s['model_response'] === 'string' ? s['model_response'] : '';
    out.push({ role: 'assistant', text: said, trained: true });
    conv = [];
  }
  return out;
}

/** Trajectory.reward, else its last step's reward (what rLLM's transform propagates when it is missing). */
function trajectoryReward(t: JsonObject): number | undefined {
  if (isFiniteNumber(t['reward'])) return t['reward'];
  const steps = Array.isArray(t['steps']) ? t['steps'] : [];
  const last: unknown = steps[steps.length - 1];
  return isObject(last) && isFiniteNumber(last['reward']) ? last['reward'] : undefined;
}

/** One episode file's object → its sample, or why it cannot be one. */
export function episodeSample(o: JsonObject, file: string): SampleRecord | string {
  const trajs = o['trajectories'];
  if (!Array.isArray(trajs)) return `no "trajectories" list (got ${describe(trajs)}): not an rLLM episode`;
  const id = o['episode_id'];
  const m = typeof id === 'string' ? /^([^:]*):(\d+)/.exec(id) : null;
  if (!m) return `"episode_id" must be "{task_id}:{rollout index}", got ${describe(id)}`;
  let at = episodeFolderStep(file);
  if (!at && Number.isInteger(o['training_step'])) at = { split: 'train', step: o['training_step'] as number };
  if (!at) return 'no step: the file is not in a {train|val}_step_{S}_epoch_{E} folder and has no "training_step"';
  const msgs: ChatMessage[] = [];
  const rewards: Array<{ name: string; reward: number }> = [];
  for (const [i, t] of trajs.entries()) {
    if (!isObject(t)) return `trajectories[${i}] is ${describe(t)}, not an object`;
    const r = trajectoryReward(t);
    if (r === undefined) return `trajectories[${i}] has no reward and its last step none either`;
    rewards.push({ name: typeof t['name'] === 'string' ? t['name'] : `trajectory ${i}`, reward: r });
    msgs.push(...trajectoryMessages(Array.isArray(t['steps']) ? t['steps'] : []));
  }
  if (!rewards.length) return 'the episode has no trajectories';
  const conv = splitConversation(msgs);
  const rec: SampleRecord = {
    split: at.split,
    step: at.step,
    group: m[1]!,
    index: Number(m[2]),
    prompt: conv.prompt,
    response: conv.response,
    // rLLM groups each trajectory name apart for its advantages; one sample per episode shows their mean.
    reward: rewards.reduce((n, r) => n + r.reward, 0) / rewards.length,
  };
  if (conv.turns) rec.turns = conv.turns;
  if (rewards.length > 1 && new Set(rewards.map((r) => r.name)).size === rewards.length)
    rec.components = Object.fromEntries(rewards.map((r) => [r.name, r.reward]));
  if (typeof o['is_correct'] === 'boolean') rec.correct = o['is_correct'];
  if (typeof o['termination_reason'] === 'string') rec.finishReason = o['termination_reason'];
  // The task itself is left out of meta: a coding task carries its tests, often far larger than
  // the episode, and every rollout of the task would store it again.
  const task = o['task'];
  if (isObject(task) && typeof task['ground_truth'] === 'string') rec.groundTruth = task['ground_truth'];
  if (isObject(task) && typeof task['data_source'] === 'string') rec.dataSource = task['data_source'];
  const meta: JsonObject = { episode_id: id, epoch: o['epoch'] ?? null };
  if (isObject(o['metrics']) && Object.keys(o['metrics']).length) meta['metrics'] = o['metrics'];
  meta['trajectories'] = trajs
    .filter(isObject)
    .map((t) => ({ name: t['name'] ?? null, reward: t['reward'] ?? null, num_steps: t['num_steps'] ?? null }));
  rec.meta = meta;
  return rec;
}

/**
 * One episode file. It is written in one `open("w")` … `write`, so a follow can catch it empty or
 * cut off: then it is not complete JSON and waits for the next poll (`settling`); a last read reports
 * it. Its cursor is saved only once it was read whole (stored, or its one error reported), and a
 * rewrite is read again: the sample's identity (step, group, index) stores it once.
 */
async function passEpisode(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const st = fs.statSync(file);
  const c = cursorFor(ctx, file, st, 'rollouts', RLLM_FORMAT);
  if (c.state !== null && c.size === st.size && c.mtime_ms === st.mtimeMs) return counters;
  const o = parseObjectLine(fs.readFileSync(file, 'utf8'));
  if (typeof o === 'string') {
    if (!p.settling) counters.errors.push({ line: null, message: `${o}; an episode file is read when it is complete JSON` });
    return counters;
  }
  const sample = episodeSample(o, file);
  try {
    ctx.store.write(() => {
      if (typeof sample === 'string') counters.errors.push({ line: null, message: sample });
      else if (ctx.writer.addSample(sample, c.id)) {
        counters.added++;
        counters.steps.add(`${sample.split}:${sample.step}`);
      } else counters.duplicate++;
      ctx.writer.flush();
      Object.assign(c, { size: st.size, mtime_ms: st.mtimeMs, offset: st.size, state: '{}' });
      ctx.cursors.save(c);
    });
  } catch (e) {
    ctx.writer.forgetCaches();
    throw e;
  }
  if (typeof sample !== 'string') counters.groupings = new Set(['id']);
  counters.bytes = st.size;
  await ctx.breathe();
  return counters;
}

/** rLLM `log_episodes=true` episode files, known by EpisodeLogger's file name. */
export const rllmEpisodes: WholeFileFormat<typeof RLLM_FORMAT, 'rollouts'> = {
  id: RLLM_FORMAT,
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: 'rLLM episode_hash*_id*.json', matches: isEpisodeFileName },
  pass: passEpisode,
};
