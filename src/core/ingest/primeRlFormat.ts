// prime-rl's FileMonitor episodes (docs/formats.md#prime-rl-verifiers-traces): one verifiers Episode.to_record() per line
// in rollouts/step_{N}/{train|eval}/{all|effective}/traces.jsonl. An episode carries its group id and
// traces; a trace is a message graph whose root-to-leaf paths (branches) are the training samples.
import * as path from 'node:path';
import type { ImageRef } from '../../shared/media';
import type { Split, Turn } from '../../shared/rollout';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { describe, isStep, parseObjectLine, type JsonObject } from './jsonLine';
import { parseMetricsLine } from './nativeFormat';
import { effectiveBesideAll, parseEffectiveLine } from './primeRlEffective';

interface Node {
  parent: number | null;
  role: string;
  text: string;
  sampled: boolean;
  tokenIds: number[];
  mask: boolean[];
  logprobs: number[];
  advantages: number[] | null;
  refLogprobs: number[] | null;
  /** The message's `image_url` content parts (data URIs are stored at ingest, other URLs never fetched). */
  images: ImageRef[];
}

/** `…/step_12/…` → 12. */
export function primeRlStepFromPath(file: string): number | undefined {
  for (const seg of path.dirname(file).split(/[\\/]/).reverse()) {
    const m = /^step_(\d+)$/.exec(seg);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** An OpenAI content part's image URL (`{"type": "image_url", "image_url": {"url": …}}`), if it is one. */
function imageUrlOf(p: unknown): string | undefined {
  if (!p || typeof p !== 'object' || (p as JsonObject)['type'] !== 'image_url') return undefined;
  const src = (p as JsonObject)['image_url'];
  const url = src && typeof src === 'object' ? (src as JsonObject)['url'] : src;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/**
 * A message's text: a string, or the text parts of a content list, with `[image]` where an image
 * part was (the image itself goes to the sample or turn); tool calls are shown by name.
 */
function messageText(m: JsonObject): string {
  const c = m['content'];
  let text =
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c
            .map((p) =>
              imageUrlOf(p) !== undefined
                ? '[image]'
                : p && typeof p === 'object' && typeof (p as JsonObject)['text'] === 'string'
                  ? (p as JsonObject)['text']
                  : '',
            )
            .join('')
        : '';
  const calls = m['tool_calls'];
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (call && typeof call === 'object')
        text += `[tool_call ${String((call as JsonObject)['name'])}(${String((call as JsonObject)['arguments'])})]`;
    }
  }
  return text;
}

function messageImages(m: JsonObject): ImageRef[] {
  const c = m['content'];
  if (!Array.isArray(c)) return [];
  return c.flatMap((p) => {
    const url = imageUrlOf(p);
    return url === undefined ? [] : [{ url }];
  });
}

function numbers(v: unknown, what: string, integers = false): number[] | string {
  if (!Array.isArray(v)) return `${what} must be an array of numbers, got ${describe(v)}`;
  for (const x of v)
    if (typeof x !== 'number' || !Number.isFinite(x) || (integers && !Number.isInteger(x))) return `${what} holds ${describe(x)}`;
  return v as number[];
}

function readNode(raw: unknown, where: string): Node | string {
  if (!raw || typeof raw !== 'object') return `${where} is not an object`;
  const n = raw as JsonObject;
  const msg = n['message'];
  if (!msg || typeof msg !== 'object' || typeof (msg as JsonObject)['role'] !== 'string') return `${where}.message needs a role`;
  const tokenIds = numbers(n['token_ids'] ?? [], `${where}.token_ids`, true);
  if (typeof tokenIds === 'string') return tokenIds;
  const mask = n['mask'] ?? [];
  if (!Array.isArray(mask) || !mask.every((b) => typeof b === 'boolean')) return `${where}.mask must be an array of booleans`;
  if (mask.length !== tokenIds.length) return `${where} has ${tokenIds.length} token_ids but ${mask.length} mask entries`;
  const sampledTokens = mask.filter(Boolean).length;
  const lp = numbers(n['logprobs'] ?? [], `${where}.logprobs`);
  if (typeof lp === 'string') return lp;
  if (sampledTokens > 0 && lp.length !== sampledTokens) return `${where} has ${sampledTokens} sampled tokens but ${lp.length} logprobs`;
  const perSampled = (key: string): number[] | null | string => {
    if (n[key] === undefined || n[key] === null) return null;
    const v = numbers(n[key], `${where}.${key}`);
    if (typeof v === 'string') return v;
    return v.length === sampledTokens ? v : `${where} has ${sampledTokens} sampled tokens but ${v.length} ${key}`;
  };
  const advantages = perSampled('advantages');
  if (typeof advantages === 'string') return advantages;
  const refLogprobs = perSampled('reference_logprobs');
  if (typeof refLogprobs === 'string') return refLogprobs;
  const parent = n['parent'];
  return {
    parent: typeof parent === 'number' ? parent : null,
    role: (msg as JsonObject)['role'] as string,
    text: messageText(msg as JsonObject),
    images: messageImages(msg as JsonObject),
    sampled: n['sampled'] === true,
    tokenIds,
    mask: mask as boolean[],
    logprobs: lp,
    advantages,
    refLogprobs,
  };
}

/** Root-to-leaf paths, leaves in node order (verifiers graph.leaves). */
function branches(nodes: readonly Node[]): number[][] | string {
  const hasChild = new Set(nodes.map((n) => n.parent).filter((p): p is number => p !== null));
  const out: number[][] = [];
  for (let leaf = 0; leaf < nodes.length; leaf++) {
    if (hasChild.has(leaf)) continue;
    const p: number[] = [];
    for (let id: number | null = leaf; id !== null; id = nodes[id]!.parent) {
      if (id < 0 || id >= nodes.length || p.length > nodes.length) return `node ${leaf}: its parent chain leaves the graph or loops`;
      p.push(id);
    }
    out.push(p.reverse());
  }
  return out;
}

const ROLE: Record<string, Turn['role']> = { assistant: 'assistant', tool: 'tool', user: 'user' };

/** One branch → one sample: the prompt is what precedes the first sampled message. */
function branchSample(nodes: readonly Node[], ids: readonly number[], base: Omit<SampleRecord, 'prompt' | 'response'>): SampleRecord {
  const first = ids.findIndex((i) => nodes[i]!.sampled);
  const promptNodes = first < 0 ? ids : ids.slice(0, first);
  const rest = first < 0 ? [] : ids.slice(first);
  const prompt = promptNodes.map((i) => `${nodes[i]!.role}: ${nodes[i]!.text}`).join('\n\n');
  const turns: Turn[] = rest.map((i) => ({
    role: ROLE[nodes[i]!.role] ?? 'environment',
    content: nodes[i]!.text,
    trained: nodes[i]!.sampled,
    ...(nodes[i]!.images.length ? { images: nodes[i]!.images } : {}),
  }));
  const rec: SampleRecord = { ...base, prompt, response: turns.map((t) => t.content).join('') };
  // The images of the prompt are what the model saw before answering; later ones arrive with turns.
  const seen = promptNodes.flatMap((i) => nodes[i]!.images);
  if (seen.length) rec.images = seen;
  if (rest.length > 1 || turns.some((t) => t.images)) rec.turns = turns;
  // Token arrays span the branch from its first sampled token; unsampled positions have no sampler
  // logprob (NaN = missing) and no credit (0, as verifiers spreads them).
  const ids2: number[] = [];
  const lp: number[] = [];
  const ref: number[] = [];
  const adv: number[] = [];
  let started = false;
  const anyAdv = rest.some((i) => nodes[i]!.advantages !== null);
  const anyRef = rest.some((i) => nodes[i]!.refLogprobs !== null);
  for (const i of ids) {
    const n = nodes[i]!;
    let k = 0;
    for (let t = 0; t < n.tokenIds.length; t++) {
      const sampled = n.mask[t]!;
      if (sampled) started = true;
      if (!started) continue;
      ids2.push(n.tokenIds[t]!);
      lp.push(sampled ? n.logprobs[k]! : Number.NaN);
      ref.push(sampled && n.refLogprobs ? n.refLogprobs[k]! : Number.NaN);
      adv.push(sampled && n.advantages ? n.advantages[k]! : 0);
      if (sampled) k++;
    }
  }
  if (ids2.length) {
    rec.responseIds = ids2;
    rec.logprobs = lp;
    if (anyRef) rec.refLogprobs = ref;
    if (anyAdv) {
      rec.tokenAdvantages = adv;
      // prime-rl's scalar_advantage: the mean of the non-zero token credits (0 when all are 0).
      const nz = rest.flatMap((i) => nodes[i]!.advantages ?? []).filter((a) => a !== 0);
      rec.advantage = nz.length ? nz.reduce((a, b) => a + b, 0) / nz.length : 0;
    }
  }
  return rec;
}

/**
 * Why prime-rl can never train this trace, read from the trace alone: verifiers' has_error (not
 * ok), an agent that is not trainable, or nothing sampled (orchestrator/algo/base.py iter_trainable_traces).
 */
function untrainable(trace: JsonObject, nodes: readonly Node[]): string | undefined {
  if (trace['ok'] === false) {
    const first = Array.isArray(trace['errors']) ? (trace['errors'][0] as JsonObject | undefined) : undefined;
    const what =
      first && typeof first === 'object' ? [first['type'], first['message']].filter((x) => typeof x === 'string').join(': ') : '';
    return what ? `errored (${what})` : 'errored';
  }
  const agent = trace['agent'];
  if (agent && typeof agent === 'object' && (agent as JsonObject)['trainable'] === false) return 'agent not trainable';
  if (!nodes.some((n) => n.mask.some(Boolean))) return 'no sampled tokens';
  return undefined;
}

function traceSamples(
  trace: JsonObject,
  where: string,
  base: Omit<SampleRecord, 'prompt' | 'response' | 'reward'>,
): SampleRecord[] | string {
  const rawNodes = trace['nodes'];
  if (!Array.isArray(rawNodes) || rawNodes.length === 0) return `${where} has no nodes`;
  const nodes: Node[] = [];
  for (let i = 0; i < rawNodes.length; i++) {
    const n = readNode(rawNodes[i], `${where}.nodes[${i}]`);
    if (typeof n === 'string') return n;
    nodes.push(n);
  }
  const paths = branches(nodes);
  if (typeof paths === 'string') return `${where}: ${paths}`;
  // Trace.reward: the sum of score × weight over the rewards that were scored.
  const components: Record<string, number> = {};
  const weights: Record<string, number> = {};
  let reward = 0;
  const rewards = trace['rewards'];
  if (rewards && typeof rewards === 'object') {
    for (const [name, r] of Object.entries(rewards as JsonObject)) {
      if (!r || typeof r !== 'object') continue;
      const score = (r as JsonObject)['score'];
      const weight = (r as JsonObject)['weight'] ?? 1;
      if (typeof score !== 'number' || typeof weight !== 'number') return `${where}.rewards.${name} needs a numeric score and weight`;
      components[name] = score * weight;
      weights[name] = weight;
      reward += score * weight;
    }
  }
  const meta: JsonObject = { trace_id: trace['id'] ?? null, ok: trace['ok'] ?? null };
  for (const k of ['metrics', 'stop_condition', 'errors', 'info'] as const) {
    const v = trace[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0) && !(v && typeof v === 'object' && Object.keys(v).length === 0))
      meta[k] = v;
  }
  if (Object.keys(weights).length) meta['reward_weights'] = weights;
  const agent = trace['agent'];
  if (agent && typeof agent === 'object' && typeof (agent as JsonObject)['name'] === 'string')
    meta['agent'] = (agent as JsonObject)['name'];
  const why = untrainable(trace, nodes);
  const traceId = typeof trace['id'] === 'string' && trace['id'] !== '' ? trace['id'] : undefined;
  const calls = Array.isArray(trace['calls']) ? (trace['calls'] as JsonObject[]) : [];
  const last = [...calls].reverse().find((c) => c && typeof c === 'object' && typeof c['finish_reason'] === 'string');
  return paths.map((ids) => {
    const rec = branchSample(nodes, ids, { ...base, reward, meta: { ...(base.meta ?? {}), ...meta } });
    if (Object.keys(components).length) rec.components = components;
    if (last) rec.finishReason = last['finish_reason'] as string;
    if (traceId !== undefined) rec.traceId = traceId;
    if (why !== undefined) rec.filterReason = why;
    return rec;
  });
}

/** Parses one episode line; a bad trace is left out with a message, the others are kept. */
export function parsePrimeRlLine(text: string, split: Split, pathStep: number | undefined): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  const group = o['group'];
  const groupId = group && typeof group === 'object' ? (group as JsonObject)['id'] : undefined;
  if (typeof groupId !== 'string' || groupId === '')
    return { kind: 'error', message: `"group.id" must be a non-empty string, got ${describe(groupId)}` };
  const run = o['run'] as JsonObject | undefined;
  const work = run && typeof run === 'object' ? (run['work'] as JsonObject | undefined) : undefined;
  const workStep = work && typeof work === 'object' ? work['step'] : undefined;
  // The file's step_{N} is the batch the episode landed in; run.work.step is when it was dispatched.
  const step = pathStep ?? workStep;
  if (!isStep(step))
    return {
      kind: 'error',
      message: `no step: neither a step_{N} folder nor "run.work.step" (got ${describe(workStep)})`,
    };
  const traces = o['traces'];
  const episodeId = typeof o['id'] === 'string' ? o['id'] : '?';
  if (!Array.isArray(traces) || traces.length === 0) {
    const errs = Array.isArray(o['errors'])
      ? (o['errors'] as JsonObject[]).map((e) => String(e?.['message'] ?? e?.['type'] ?? '')).filter(Boolean)
      : [];
    return {
      kind: 'error',
      message: `episode ${episodeId} has no traces (ok=${String(o['ok'])}${errs.length ? `; errors: ${errs.join('; ')}` : ''}); skipped`,
    };
  }
  const meta: JsonObject = { episode_id: episodeId };
  if (isStep(workStep)) meta['dispatch_step'] = workStep;
  const policy = work && typeof work === 'object' ? work['policy'] : undefined;
  if (policy && typeof policy === 'object') meta['policy'] = policy;
  const env = o['env'];
  const task = o['task'] as JsonObject | undefined;
  const taskData = task && typeof task === 'object' ? task['data'] : undefined;
  const answer = taskData && typeof taskData === 'object' ? (taskData as JsonObject)['answer'] : undefined;
  const base: Omit<SampleRecord, 'prompt' | 'response' | 'reward'> = { split, step, group: groupId, meta };
  if (answer !== undefined && answer !== null) base.groundTruth = typeof answer === 'string' ? answer : JSON.stringify(answer);
  if (env && typeof env === 'object' && typeof (env as JsonObject)['id'] === 'string')
    base.dataSource = (env as JsonObject)['id'] as string;
  const samples: SampleRecord[] = [];
  const problems: string[] = [];
  traces.forEach((t: unknown, i: number) => {
    if (!t || typeof t !== 'object') {
      problems.push(`episode ${episodeId}: traces[${i}] is not an object; skipped`);
      return;
    }
    const r = traceSamples(t as JsonObject, `episode ${episodeId} traces[${i}]`, base);
    if (typeof r === 'string') problems.push(`${r}; trace skipped`);
    else samples.push(...r);
  });
  return { kind: 'samples', samples, grouping: 'id', problems };
}

export function primeRlParser(file: string, split: Split): (text: string) => ParsedRecord {
  const step = primeRlStepFromPath(file);
  // effective/ beside all/ is a subset of it: read for which rollouts were trained on, not stored twice.
  if (effectiveBesideAll(file)) return (t) => parseEffectiveLine(t, split, step);
  return (t) => parsePrimeRlLine(t, split, step);
}

export const primeRlRollouts: LineFormat<'prime-rl', 'rollouts'> = {
  id: 'prime-rl',
  kind: 'rollouts',
  reads: 'lines',
  // verifiers Episode.to_record() (prime-rl's FileMonitor)
  matches: (o) => 'traces' in o && 'task' in o && ('group' in o || 'run' in o || 'ok' in o),
  parser: ({ file, split }) => ({ parse: primeRlParser(file, split) }),
};

/** The FileMonitor's metrics.jsonl: `{"step": N, "time": t, ...metrics}`. */
export const primeRlMetrics: LineFormat<'prime-rl-metrics', 'metrics'> = {
  id: 'prime-rl-metrics',
  kind: 'metrics',
  reads: 'lines',
  matches: (o) => 'step' in o && 'time' in o,
  parser: () => ({ parse: parseMetricsLine }),
};
