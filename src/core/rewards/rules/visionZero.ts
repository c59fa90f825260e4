// Vision-Zero's God-decision reward (docs/rewards.md#vision-zero-decision): a completion that reads
// the clues of a "Who is the spy?" game votes for a player; it earns a format term, an accuracy term
// and a potential-shaping bonus for a right vote. Ported from wangqinsi1/Vision-Zero fa3c01c,
// src/open-r1-multimodal/src/open_r1/clevr_spotdiff_generator.py: `extract_vote_from_decision`,
// `extract_thinking_from_clue` and `_calculate_enhanced_two_phase_rewards_with_god_decision`.
import { PY_SPACE, PY_WORD, pyInt, pyStrip } from './pyText';

/** A vote: a player number (1-based, as in the source), `N/A` (abstained), or null (none found). */
export type Vote = number | 'N/A' | null;

// The source's patterns: `\\\\?boxed` is one literal backslash, optionally doubled (escaped logs).
const BOXED_ANY = /\\\\?boxed\{.*?\}/s;
const BOXED = /\\\\?boxed\{(.*?)\}/s;
const THINK = /<think>(.*?)<\/think>/s;
const ANSWER = /<answer>(.*?)<\/answer>/s;
const ANSWER_OPEN = new RegExp(`<answer>${PY_SPACE}*(.*)`, 'su');
const TAG_SPLIT = /<\/answer>|<think>|<answer>/;
/** `\b([1-9])\b` with Python's Unicode word boundary: "玩家3" has none before the 3. */
const PLAYER_DIGIT = new RegExp(`(?<!${PY_WORD})([1-9])(?!${PY_WORD})`, 'u');
/** Lines that look like the prompt's own instructions are not counted as thinking. */
const INSTRUCTION_PHRASES = ['you are player', 'your task is', 'game instructions', 'required output format', 'example answer'];

/** The reasoning a completion shows (`extract_thinking_from_clue`): `<think>`, else the text before the box, else the other lines. */
export function extractThinking(response: string): string {
  const think = THINK.exec(response);
  // An empty <think></think> still wins: the source returns its (empty) content.
  if (think) return pyStrip(think[1]!);
  const boxed = BOXED_ANY.exec(response);
  if (boxed) {
    const before = pyStrip(response.slice(0, boxed.index));
    if (before) return before;
  }
  const lines: string[] = [];
  for (const raw of pyStrip(response).split('\n')) {
    const line = pyStrip(raw);
    if (!line || BOXED_ANY.test(line)) continue;
    const lower = line.toLowerCase();
    if (!INSTRUCTION_PHRASES.some((p) => lower.includes(p))) lines.push(line);
  }
  return lines.join('\n');
}

/** The answer text: the first `\boxed{…}` (up to its first `}`), else `<answer>…</answer>`, else what follows `<answer>`. */
export function extractAnswer(response: string): string {
  const boxed = BOXED.exec(response);
  if (boxed) return pyStrip(boxed[1]!);
  const answer = ANSWER.exec(response);
  if (answer) return pyStrip(answer[1]!);
  const open = ANSWER_OPEN.exec(response);
  if (open) return pyStrip(pyStrip(open[1]!).split(TAG_SPLIT)[0]!);
  return '';
}

/** `extract_vote_from_decision`: N/A, else the first standalone digit 1–9, else a JSON `{"spy": …}`. */
export function extractVote(response: string): Vote {
  const answer = extractAnswer(response);
  if (!answer) return null;
  const upper = pyStrip(answer).toUpperCase();
  if (upper === 'N/A' || upper === 'NA') return 'N/A';
  const digit = PLAYER_DIGIT.exec(answer);
  if (digit) return Number(digit[1]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return null;
  }
  // `"spy" in vote_data` then `int(vote_data["spy"])`: only an object with that key gets this far
  // without a TypeError (which the source swallows).
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  if (!Object.prototype.hasOwnProperty.call(parsed, 'spy')) return null;
  return pyInt((parsed as Record<string, unknown>)['spy']);
}

/** Format: thinking longer than 10 characters and a non-empty answer. */
export function decisionFormatOk(response: string): boolean {
  return Array.from(extractThinking(response)).length > 10 && extractAnswer(response) !== '';
}

export interface DecisionWeights {
  /** λ_fmt: 0.3 at the God-decision call site (the class default is 0.2). */
  lambdaFmt: number;
  /** β_acc: 1.2 at the call site (class default 1.0). */
  betaAcc: number;
  /** γ of the potential-based shaping: 0.99. */
  gamma: number;
  /** Accuracy of an N/A vote: −0.5. */
  abstain: number;
}

export const VISION_ZERO_WEIGHTS: DecisionWeights = { lambdaFmt: 0.3, betaAcc: 1.2, gamma: 0.99, abstain: -0.5 };

/** +1 for the spy, the abstain value for N/A, −1 for anyone else or no vote. */
export function decisionAccuracy(vote: Vote, spy: number, abstain = VISION_ZERO_WEIGHTS.abstain): number {
  if (vote === spy) return 1;
  return vote === 'N/A' ? abstain : -1;
}

/** λ_fmt·(2·fmt − 1) + β_acc·acc + γ·[acc > 0], summed in the source's order (floats match to the last bit). */
export function decisionReward(formatOk: boolean, accuracy: number, w: DecisionWeights = VISION_ZERO_WEIGHTS): number {
  const rFmt = w.lambdaFmt * (2 * (formatOk ? 1 : 0) - 1);
  const rAcc = accuracy * w.betaAcc;
  const shaped = w.gamma * (accuracy > 0 ? 1 : 0) - 0;
  return rFmt + rAcc + shaped;
}

const SPY_BOXED = /\\\\?boxed\{(.*?)\}/gs;

/**
 * The spy's player number from a ground truth: a bare integer ("3"), `{"spy": 3}`, or the source's
 * `solution` text, whose last `\boxed{N}` names the spy. Null when none of these.
 */
export function parseSpy(groundTruth: string | null): number | null {
  if (groundTruth === null) return null;
  const text = groundTruth.trim();
  if (/^\d+$/.test(text)) return Number(text);
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const spy = (v as Record<string, unknown>)['spy'];
      if (typeof spy === 'number' && Number.isInteger(spy)) return spy;
    }
  } catch {
    // Not JSON: try the solution text below.
  }
  const boxes = [...text.matchAll(SPY_BOXED)];
  const last = boxes.length ? pyStrip(boxes[boxes.length - 1]![1]!) : '';
  return /^\d+$/.test(last) ? Number(last) : null;
}
