// rollout-lens prompt: one prompt's timeline in one run or several side by side; rollout-lens
// prompts: a run's prompts by how long they stayed trainable. Docs: docs/cli.md#prompt.
import * as fs from 'node:fs';
import { promptLives, promptTimeline, type PromptSelector } from '../../core/store/promptTimeline';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError } from '../../shared/errors';
import type { PromptTimeline, PromptTimelinePoint } from '../../shared/promptTimeline';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';
import { parseSplit } from './ingest';

function openExisting(db: string): Store {
  if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
  return Store.open(db);
}

function selector(v: Values): PromptSelector {
  const text = str(v['text']);
  const id = str(v['prompt-id']);
  if ((text === undefined) === (id === undefined)) throw new UsageError('give exactly one of --text T or --prompt-id H');
  return text !== undefined ? { text } : { promptId: id as string };
}

function runNames(v: Values): string[] {
  const r = v['run'];
  const names = Array.isArray(r) ? r : typeof r === 'string' ? [r] : [];
  if (names.length === 0) throw new UsageError('--run NAME is required (give it twice to compare two runs)');
  if (new Set(names).size !== names.length) throw new UsageError('each --run must name a different run');
  return names;
}

/** The documented JSON row: exactly these keys, in this order (what the table shows, and the length's unit). */
function row(p: PromptTimelinePoint): PromptTimelinePoint {
  return {
    step: p.step,
    split: p.split,
    group: p.group,
    samples: p.samples,
    reward_mean: p.reward_mean,
    solve_rate: p.solve_rate,
    spread: p.spread,
    mean_length: p.mean_length,
    length_unit: p.length_unit,
    degenerate: p.degenerate,
  };
}

function printHuman(t: PromptTimeline): void {
  process.stdout.write(`run ${t.run}: prompt ${t.prompt_id}, ${t.points.length} appearance(s)`);
  process.stdout.write(t.stopped ? `, no gradient from ${t.stopped.split} step ${t.stopped.step} on (${t.stopped.kind})\n` : '\n');
  printTable(t.points as unknown as Record<string, unknown>[], [
    'step',
    'split',
    'group',
    'samples',
    'reward_mean',
    'solve_rate',
    'spread',
    'mean_length',
    'degenerate',
  ]);
}

export const PROMPT_COMMANDS: Record<string, CommandSpec> = {
  prompt: {
    usage: 'prompt --db FILE --run NAME [--run NAME2] (--text T | --prompt-id ID) [--split train|val] [--json]',
    summary: "one prompt's groups over the steps of a run (or two runs side by side)",
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string', multiple: true },
      text: { type: 'string' },
      'prompt-id': { type: 'string' },
      split: { type: 'string' },
    },
    run: (v) => {
      const db = requireDb(v);
      const sel = selector(v);
      const runs = runNames(v);
      const split = parseSplit(str(v['split']));
      const store = openExisting(db);
      try {
        const timelines = runs.map((run) => {
          const t = promptTimeline(store, run, sel, split);
          if (t.points.length === 0)
            throw new LensError(
              ErrorCode.NotFound,
              `run ${JSON.stringify(run)} never asked prompt ${t.prompt_id}${split ? ` in its ${split} split` : ''}`,
            );
          return t;
        });
        if (v['json'] === true) {
          if (timelines.length === 1) printJson(timelines[0]!.points.map(row));
          else printJson(Object.fromEntries(timelines.map((t) => [t.run, t.points.map(row)])));
        } else timelines.forEach(printHuman);
        return 0;
      } finally {
        store.close();
      }
    },
  },
  prompts: {
    usage: 'prompts --db FILE --run NAME [--split train|val] [--limit N] [--json]',
    summary: "a run's prompts by how many steps they carried gradient",
    options: { ...dbOption, ...jsonOption, run: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' } },
    run: (v) => {
      const store = openExisting(requireDb(v));
      try {
        const split = parseSplit(str(v['split']));
        const limit = intOption(v, 'limit', 1);
        const rows = promptLives(store, requireString(v, 'run'), {
          ...(split ? { split } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        if (v['json'] === true) printJson(rows);
        else
          printTable(rows as unknown as Record<string, unknown>[], [
            'prompt_id',
            'trainable',
            'appearances',
            'first_step',
            'last_step',
            'last_trainable_step',
            'preview',
          ]);
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
