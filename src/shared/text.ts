// Small wording helpers shared by the extension and the webviews: counts with the right noun form,
// and the question of a chat-formatted prompt.

/** "1 branch point", "2 branch points": `plural` defaults to `singular` + "s". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

// The markers chat templates put around turns (Qwen/ChatML, Llama 3), and the bare role lines that
// remain when a trainer decoded the prompt with skip_special_tokens (TRL, verl): "user\n12+7=\nassistant\n".
const LAST_USER_TURN = /(?:<\|im_start\|>user\n?|<\|start_header_id\|>user<\|end_header_id\|>\n*|(?:^|\n)user\n)/g;
const GENERATION_HEADER =
  /(?:<\|im_end\|>|<\|eot_id\|>)?\s*(?:<\|im_start\|>assistant|<\|start_header_id\|>assistant<\|end_header_id\|>|(?:^|\n)assistant|\nAssistant:)\s*$/;

/**
 * The user's part of a prompt: the text after the last user-turn marker, without the assistant
 * header a template appends for generation, and without end-of-turn markers. A prompt in no chat
 * format comes back as it is.
 */
export function promptQuestion(prompt: string): string {
  let start = 0;
  for (const m of prompt.matchAll(LAST_USER_TURN)) start = m.index + m[0].length;
  return prompt
    .slice(start)
    .replace(GENERATION_HEADER, '')
    .replace(/<\|im_end\|>|<\|eot_id\|>/g, '');
}

/**
 * A prompt timeline's tab title: the question's opening words (a hash says nothing to a reader), cut
 * at a word boundary near `max` characters.
 */
export function timelineTitle(prompt: string, run: string, max = 40): string {
  return `"${promptOpening(prompt, max)}" over time · ${run}`;
}

/** The question's opening words, cut at a word boundary near `max` characters ("empty prompt" when none). */
export function promptOpening(prompt: string, max: number): string {
  const q = promptQuestion(prompt).replace(/\s+/g, ' ').trim();
  const cut = q.length <= max ? q : `${q.slice(0, q.lastIndexOf(' ', max) > max / 2 ? q.lastIndexOf(' ', max) : max)}…`;
  return cut || 'empty prompt';
}

/** Snippet markers FTS5 puts around a match: control characters that model text does not contain. */
export const MATCH_OPEN = '\u0002';
export const MATCH_CLOSE = '\u0003';

/**
 * A snippet with in-band markers → its plain text and the matched ranges, so no marker can be read
 * as part of the text (`\[boxed]{767}` looked like LaTeX's `\[`).
 */
export function splitSnippet(marked: string): { snippet: string; highlights: Array<[number, number]> } {
  const highlights: Array<[number, number]> = [];
  let snippet = '';
  let start = -1;
  for (const ch of marked) {
    if (ch === MATCH_OPEN) start = snippet.length;
    else if (ch === MATCH_CLOSE) {
      if (start >= 0) highlights.push([start, snippet.length]);
      start = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

/**
 * A snippet for a plain-text place (a terminal table, a quick pick): matches between « and », quote
 * marks that LaTeX and code do not use, so a reader never mistakes them for the model's text.
 */
export function markedSnippet(s: { snippet: string; highlights: ReadonlyArray<readonly [number, number]> }): string {
  let out = '';
  let at = 0;
  for (const [a, b] of s.highlights) {
    out += `${s.snippet.slice(at, a)}«${s.snippet.slice(a, b)}»`;
    at = b;
  }
  return out + s.snippet.slice(at);
}
