// NeMo-RL GRPO dumps (docs/formats.md#nemo-rl): {log_dir}/train_data_step{N}.jsonl and val_data_step{N}.jsonl,
// written by Logger.log_batched_dict_as_jsonl as batch-of-1 slices: every value is wrapped in a
// one-element list, plus the row number `idx`. There is no group id: GRPO repeats each prompt
// num_generations_per_prompt times in a row, so a group is a contiguous block.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Split, Turn } from '../../shared/rollout';
import type { LineParser } from './batchParser';
import type { LineFormat } from './formats';
import type { ParsedRecord, SampleRecord } from './records';
import { describe, isStep, parseObjectLine, type JsonObject } from './jsonLine';

/** `train_data_step12.jsonl` → train 12; `val_data_step3.jsonl` → val 3. */
export function nemoFileStep(file: string): { split: Split; step: number } | undefined {
  const m = /^(train|val)_data_step(\d+)\.jsonl$/.exec(path.basename(file));
  return m ? { split: m[1] === 'val' ? 'val' : 'train', step: Number(m[2]) } : undefined;
}

/** The one element of a batch-of-1 slice (absent stays absent). */
function one(o: JsonObject, key: string): unknown {
  const v = o[key];
  return Array.isArray(v) && v.length === 1 ? v[0] : v === undefined ? undefined : { bad: v };
}

function isBad(v: unknown): v is { bad: unknown } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'bad' in v;
}

function tokenArray(o: JsonObject, key: string, n: number, integers: boolean): number[] | undefined | string {
  const v = one(o, key);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return `"${key}" must be a one-element list holding a list of numbers, got ${describe(isBad(v) ? v.bad : v)}`;
  if (v.length < n) return `"${key}" has ${v.length} entries but input_lengths says ${n} tokens`;
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (integers && !Number.isInteger(x))) return `"${key}"[${i}] is ${describe(x)}`;
  }
  return v.slice(0, n) as number[];
}

interface Row {
  sample: SampleRecord;
  /** What identifies the prompt: its token ids when logged, else its text. */
  promptKey: string;
  idx: number;
}

/** Parses one row without its group: the caller places it in a block. */
export function parseNemoRow(o: JsonObject, split: Split, step: number): Row | string {
  const content = one(o, 'content');
  if (!Array.isArray(content) || content.length === 0)
    return `"content" must be a one-element list holding the messages, got ${describe(o['content'])}`;
  const reward = one(o, 'rewards');
  if (typeof reward !== 'number' || !Number.isFinite(reward))
    return `"rewards" must be a one-element list holding a finite number, got ${describe(o['rewards'])}`;
  const idx = o['idx'];
  if (!isStep(idx)) return `"idx" must be an integer ≥ 0, got ${describe(idx)}`;
  // Training rows hold bare contents; validation rows hold {role, content} messages.
  const msgs: Array<{ role: string | null; text: string }> = [];
  for (const m of content) {
    if (typeof m === 'string') msgs.push({ role: null, text: m });
    else if (m && typeof m === 'object' && typeof (m as JsonObject)['content'] === 'string') {
      const role = (m as JsonObject)['role'];
      msgs.push({
        role: typeof role === 'string' ? role : null,
        text: (m as JsonObject)['content'] as string,
      });
    } else return `"content" holds ${describe(m)}, not a message`;
  }
  const n = one(o, 'input_lengths');
  let ids: number[] | undefined;
  let mask: number[] | undefined;
  if (n !== undefined) {
    if (!isStep(n)) return `"input_lengths" must be a one-element list holding an integer, got ${describe(o['input_lengths'])}`;
    const t = tokenArray(o, 'token_ids', n, true);
    if (typeof t === 'string') return t;
    const m = tokenArray(o, 'token_loss_mask', n, true);
    if (typeof m === 'string') return m;
    ids = t;
    mask = m;
  }
  const first = mask ? mask.indexOf(1) : -1;
  // How many trailing messages are the response: with roles, from the first assistant message;
  // without, each trained span of the token mask is one assistant message and the untrained spans
  // between them are environment messages.
  let responseCount = 0;
  if (msgs.some((m) => m.role !== null)) {
    const a = msgs.findIndex((m) => m.role === 'assistant');
    responseCount = a < 0 ? 0 : msgs.length - a;
  } else if (mask && first >= 0) {
    let spans = 0;
    for (let i = first; i < mask.length; i++) if (mask[i] === 1 && (i === first || mask[i - 1] !== 1)) spans++;
    responseCount = Math.min(msgs.length - 1, 2 * spans - (mask[mask.length - 1] === 1 ? 1 : 0));
  } else responseCount = Math.min(1, msgs.length - 1);
  const promptMsgs = msgs.slice(0, msgs.length - responseCount);
  const responseMsgs = msgs.slice(msgs.length - responseCount);
  const prompt = promptMsgs.map((m) => m.text).join('');
  const rec: SampleRecord = {
    split,
    step,
    group: '',
    prompt,
    response: responseMsgs.map((m) => m.text).join(''),
    reward,
  };
  if (responseMsgs.length > 1) {
    rec.turns = responseMsgs.map((m, i): Turn => {
      const assistant = m.role !== null ? m.role === 'assistant' : i % 2 === 0;
      return {
        role: assistant ? 'assistant' : m.role === 'tool' ? 'tool' : m.role === 'user' ? 'user' : 'environment',
        content: m.text,
        trained: assistant,
      };
    });
  }
  if (ids && mask && first >= 0) {
    rec.responseIds = ids.slice(first);
    const len = ids.length;
    const gen = tokenArray(o, 'generation_logprobs', len, false);
    const prev = tokenArray(o, 'prev_logprobs', len, false);
    const adv = tokenArray(o, 'advantages', len, false);
    for (const v of [gen, prev, adv]) if (typeof v === 'string') return v;
    const m = mask;
    // Tokens the sampler did not generate (environment messages) have no sampler logprob.
    if (Array.isArray(gen)) rec.logprobs = gen.slice(first).map((x, i) => (m[first + i] === 1 ? x : Number.NaN));
    if (Array.isArray(prev)) rec.trainLogprobs = prev.slice(first);
    if (Array.isArray(adv)) {
      rec.tokenAdvantages = adv.slice(first);
      rec.advantage = adv[first]!;
    }
  }
  const meta: JsonObject = { idx };
  const sampleMask = one(o, 'sample_loss_mask');
  if (typeof sampleMask === 'number') meta['sample_loss_mask'] = sampleMask;
  for (const k of ['filtered_rewards', 'agent_ref']) {
    const v = one(o, k);
    if (v !== undefined) meta[k] = v;
  }
  rec.meta = meta;
  const promptKey = createHash('sha1')
    .update(ids && first >= 0 ? ids.slice(0, first).join(',') : `text:${prompt}`)
    .digest('hex')
    .slice(0, 12);
  return { sample: rec, promptKey, idx };
}

interface BlockState {
  key: string | null;
  block: number;
  index: number;
}

/**
 * Places rows in groups. With the group size known, row `idx` is in block ⌊idx / size⌋; without it,
 * a new block starts where the prompt changes. The block state is saved with the file's cursor.
 */
export class NemoParser implements LineParser {
  private st: BlockState = { key: null, block: -1, index: 0 };
  private readonly where: { split: Split; step: number } | undefined;

  constructor(
    file: string,
    private readonly split: Split,
    saved: string | null,
    private readonly groupSize?: number,
  ) {
    this.where = nemoFileStep(file);
    if (saved) {
      try {
        const s = JSON.parse(saved) as Partial<BlockState>;
        if (typeof s.block === 'number' && typeof s.index === 'number')
          this.st = { key: typeof s.key === 'string' ? s.key : null, block: s.block, index: s.index };
      } catch {
        // An unreadable state restarts the numbering; stored rows still dedupe by identity.
      }
    }
  }

  parse(text: string): ParsedRecord {
    if (text.trim() === '') return { kind: 'skip' };
    const o = parseObjectLine(text);
    if (typeof o === 'string') return { kind: 'error', message: o };
    if (!this.where)
      return {
        kind: 'error',
        message: 'not a NeMo-RL dump name: expected train_data_step{N}.jsonl or val_data_step{N}.jsonl',
      };
    const row = parseNemoRow(o, this.where.split === 'val' ? 'val' : this.split, this.where.step);
    if (typeof row === 'string') return { kind: 'error', message: row };
    const s = row.sample;
    if (this.groupSize) {
      const block = Math.floor(row.idx / this.groupSize);
      s.group = `b${block}`;
      s.index = row.idx % this.groupSize;
    } else {
      if (row.promptKey !== this.st.key) this.st = { key: row.promptKey, block: this.st.block + 1, index: 0 };
      s.group = `b${this.st.block}-${row.promptKey.slice(0, 8)}`;
      s.index = this.st.index++;
    }
    return { kind: 'sample', sample: s, grouping: 'contiguous' };
  }

  state(): string {
    return JSON.stringify(this.st);
  }
}

export const nemoRlRollouts: LineFormat<'nemo-rl', 'rollouts'> = {
  id: 'nemo-rl',
  kind: 'rollouts',
  reads: 'lines',
  // NeMo-RL Logger.log_batched_dict_as_jsonl: batch-of-1 slices plus the row number
  matches: (o) => 'content' in o && 'rewards' in o && 'idx' in o,
  parser: ({ file, split, saved, groupSize }) => new NemoParser(file, split, saved, groupSize),
};
