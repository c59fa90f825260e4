// ART trajectory logs (docs/formats.md#art): LocalBackend._log writes each call's trajectory groups to
// {art_path}/{project}/models/{model}/trajectories/{split}/{step:04d}.{jsonl|yaml|parquet} (three
// generations, artFiles.ts reads them), opening the file with "w": one file per step and split,
// rewritten whole. A group's position in the file is its group, a trajectory's position in the group
// its index; `messages_and_choices` holds the conversation, where Choices (the policy's sampled
// messages) are what ART trains on.
import { writeInBatches } from './batchedWrite';
import * as fs from 'node:fs';
import type { Split } from '../../shared/rollout';
import { readJsonlGroups, readParquetGroups, readYamlGroups, type GroupsRead } from './artFiles';
import { chatText, splitConversation, type ChatMessage } from './chatMessages';
import { cursorFor, emptyCounters, type PassCounters } from './filePass';
import type { WholeFileFormat, WholeFilePass } from './formats';
import { describe, isFiniteNumber, type JsonObject } from './jsonLine';
import type { SampleRecord } from './records';

export const ART_FORMAT = 'art';

/**
 * `…/trajectories/{split}/{step:04d}.{ext}` (get_trajectories_split_dir and `{iteration:04d}`): at least
 * four digits, so a verl dump's `{step}.jsonl` in a folder that happens to be named so is not taken.
 */
const PLACE = /[\\/]trajectories[\\/]([^\\/]+)[\\/](\d{4,})\.(jsonl|yaml|parquet)$/;

/** The split folder and step of an ART trajectory file, if it is one. */
export function artPlace(file: string): { splitName: string; split: Split; step: number } | undefined {
  const m = PLACE.exec(file);
  if (!m) return undefined;
  // ART names splits freely (model.log(..., split="val") by default); anything but "train" is evaluation.
  return { splitName: m[1]!, split: m[1] === 'train' ? 'train' : 'val', step: Number(m[2]) };
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A messages_and_choices entry: a Choice (it has `message`, or `finish_reason` as ART's Parquet
 * migration tests) is the policy's and trained; a plain message is context, also an assistant one
 * (a few-shot example is not trained on).
 */
function entryMessage(item: unknown, where: string): ChatMessage | string {
  if (!isObject(item)) return `${where} is ${describe(item)}, not a message or choice`;
  const choice = isObject(item['message']) || 'finish_reason' in item;
  const m = isObject(item['message']) ? item['message'] : item;
  const role = typeof m['role'] === 'string' ? m['role'] : choice ? 'assistant' : undefined;
  if (role === undefined) return `${where} has no "role"`;
  return { role, text: chatText(m), trained: choice };
}

interface Place {
  splitName: string;
  split: Split;
  step: number;
}

/** One group (a line) → its trajectories as samples, or why it cannot be read. */
export function artGroupSamples(g: JsonObject, group: number, at: Place): SampleRecord[] | string {
  const trajs = g['trajectories'];
  if (!Array.isArray(trajs)) return `no "trajectories" list (got ${describe(trajs)}): not an ART trajectory group`;
  const out: SampleRecord[] = [];
  for (const [i, t] of trajs.entries()) {
    const where = `trajectories[${i}]`;
    if (!isObject(t)) return `${where} is ${describe(t)}, not an object`;
    if (!isFiniteNumber(t['reward'])) return `${where}.reward must be a finite number, got ${describe(t['reward'])}`;
    const items = t['messages_and_choices'];
    if (!Array.isArray(items)) return `${where}.messages_and_choices must be a list, got ${describe(items)}`;
    const msgs: ChatMessage[] = [];
    for (const [k, item] of items.entries()) {
      const m = entryMessage(item, `${where}.messages_and_choices[${k}]`);
      if (typeof m === 'string') return m;
      msgs.push(m);
    }
    const conv = splitConversation(msgs);
    const rec: SampleRecord = {
      split: at.split,
      step: at.step,
      group: String(group),
      index: i,
      prompt: conv.prompt,
      response: conv.response,
      reward: t['reward'],
    };
    if (conv.turns) rec.turns = conv.turns;
    const meta: JsonObject = {};
    // ART's metrics are anything the rollout measured (not reward parts): kept as they are.
    for (const k of ['metrics', 'metadata'] as const) if (isObject(t[k]) && Object.keys(t[k]).length) meta[k] = t[k];
    if (at.splitName !== at.split) meta['split'] = at.splitName;
    if (Object.keys(meta).length) rec.meta = meta;
    out.push(rec);
  }
  return out;
}

/** A step file's groups in the generation its extension names. */
async function readGroups(file: string): Promise<GroupsRead> {
  if (file.endsWith('.parquet')) return readParquetGroups(fs.readFileSync(file));
  const text = fs.readFileSync(file, 'utf8');
  return file.endsWith('.yaml') ? readYamlGroups(text) : readJsonlGroups(text);
}

/** A file's groups as samples, and the problems, each with the line its group starts on where there is one. */
export async function artFileSamples(
  file: string,
  at: Place,
): Promise<{ samples: SampleRecord[]; errors: Array<{ line: number | null; message: string }>; cut: boolean }> {
  const read = await readGroups(file);
  const samples: SampleRecord[] = [];
  const errors: Array<{ line: number | null; message: string }> = [];
  if (read.fileError !== undefined) errors.push({ line: null, message: read.fileError });
  // A group is its position among the file's groups, also when one of them cannot be read.
  read.groups.forEach((g, i) => {
    const got = typeof g.group === 'string' ? g.group : artGroupSamples(g.group, i, at);
    if (typeof got === 'string') errors.push({ line: g.line, message: got });
    else samples.push(...got);
  });
  return { samples, errors, cut: read.cut };
}

/**
 * One step's file, read whole when its size or mtime changes. ART writes it in one `write` after
 * opening it with "w", so a follow can catch it cut off (a last JSON line or YAML text cut short, a
 * Parquet file without its footer): it then waits for the next poll (`settling`). Samples have fixed identities (step, group position,
 * trajectory position), so a re-read stores nothing twice.
 */
async function passArt(p: WholeFilePass): Promise<PassCounters> {
  const { ctx, file } = p;
  const counters = emptyCounters();
  const at = artPlace(file);
  if (!at) return counters;
  const st = fs.statSync(file);
  const c = cursorFor(ctx, file, st, 'rollouts', ART_FORMAT);
  if (c.state !== null && c.size === st.size && c.mtime_ms === st.mtimeMs) return counters;
  const read = await artFileSamples(file, at);
  if (read.cut && p.settling) return counters;
  counters.errors.push(...read.errors);
  await writeInBatches(ctx, read.samples, c.id, counters, () => {
    Object.assign(c, { size: st.size, mtime_ms: st.mtimeMs, offset: st.size, state: '{}' });
    ctx.cursors.save(c);
  });
  if (read.samples.length) counters.groupings = new Set(['id']);
  counters.bytes = st.size;
  return counters;
}

/** ART trajectory logs: `trajectories/{split}/{step}.{jsonl,yaml,parquet}`, known by that place (the files hold no step). */
export const artTrajectories: WholeFileFormat<typeof ART_FORMAT, 'rollouts'> = {
  id: ART_FORMAT,
  kind: 'rollouts',
  reads: 'whole-file',
  files: { shown: 'ART trajectories/{split}/{step}.jsonl|yaml|parquet', matches: () => false },
  placed: (file) => artPlace(file) !== undefined,
  pass: passArt,
};
