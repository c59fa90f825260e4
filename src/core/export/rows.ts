// The rows of each export kind, before any file format (docs/dataset-export.md): SFT rows from the
// selected samples, DPO pairs from each group's best and its worst selected sample, RL prompts from
// the distinct prompts of the selected groups. Every row carries where it came from.
import type { Split, Turn } from '../../shared/rollout';
import { promptQuestion } from '../../shared/text';
import type { ExportGroup, ExportSample } from './select';

export interface ChatMessage {
  role: string;
  content: string;
}

/** Where an SFT row came from; `labels`: the tags on the sample and on its group. */
export interface SampleProvenance {
  run: string;
  split: Split;
  step: number;
  group: string;
  sample_index: number;
  sample_id: number;
  reward: number;
  success: boolean;
  labels: string[];
}

export interface SftRow {
  data_source: string;
  /** The user's question: the stored prompt without its chat template. */
  question: string;
  prompt: ChatMessage[];
  /** The policy's whole response text. */
  response: string;
  /** The prompt and the response as a conversation (a multi-turn sample's turns in order). */
  messages: ChatMessage[];
  ground_truth: string | null;
  provenance: SampleProvenance;
}

export interface DpoRow {
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  provenance: {
    run: string;
    split: Split;
    step: number;
    group: string;
    prompt_id: string;
    chosen_index: number;
    chosen_reward: number;
    rejected_index: number;
    rejected_reward: number;
    labels: string[];
  };
}

export interface RlPromptRow {
  data_source: string;
  question: string;
  prompt: ChatMessage[];
  ground_truth: string | null;
  /** First appearance in the selection, how often it was asked there and how it fared. */
  provenance: {
    run: string;
    split: Split;
    step: number;
    group: string;
    prompt_id: string;
    appearances: number;
    samples: number;
    solve_rate: number;
    reward_mean: number;
    labels: string[];
  };
}

/** The chat message of a stored prompt: its user part (a templated prompt loses its system turn; docs say so). */
export function userMessages(prompt: string): ChatMessage[] {
  return [{ role: 'user', content: promptQuestion(prompt).trim() }];
}

// An environment's answer reaches the model as the next user turn in the chat templates trainers use.
const TURN_ROLES: Record<Turn['role'], string> = { assistant: 'assistant', tool: 'tool', user: 'user', environment: 'user' };

/** The response as chat messages: one assistant message, or a multi-turn sample's turns. */
export function completionMessages(s: Pick<ExportSample, 'response' | 'turns'>): ChatMessage[] {
  if (s.turns?.length) return s.turns.map((t) => ({ role: TURN_ROLES[t.role], content: t.content }));
  return [{ role: 'assistant', content: s.response }];
}

/** The sample's own data source, else one naming the run (verl picks its reward function by it). */
const dataSourceOf = (run: string, s: Pick<ExportSample, 'data_source'>): string => s.data_source ?? `rollout-lens/${run}`;

export function* sftRows(run: string, groups: Iterable<ExportGroup>): Generator<SftRow> {
  for (const g of groups) {
    const prompt = userMessages(g.prompt);
    for (const s of g.samples) {
      if (!s.selected) continue;
      yield {
        data_source: dataSourceOf(run, s),
        question: prompt[0]!.content,
        prompt,
        response: s.response,
        messages: [...prompt, ...completionMessages(s)],
        ground_truth: s.ground_truth,
        provenance: {
          run,
          split: g.split,
          step: g.step,
          group: g.group,
          sample_index: s.index,
          sample_id: s.id,
          reward: s.reward,
          success: s.success,
          labels: s.labels,
        },
      };
    }
  }
}

/**
 * One pair per group: chosen = the group's highest reward (all its samples), rejected = the lowest
 * reward among the selected samples; ties go to the lower index. A pair is kept when chosen − rejected
 * ≥ margin and > 0; `skipped` counts the groups left out.
 */
export function* dpoRows(run: string, groups: Iterable<ExportGroup>, margin: number, skipped: { below_margin: number }): Generator<DpoRow> {
  for (const g of groups) {
    const best = g.samples.reduce((a, b) => (b.reward > a.reward ? b : a));
    const worst = g.samples.filter((s) => s.selected).reduce((a, b) => (b.reward < a.reward ? b : a));
    const gap = best.reward - worst.reward;
    if (!(gap > 0) || gap < margin) {
      skipped.below_margin++;
      continue;
    }
    yield {
      prompt: userMessages(g.prompt),
      chosen: completionMessages(best),
      rejected: completionMessages(worst),
      provenance: {
        run,
        split: g.split,
        step: g.step,
        group: g.group,
        prompt_id: g.prompt_id,
        chosen_index: best.index,
        chosen_reward: best.reward,
        rejected_index: worst.index,
        rejected_reward: worst.reward,
        labels: [...new Set([...best.labels, ...worst.labels])].sort(),
      },
    };
  }
}

/**
 * The distinct prompts of the selected groups, in order of first appearance; the ground truth is the
 * first one logged with the prompt. Rows come at the end (a prompt's counts span the whole range).
 */
export function rlPromptRows(run: string, groups: Iterable<ExportGroup>): RlPromptRow[] {
  const byPrompt = new Map<string, RlPromptRow>();
  const sums = new Map<string, { solved: number; reward: number }>();
  for (const g of groups) {
    let row = byPrompt.get(g.prompt_id);
    if (!row) {
      const prompt = userMessages(g.prompt);
      row = {
        data_source: dataSourceOf(run, g.samples[0]!),
        question: prompt[0]!.content,
        prompt,
        ground_truth: null,
        provenance: {
          run,
          split: g.split,
          step: g.step,
          group: g.group,
          prompt_id: g.prompt_id,
          appearances: 0,
          samples: 0,
          solve_rate: 0,
          reward_mean: 0,
          labels: [],
        },
      };
      byPrompt.set(g.prompt_id, row);
    }
    const p = row.provenance;
    row.ground_truth ??= g.samples.find((s) => s.ground_truth !== null)?.ground_truth ?? null;
    // Over every sample the prompt had in the selected groups.
    const sum = sums.get(g.prompt_id) ?? { solved: 0, reward: 0 };
    for (const s of g.samples) {
      sum.solved += s.success ? 1 : 0;
      sum.reward += s.reward;
    }
    sums.set(g.prompt_id, sum);
    p.samples += g.samples.length;
    p.appearances++;
    p.labels = [...new Set([...p.labels, ...g.samples.flatMap((s) => s.labels)])].sort();
  }
  for (const [id, row] of byPrompt) {
    const sum = sums.get(id)!;
    row.provenance.solve_rate = sum.solved / row.provenance.samples;
    row.provenance.reward_mean = sum.reward / row.provenance.samples;
  }
  return [...byPrompt.values()];
}
