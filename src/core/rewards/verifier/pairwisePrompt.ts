// The pairwise judge's pure parts (docs/rewards.md#pairwise-judge): a Writing-Zero-style GenRM prompt
// (principles, critique, two scores 0–10, a verdict), a tolerant reading of its reply, and the
// deterministic reference choice for a group that logged none. Writing-Zero's own prompt is not
// public; this one asks for what its paper describes, in our words.

/** What one reply said: which response is better (null: a tie), both scores when given, and whether it could be read. */
export interface JudgeReading {
  /** `A` or `B`; null for a tie or an unreadable reply. */
  better: 'A' | 'B' | null;
  scoreA: number | null;
  scoreB: number | null;
  /** False when neither a verdict nor two scores were found: the vote counts as a tie and is reported. */
  parsed: boolean;
  /** How the verdict was read: `verdict` (the verdict line), `scores` (the higher score), or `none`. */
  from: 'verdict' | 'scores' | 'none';
}

export function pairwisePrompt(task: string, a: string, b: string): string {
  return (
    'You judge two responses to the same writing task. Neither is known to be better.\n\n' +
    `### Task\n${task}\n\n` +
    `### Response A\n${a}\n\n` +
    `### Response B\n${b}\n\n` +
    'First, write the principles that matter most for judging this task. Then critique each response ' +
    'against those principles. Then score each response from 0 to 10, and say which one is better.\n' +
    'End with exactly these three lines:\n' +
    'Score A: <0-10>\n' +
    'Score B: <0-10>\n' +
    'Better: <A or B or Tie>'
  );
}

// "Better: A", "**Better:** Response B", "Verdict: [[A]]", "Winner - tie", "\boxed{B}": the last one wins.
const VERDICT =
  /(?:better(?:\s+response)?|verdict|winner|final\s+(?:verdict|answer|decision)|preferred(?:\s+response)?)\s*\**\s*[:：=-]\s*\**\s*(?:\[\[|\[|\(|\\boxed\{)?\s*(?:response\s+|output\s+)?((?:an?\s+)?tie|equal|neither|both|A|B)\b/gi;
const BOXED = /\\boxed\{\s*(A|B)\s*\}/g;
const score = (label: 'A' | 'B'): RegExp =>
  new RegExp(
    `score\\s*(?:for\\s*)?(?:response\\s*)?${label}\\s*\\**\\s*[:：=]\\s*\\**\\s*(10|\\d(?:\\.\\d+)?)(?!\\d|\\.\\d)(?:\\s*/\\s*10)?`,
    'gi',
  );

function last(re: RegExp, text: string): RegExpExecArray | null {
  let found: RegExpExecArray | null = null;
  for (const m of text.matchAll(re)) found = m;
  return found;
}

function lastScore(text: string, label: 'A' | 'B'): number | null {
  const m = last(score(label), text);
  const x = m ? Number(m[1]) : NaN;
  return Number.isFinite(x) && x >= 0 && x <= 10 ? x : null;
}

/**
 * Reads a judge reply, after any `</think>`: the last verdict line decides (a tie word is a tie);
 * without one, the last `\boxed{A|B}`; without that, the higher of the two scores (equal scores: a tie).
 * A reply with none of these is unreadable: a tie, reported.
 */
export function readJudgeReply(reply: string): JudgeReading {
  const text = reply.split('</think>').pop() ?? reply;
  const scoreA = lastScore(text, 'A');
  const scoreB = lastScore(text, 'B');
  const v = last(VERDICT, text)?.[1] ?? last(BOXED, text)?.[1];
  if (v !== undefined) {
    const u = v.toUpperCase();
    return { better: u === 'A' ? 'A' : u === 'B' ? 'B' : null, scoreA, scoreB, parsed: true, from: 'verdict' };
  }
  if (scoreA !== null && scoreB !== null) {
    return { better: scoreA > scoreB ? 'A' : scoreB > scoreA ? 'B' : null, scoreA, scoreB, parsed: true, from: 'scores' };
  }
  return { better: null, scoreA, scoreB, parsed: false, from: 'none' };
}

/** FNV-1a, 32 bits, over the UTF-8 bytes: a stable hash that needs no dependency. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The reference of a group that logged none: FNV-1a of the group uid, mod G (the same uid and G always pick the same sample). */
export function chosenReference(uid: string, g: number): number {
  return g <= 0 ? 0 : fnv1a(uid) % g;
}
