// Reading the blocks of one VLM-R1 / GUI-G1 reward debug log (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
// A block is a header line, then `Content: ` and the answer (any number of lines), then one
// `Solution: ` line; VLM-R1's accuracy blocks put `image_path: ` and `problem: ` before the answer,
// and its format log is one header per reward call followed by `Content:` / `Has format:` pairs.
import type { BoxCoords } from '../../shared/media';
import { NotALiteral, literalEval, type PyValue } from './pyLiteral';

/** One completion's line in a reward function's log. */
export interface RewardBlock {
  /** 1-based line of its header. */
  line: number;
  /** The header's `%d-%H-%M-%S-%f` time: one per reward call in GUI-G1, one per completion in VLM-R1. */
  time: string;
  /** As the header names the function: `iou`, `hit`, `Accuracy`. */
  name: string;
  reward: number;
  content: string;
  solutionText: string;
  solution: BoxCoords | null;
  /** VLM-R1: the first path of the logged image_path list. */
  imagePath?: string;
  problem?: string;
}

/** One completion of a VLM-R1 format reward call. */
export interface FormatEntry {
  line: number;
  time: string;
  content: string;
  hasFormat: boolean;
}

export interface ParsedLog {
  rewards: RewardBlock[];
  formats: FormatEntry[];
  errors: Array<{ line: number; message: string }>;
  /** The last block has not been written to its end yet (no Solution / Has format line). */
  unfinished: boolean;
}

const REWARD_HEADER = /^------------- (\S+) (.+?) reward: (\S+) -------------$/;
const FORMAT_HEADER = /^------------- (\S+) Format reward -------------$/;
const HAS_FORMAT = /^Has format: (True|False)$/;

/** Python's str() of a float back to a number (nan, inf too); null for anything else. */
export function pyFloat(text: string): number | null {
  if (text === 'nan') return NaN;
  if (text === 'inf' || text === '-inf') return text === 'inf' ? Infinity : -Infinity;
  const v = Number(text);
  return text.trim() !== '' && !Number.isNaN(v) ? v : null;
}

function literal(text: string): PyValue | undefined {
  try {
    return literalEval(text);
  } catch (e) {
    if (e instanceof NotALiteral) return undefined;
    throw e;
  }
}

function boxOf(v: PyValue | undefined): BoxCoords | null {
  return Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as BoxCoords) : null;
}

function firstPath(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

/** The body of a reward block (the lines after its header); a string is what is wrong with it. */
function rewardBody(body: string[]): Omit<RewardBlock, 'line' | 'time' | 'name' | 'reward'> | string {
  let i = 0;
  let imagePath: string | undefined;
  let problem: string | undefined;
  if (body[i]?.startsWith('image_path: ')) imagePath = firstPath(literal(body[i++]!.slice('image_path: '.length)));
  if (body[i]?.startsWith('problem: ')) {
    const start = i;
    while (i < body.length && !body[i]!.startsWith('Content: ')) i++;
    problem = body.slice(start, i).join('\n').slice('problem: '.length);
  }
  if (!body[i]?.startsWith('Content: '))
    return i < body.length ? 'expected a "Content: " line' : 'the block ends before its "Content: " line';
  // The answer may hold a line that starts "Solution: " too: the block's last one is the solution.
  let s = body.length - 1;
  while (s > i && !body[s]!.startsWith('Solution: ')) s--;
  if (s === i) return 'the block has no "Solution: " line after its answer';
  if (s !== body.length - 1) return `unexpected text after the "Solution: " line: ${JSON.stringify(body[s + 1]!.slice(0, 60))}`;
  const solutionText = body[s]!.slice('Solution: '.length);
  return {
    content: body.slice(i, s).join('\n').slice('Content: '.length),
    solutionText,
    solution: boxOf(literal(solutionText)),
    ...(imagePath !== undefined ? { imagePath } : {}),
    ...(problem !== undefined ? { problem } : {}),
  };
}

function formatBody(body: string[], line: number, time: string, out: FormatEntry[]): string | null {
  let i = 0;
  while (i < body.length) {
    if (!body[i]!.startsWith('Content: ')) return `line ${line + 1 + i}: expected a "Content: " line`;
    const start = i;
    while (i < body.length && !HAS_FORMAT.test(body[i]!)) i++;
    if (i === body.length) return `line ${line + 1 + start}: the answer has no "Has format: " line`;
    const content = body.slice(start, i).join('\n').slice('Content: '.length);
    out.push({ line: line + 1 + start, time, content, hasFormat: body[i] === 'Has format: True' });
    i++;
  }
  return null;
}

/** Splits a debug log into its blocks; a block that cannot be read is an error naming its line. */
export function parseRewardLog(text: string): ParsedLog {
  // A trainer appends whole blocks; a last line without its newline is still being written.
  const end = text.lastIndexOf('\n');
  const lines = (end < 0 ? '' : text.slice(0, end)).split('\n');
  if (lines.length === 1 && lines[0] === '') lines.pop();
  const out: ParsedLog = { rewards: [], formats: [], errors: [], unfinished: end < text.length - 1 };
  const isHeader = (l: string): boolean => l.startsWith('------------- ') && (REWARD_HEADER.test(l) || FORMAT_HEADER.test(l));
  let i = 0;
  while (i < lines.length) {
    const header = lines[i]!;
    const line = i + 1;
    let j = i + 1;
    while (j < lines.length && !isHeader(lines[j]!)) j++;
    const body = lines.slice(i + 1, j);
    const last = j === lines.length;
    i = j;
    const r = REWARD_HEADER.exec(header);
    const f = r ? null : FORMAT_HEADER.exec(header);
    if (!r && !f) {
      out.errors.push({ line, message: `not a reward debug log block header: ${JSON.stringify(header.slice(0, 80))}` });
      continue;
    }
    if (f) {
      const n = out.formats.length;
      const problem = formatBody(body, line, f[1]!, out.formats);
      if (problem && last && !out.unfinished && /no "Has format: "/.test(problem)) out.unfinished = true;
      else if (problem) out.errors.push({ line, message: `format block: ${problem}` });
      if (problem) out.formats.length = n;
      continue;
    }
    const reward = pyFloat(r![3]!);
    const parsed = rewardBody(body);
    if (typeof parsed === 'string') {
      // A block cut off at the end of the file is being written: read it at the next change.
      if (last && /has no "Solution: "|ends before/.test(parsed)) out.unfinished = true;
      else out.errors.push({ line, message: `${r![2]} reward block: ${parsed}` });
      continue;
    }
    if (reward === null) {
      out.errors.push({ line, message: `${r![2]} reward block: the reward ${JSON.stringify(r![3])} is not a number` });
      continue;
    }
    out.rewards.push({ line, time: r![1]!, name: r![2]!, reward, ...parsed });
  }
  return out;
}
