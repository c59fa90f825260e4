// Reading the three generations of ART's step files (docs/formats.md#art) into trajectory groups:
// JSONL (a group per line), YAML (art 0.3.x: one list of groups) and Parquet (a trajectory per row,
// `group_index` its group, zstd-compressed). Each gives the groups in file order, with the line a
// group starts on where the file has lines, and says when the file looks cut off (being written).
import { decompress } from 'fzstd';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { LineCounter, parseDocument } from 'yaml';
import { errorMessage } from '../../shared/errors';
import { describe, parseObjectLine, type JsonObject } from './jsonLine';

/** One trajectory group as ART logged it, or why it could not be read. */
export interface GroupEntry {
  /** 1-based line the group starts on, where the file has lines. */
  line: number | null;
  group: JsonObject | string;
}

export interface GroupsRead {
  groups: GroupEntry[];
  /** An error about the whole file (not JSON lines, YAML or Parquet at all). */
  fileError?: string;
  /** The file ends in the middle of something: a trainer may still be writing it. */
  cut: boolean;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSONL (ART from PR #204): "\n".join of one json.dumps per group, no newline after the last. */
export function readJsonlGroups(text: string): GroupsRead {
  const groups: GroupEntry[] = [];
  const lines = text.split('\n');
  let cut = false;
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const o = parseObjectLine(raw);
    if (typeof o === 'string' && lines.slice(i + 1).every((l) => l.trim() === '')) cut = true;
    groups.push({ line: i + 1, group: o });
  });
  return { groups, cut };
}

/**
 * YAML (art 0.3.x): PyYAML's yaml.dump of the list of groups. PyYAML writes a shared message once
 * with an anchor (`&id001`) and refers back to it (`*id001`); the parser resolves those.
 */
export function readYamlGroups(text: string): GroupsRead {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  // yaml.dump ends with a newline: a file without one was caught while being written.
  const cut = text.length > 0 && !text.endsWith('\n');
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const at = lc.linePos(e.pos[0]).line;
    return { groups: [], fileError: `line ${at}: not YAML (${e.message.split('\n')[0]})`, cut: true };
  }
  // PyYAML refers to one shared message from every trajectory (hundreds of aliases in a step file),
  // past the parser's default guard of 100. Expansion bounded by the file's size still stops an alias
  // bomb (nested aliases that grow exponentially) from filling memory.
  let list: unknown;
  try {
    list = doc.toJS({ maxAliasCount: Math.max(100, text.length) });
  } catch (e) {
    return { groups: [], fileError: `the YAML cannot be expanded: ${errorMessage(e)}`, cut };
  }
  if (list === null) return { groups: [], cut };
  if (!Array.isArray(list)) return { groups: [], fileError: `expected a YAML list of trajectory groups, got ${describe(list)}`, cut };
  const items = doc.contents && 'items' in doc.contents && Array.isArray(doc.contents.items) ? doc.contents.items : [];
  const groups = list.map((g: unknown, i): GroupEntry => {
    const node: unknown = items[i];
    const range = node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? (node.range as number[]) : undefined;
    return {
      line: range ? lc.linePos(range[0]!).line : null,
      group: isObject(g) ? g : `group ${i} is ${describe(g)}, not a mapping`,
    };
  });
  return { groups, cut };
}

/** A flattened Parquet message back to the shape of messages_and_choices: a trainable one is a Choice. */
function unflatten(m: unknown): unknown {
  if (!isObject(m)) return m;
  const msg: JsonObject = { role: m['role'], content: m['content'] };
  const calls = m['tool_calls'];
  if (typeof calls === 'string' && calls) {
    try {
      msg['tool_calls'] = JSON.parse(calls) as unknown;
    } catch {
      msg['tool_calls'] = calls;
    }
  }
  return m['trainable'] === true ? { finish_reason: null, message: msg } : msg;
}

/** A column ART fills with json.dumps of a dict (null when the dict was empty). */
function jsonColumn(v: unknown): unknown {
  if (typeof v !== 'string') return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * Parquet: a row per trajectory, `group_index` its group (v2: `trajectory_index` its position, and a
 * group without trajectories is one row with none). `messages` holds the flattened messages; where
 * v2 left it empty, `trajectory_json` holds the trajectory whole.
 */
export async function readParquetGroups(bytes: Buffer): Promise<GroupsRead> {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(buf);
    rows = (await parquetReadObjects({
      file: buf,
      metadata,
      compressors: { ZSTD: (input, outputLength) => decompress(input, new Uint8Array(outputLength)) },
    })) as Record<string, unknown>[];
  } catch (e) {
    // A Parquet file's footer is written last: without it the file is still being written.
    return { groups: [], fileError: `not a readable Parquet file (truncated or still being written?): ${errorMessage(e)}`, cut: true };
  }
  const byGroup = new Map<number, Array<{ at: number; t: JsonObject | string }>>();
  const bad: GroupEntry[] = [];
  rows.forEach((row, r) => {
    const gi = toInt(row['group_index']);
    if (gi === undefined || gi < 0) {
      bad.push({ line: null, group: `row ${r}: "group_index" must be an integer ≥ 0, got ${describe(row['group_index'])}` });
      return;
    }
    const list = byGroup.get(gi) ?? [];
    byGroup.set(gi, list);
    const ti = toInt(row['trajectory_index']);
    if ('trajectory_index' in row && ti === undefined) return; // v2: a group that kept no trajectory
    let t: JsonObject | string;
    if (Array.isArray(row['messages'])) {
      t = {
        reward: row['reward'],
        messages_and_choices: row['messages'].map(unflatten),
        metrics: jsonColumn(row['metrics']),
        metadata: jsonColumn(row['metadata']),
      };
    } else if (typeof row['trajectory_json'] === 'string') {
      const o = parseObjectLine(row['trajectory_json']);
      t = typeof o === 'string' ? `row ${r}: trajectory_json: ${o}` : o;
    } else t = `row ${r}: no "messages" and no "trajectory_json"`;
    list.push({ at: ti ?? list.length, t });
  });
  const groups: GroupEntry[] = [];
  const last = Math.max(-1, ...byGroup.keys());
  // Every position up to the last keeps its number, so a group's samples keep their group on a re-read.
  for (let g = 0; g <= last; g++) {
    const members = (byGroup.get(g) ?? []).sort((a, b) => a.at - b.at);
    const broken = members.find((m) => typeof m.t === 'string');
    groups.push({ line: null, group: broken ? (broken.t as string) : { trajectories: members.map((m) => m.t) } });
  }
  return { groups: [...groups, ...bad], cut: false };
}
