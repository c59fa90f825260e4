// Qwen math-eval `extract_answer(pred, "math")` and SimpleRL's `extract_last_boxed` format
// detector (docs/rewards.md#math), ported in the source's order.
import { stripString, type StripOptions } from './stripString';

// Handles at most two brace levels inside the box: deeper boxes are "not boxed" (docs/rewards.md#math), on purpose.
const LAST_BOXED = /\\boxed\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}/;

const BOXED_AT = new RegExp(LAST_BOXED.source, 'y');

/**
 * The content of the last `\boxed{…}` the SimpleRL regex finds, or null (the format check). Same
 * result as the last match of a global scan, but jumps between `\boxed{` occurrences with indexOf
 * instead of letting the regex walk every character of a long response.
 */
export function extractLastBoxed(text: string): string | null {
  let last: string | null = null;
  let from = 0;
  for (;;) {
    const at = text.indexOf('\\boxed{', from);
    if (at < 0) return last;
    BOXED_AT.lastIndex = at;
    const m = BOXED_AT.exec(text);
    if (m) {
      last = m[1]!;
      from = at + m[0].length;
    } else from = at + 1;
  }
}

/** Pre-processing: keep the assistant turn, cut at the first end-of-text marker, drop "ки". */
export function preprocessResponse(text: string): string {
  let s = text;
  const start = s.indexOf('<|im_start|>assistant');
  if (start > 0) s = s.slice(start);
  let cut = s.length;
  for (const stop of ['</s>', '<|im_end|>', '<|endoftext|>']) {
    const i = s.indexOf(stop);
    if (i >= 0 && i < cut) cut = i;
  }
  s = s.slice(0, cut);
  return s.includes('\u043a\u0438') ? s.replaceAll('\u043a\u0438', '') : s;
}

/** Brace-balanced content after a `{` at position 0 (unlimited depth); unbalanced takes the rest. */
function balanced(after: string): string {
  let depth = 1;
  let out = '';
  for (let i = 1; i < after.length; i++) {
    const c = after[i]!;
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) break;
    out += c;
  }
  return out;
}

const LAST_NUMBER = /-?\d*\.?\d+/g;

/** The raw answer by the priority rules of docs/rewards.md#math, before post-processing. */
export function extractRawAnswer(pred: string): string {
  const minervaStart = pred.indexOf('final answer is $');
  if (minervaStart >= 0 && pred.includes('$. I hope')) {
    const tmp = pred.slice(minervaStart + 'final answer is $'.length);
    const end = tmp.indexOf('$. I hope');
    return (end >= 0 ? tmp.slice(0, end) : tmp).trim();
  }
  const boxed = pred.lastIndexOf('boxed');
  if (boxed >= 0) {
    const ans = pred.slice(boxed + 'boxed'.length);
    if (ans.length === 0) return '';
    if (ans[0] === '{') return balanced(ans);
    return ans.split('$')[0]!.trim();
  }
  for (const cue of ['he answer is', 'final answer is']) {
    const i = pred.lastIndexOf(cue);
    if (i >= 0) return pred.slice(i + cue.length).trim();
  }
  const zh = pred.indexOf('答案是');
  if (zh >= 0) {
    // Python's split(...)[1]: the text between the first and the second occurrence.
    const rest = pred.slice(zh + 3);
    const next = rest.indexOf('答案是');
    return (next >= 0 ? rest.slice(0, next) : rest).trim().split('\n\n')[0]!.trim();
  }
  let last = '';
  for (const m of pred.replaceAll(',', '').matchAll(LAST_NUMBER)) last = m[0];
  return last;
}

/** Post-processing before strip_string: join lines, drop one leading ":" and one trailing "." and "/". */
export function postprocessAnswer(raw: string): string {
  let p = raw.replace(/\n\s*/g, '');
  if (p.startsWith(':')) p = p.slice(1);
  if (p.endsWith('.')) p = p.slice(0, -1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export interface ExtractedAnswer {
  /** What the priority rules picked, before any normalisation. */
  raw: string;
  /** extract_answer's result: post-processed and strip_string-ed. */
  answer: string;
  /** The SimpleRL format check: extract_last_boxed found a box. */
  boxed: boolean;
}

/** extract_answer(pred, "math") with the pre-processing of docs/rewards.md#math, plus the format check. */
export function extractAnswer(response: string, opts: StripOptions = {}): ExtractedAnswer {
  const pred = preprocessResponse(response);
  const raw = extractRawAnswer(pred);
  return {
    raw,
    answer: stripString(postprocessAnswer(raw), opts),
    boxed: extractLastBoxed(response) !== null,
  };
}
