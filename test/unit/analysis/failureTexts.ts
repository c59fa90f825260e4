// Crafted wrong answers of three known kinds, with noise, for the failure-cluster tests and bench:
// an arithmetic slip, a response that rambles and never answers, and an answer in the wrong unit.
// Every response also carries neutral sentences drawn from one shared pool and a random number or two.
import type { NativeRollout } from '../../../src/shared/rollout';
import { prng } from '../../helpers';

export const KINDS = ['arithmetic slip', 'never answers', 'wrong unit'] as const;
export type Kind = (typeof KINDS)[number];

const NEUTRAL = [
  'We are given the problem statement.',
  'Let us read the question carefully.',
  'First, note what is asked.',
  'This follows from the statement above.',
  'We write down the known quantities.',
  'Consider the numbers in the question.',
  'The question gives enough information.',
  'Now we proceed step by step.',
];

// One sentence per kind, each slot filled from a few synonyms: the kind's words stay, the wording varies.
const TEMPLATES: Record<Kind, string> = {
  'arithmetic slip': '{a} {times} {b} {is} {c}, {plus} {d} {gives} {e}, so the answer is \\boxed{{e}}.',
  'never answers': '{hmm} {wait}, let me {reconsider} the approach and {think} again, {maybe} this is not right.',
  'wrong unit': 'The {quantity} is {a} {unit}, {converting} to {other} it is {a} {other}, so the answer is \\boxed{{a} {other}}.',
};

const SLOTS: Record<string, string[]> = {
  times: ['times', 'multiplied by'],
  is: ['is', 'equals'],
  plus: ['plus', 'adding'],
  gives: ['gives', 'makes'],
  hmm: ['Hmm', 'Well'],
  wait: ['wait', 'hold on'],
  reconsider: ['reconsider', 'rethink'],
  think: ['think', 'check'],
  maybe: ['maybe', 'perhaps'],
  quantity: ['length', 'distance'],
  unit: ['meters', 'kilometers'],
  converting: ['converting', 'changing'],
  other: ['centimeters', 'inches'],
};

export interface CraftedResponse {
  kind: Kind;
  text: string;
}

/** `counts[i]` responses of KINDS[i], shuffled together, the same for a seed. */
export function craftedFailures(counts: readonly number[], seed = 7): CraftedResponse[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const num = (): string => String(Math.floor(rand() * 900) + 2);
  const out: CraftedResponse[] = [];
  KINDS.forEach((kind, k) => {
    for (let i = 0; i < counts[k]!; i++) {
      const parts: string[] = [];
      const neutral = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < neutral; j++) parts.push(pick(NEUTRAL));
      const fill: Record<string, string> = { a: num(), b: num(), c: num(), d: num(), e: num() };
      for (const [slot, words] of Object.entries(SLOTS)) fill[slot] = pick(words);
      const body = TEMPLATES[kind].replace(/\{(\w+)\}/g, (_, key: string) => fill[key]!);
      // A ramble repeats itself; the other kinds say their piece once.
      const repeats = kind === 'never answers' ? 2 + Math.floor(rand() * 3) : 1;
      for (let j = 0; j < repeats; j++) parts.push(body);
      if (rand() < 0.5) parts.splice(Math.floor(rand() * parts.length), 0, `Note ${num()} is in the question.`);
      out.push({ kind, text: parts.join(' ') });
    }
  });
  // Shuffle (seeded) so no kind comes as one block.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Σ over clusters of its most common kind's count, over all responses. */
export function purity(clusters: ReadonlyArray<{ members: readonly number[] }>, kinds: readonly Kind[]): number {
  let agree = 0;
  for (const c of clusters) {
    const counts = new Map<Kind, number>();
    for (const i of c.members) counts.set(kinds[i]!, (counts.get(kinds[i]!) ?? 0) + 1);
    agree += Math.max(0, ...counts.values());
  }
  return agree / kinds.length;
}

/** Steps 1–3: the 90 crafted wrong answers, four to a group, and 46 right ones beside them (136 samples). */
export function failureRun(): NativeRollout[] {
  const rows: NativeRollout[] = [];
  craftedFailures([40, 30, 20]).forEach((c, i) => {
    const step = 1 + (i % 3);
    const group = `s${step}-g${Math.floor(i / 12)}`;
    rows.push({ step, group, prompt: `Question ${group}`, response: c.text, reward: 0, correct: false });
    if (i % 4 === 0)
      for (let j = 0; j < 2; j++)
        rows.push({ step, group, prompt: `Question ${group}`, response: 'So the answer is \\boxed{12}.', reward: 1, correct: true });
  });
  return rows;
}
