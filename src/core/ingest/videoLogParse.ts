// Reading the blocks of a VideoChat-R1 / Time-R1 IoU reward debug log
// (docs/formats.md#videochat-r1-and-time-r1-debug-logs). Per completion the reward function appends
// `Content: ` and the answer (any number of lines), `pred second: S, E`, `gt second: GS, GE`, and
// then the line `------------- {time} IoU reward: R -------------`: the header comes last, so a
// block is everything up to and including it.
import type { Segment } from '../../shared/media';
import { pyFloat } from './groundingLogParse';

/** One completion's block. */
export interface VideoRewardBlock {
  /** 1-based line of its `Content: ` line. */
  line: number;
  /** The `%d-%H-%M-%S-%f` time the function took once per call. */
  time: string;
  reward: number;
  content: string;
  /** `pred second` as logged: what the reward was computed from (`0, 0` when nothing was parsed). */
  pred: Segment;
  /** Python's str() of the pair: `0, 0` (ints) is the source's stand-in for "no answer read". */
  predText: string;
  gt: Segment;
  gtText: string;
}

export interface ParsedVideoLog {
  blocks: VideoRewardBlock[];
  errors: Array<{ line: number; message: string }>;
  /** Text after the last complete block: a block still being written. */
  unfinished: boolean;
}

const HEADER = /^------------- (\S+) IoU reward: (\S+) -------------$/;
const PRED = 'pred second: ';
const GT = 'gt second: ';

/** `S, E` as the source writes `f"{str(s)}, {str(e)}"`; null when either is not a finite number. */
function pair(text: string): Segment | null {
  const parts = text.split(', ');
  if (parts.length !== 2) return null;
  const a = pyFloat(parts[0]!);
  const b = pyFloat(parts[1]!);
  // nan or inf is no segment (and would not fit the per-step sums): the block is reported, not stored.
  return a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) ? null : [a, b];
}

/** A block's lines before its header; a string is what is wrong with them. */
function body(lines: string[]): Omit<VideoRewardBlock, 'line' | 'time' | 'reward'> | string {
  if (!lines[0]?.startsWith('Content: ')) return lines.length ? 'expected a "Content: " line' : 'the block has no "Content: " line';
  const n = lines.length;
  // The answer may hold lines like the two below: the block's last two are the logged ones.
  const predLine = lines[n - 2];
  const gtLine = lines[n - 1];
  if (n < 3 || !predLine?.startsWith(PRED) || !gtLine?.startsWith(GT))
    return 'expected "pred second: S, E" and "gt second: GS, GE" as the two lines before the reward line';
  const predText = predLine.slice(PRED.length);
  const gtText = gtLine.slice(GT.length);
  const pred = pair(predText);
  if (!pred) return `"pred second: ${predText}" is not two numbers`;
  const gt = pair(gtText);
  if (!gt) return `"gt second: ${gtText}" is not two numbers`;
  return {
    content: lines
      .slice(0, n - 2)
      .join('\n')
      .slice('Content: '.length),
    pred,
    predText,
    gt,
    gtText,
  };
}

/** Splits a log into its blocks; a block that cannot be read is an error naming its first line. */
export function parseVideoRewardLog(text: string): ParsedVideoLog {
  // A trainer appends whole lines; a last line without its newline is still being written.
  const end = text.lastIndexOf('\n');
  const lines = end < 0 ? [] : text.slice(0, end).split('\n');
  const out: ParsedVideoLog = { blocks: [], errors: [], unfinished: end < text.length - 1 };
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const h = HEADER.exec(lines[i]!);
    if (!h) continue;
    const line = from + 1;
    const parsed = body(lines.slice(from, i));
    from = i + 1;
    const reward = pyFloat(h[2]!);
    if (typeof parsed === 'string') out.errors.push({ line, message: `IoU reward block: ${parsed}` });
    else if (reward === null) out.errors.push({ line, message: `IoU reward block: the reward ${JSON.stringify(h[2])} is not a number` });
    else out.blocks.push({ line, time: h[1]!, reward, ...parsed });
  }
  if (from < lines.length) out.unfinished = true;
  return out;
}
