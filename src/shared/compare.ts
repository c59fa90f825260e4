// Which two samples of a group to put side by side, and what the picker previews: texts of a group
// often share a long opening, so previews start where each one leaves the other.

/** A sample offered by *Compare with…*: where it leaves the chosen sample, and its text from there. */
export interface CompareCandidate {
  index: number;
  reward: number;
  /** Characters both responses share from the start. */
  common_chars: number;
  /** The candidate's text from a little before where it differs ("…" marks a cut). */
  preview: string;
}

/** The pair *Compare best ↔ worst* opens: the best and worst rewarded samples that diverge last. */
export interface BestWorstPair {
  best: number;
  worst: number;
  common_chars: number;
}

/** Length of the common prefix of two strings, in UTF-16 units. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** `text` from the start of the word where it stops matching (at `at`), at most `max` characters. */
export function previewFrom(text: string, at: number, max = 120): string {
  const start = at === 0 ? 0 : Math.max(0, text.lastIndexOf(' ', Math.max(0, at - 1)) + 1);
  const body = text.slice(start, start + max).replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${body}${start + max < text.length ? '…' : ''}`;
}

interface Sample {
  index: number;
  reward: number;
  response: string;
}

/** Every other sample of the group against sample `index`, the ones that leave it latest first. */
export function compareCandidates(samples: readonly Sample[], index: number): CompareCandidate[] {
  const me = samples.find((s) => s.index === index);
  if (!me) return [];
  return samples
    .filter((s) => s.index !== index)
    .map((s) => {
      const common = commonPrefix(me.response, s.response);
      return { index: s.index, reward: s.reward, common_chars: common, preview: previewFrom(s.response, common) };
    })
    .sort((a, b) => b.common_chars - a.common_chars || a.index - b.index);
}

/**
 * Among the samples with the highest reward and those with the lowest, the pair sharing the longest
 * opening (ties: lowest indices): the diff then shows where a good and a bad answer part. Null when
 * every reward is equal.
 */
export function bestWorstPair(samples: readonly Sample[]): BestWorstPair | null {
  if (samples.length < 2) return null;
  const hi = Math.max(...samples.map((s) => s.reward));
  const lo = Math.min(...samples.map((s) => s.reward));
  if (hi === lo) return null;
  let pick: BestWorstPair | null = null;
  for (const b of samples.filter((s) => s.reward === hi)) {
    for (const w of samples.filter((s) => s.reward === lo)) {
      const common = commonPrefix(b.response, w.response);
      if (!pick || common > pick.common_chars) pick = { best: b.index, worst: w.index, common_chars: common };
    }
  }
  return pick;
}
