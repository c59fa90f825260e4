// The predicted box in a grounding answer, read as each trainer's reward function reads it
// (docs/formats.md#vlm-r1-and-gui-g1-debug-logs). The reward rule's parsePredictedBox
// (rewards/rules/guiG1.ts) takes the last "bbox_2d" anywhere; GUI-G1's own code is stricter, and
// the debug log's rewards were computed by that code, so the boxes drawn beside them must match it.
import type { BoxCoords } from '../../shared/media';
import { NotALiteral, literalEval, pyIndex, type PyValue } from './pyLiteral';
import { parseRecAnswer } from '../rewards/rules/vlmR1';

const PY_BREAKS = new Set(['\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029']);

/** Python's str.splitlines(), which breaks at more than \n (a regex of them trips the linter). */
function pySplitLines(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (!PY_BREAKS.has(text[i]!)) continue;
    out.push(text.slice(from, i));
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/** GUI-G1 grpo_rec.py parse_json: the text after a line that is exactly "```json", up to the next fence. */
export function stripJsonFence(text: string): string {
  const lines = pySplitLines(text);
  const at = lines.indexOf('```json');
  if (at < 0) return text;
  return lines
    .slice(at + 1)
    .join('\n')
    .split('```')[0]!;
}

function asBox(v: PyValue | undefined): BoxCoords | null {
  if (!Array.isArray(v) || v.length < 4) return null;
  const four = v.slice(0, 4).map((x) => (typeof x === 'boolean' ? Number(x) : x));
  return four.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (four as BoxCoords) : null;
}

/**
 * GUI-G1: `ast.literal_eval(parse_json(content))[0]['bbox_2d']`, its first four numbers; null where
 * that raises (the source then scores 0).
 */
export function guiG1AnswerBox(content: string): BoxCoords | null {
  let v: PyValue;
  try {
    v = literalEval(stripJsonFence(content));
  } catch (e) {
    if (e instanceof NotALiteral) return null;
    throw e;
  }
  const first = pyIndex(v, 0);
  return first === undefined ? null : asBox(pyIndex(first, 'bbox_2d'));
}

/**
 * VLM-R1 qwen_module.py iou_reward: the first `[a, b, c, d]` of non-negative integers inside the
 * first <answer>…</answer>, in the model's input pixels (the reward scales it to the image's). The
 * reward's own parser (rules/vlmR1.ts), so the box stored at ingest is the one a re-score reads.
 */
export const vlmR1AnswerBox = parseRecAnswer;
