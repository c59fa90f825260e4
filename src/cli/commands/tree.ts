// rollout-lens tree … (a group's prefix tree) and rollout-lens group … (the group view's data).
import * as fs from 'node:fs';
import { groupTree } from '../../core/store/groupTrees';
import { Store } from '../../core/store/store';
import { loadTokenizer, type TextTokenizer } from '../../core/tokenize/tokenizerFile';
import { groupView } from '../../core/views/groupView';
import { judgedGroupTree } from '../../core/views/judgedTree';
import type { JudgedEstimator } from '../../shared/protocol/webviews/advantages';
import type { GroupRef } from '../../shared/explorer';
import { ErrorCode, LensError } from '../../shared/errors';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { parseSplit } from './ingest';
import { UsageError, printJson, printTable } from '../output';

/** The options that name a group (and the database it is in), shared by the commands that show one. */
export const groupOptions = {
  ...dbOption,
  ...jsonOption,
  run: { type: 'string' },
  step: { type: 'string' },
  group: { type: 'string' },
  split: { type: 'string' },
  tokenizer: { type: 'string' },
} as const;

export const TREE_COMMANDS: Record<string, CommandSpec> = {
  tree: {
    usage:
      'tree --db FILE --run NAME --step N --group UID [--split train|val] [--tokenizer FILE] [--no-std] [--estimator tempo|brpo|multi-rm|verifree] [--json]',
    summary: "a group's prefix tree with TEMPO values V(s), δ and token advantages (or a judged estimator's)",
    options: { ...groupOptions, 'no-std': { type: 'boolean' }, estimator: { type: 'string' } },
    run: (v) => {
      const estimator = str(v['estimator']) ?? 'tempo';
      if (estimator !== 'tempo' && !isJudged(estimator))
        throw new UsageError(`unknown --estimator ${JSON.stringify(estimator)}: use tempo, brpo, multi-rm or verifree`);
      if (isJudged(estimator) && v['no-std'] === true)
        throw new UsageError('--no-std applies to tempo (the judged estimators normalise as their papers do)');
      const { store, ref, tokenizer } = openGroup(v);
      try {
        const tree = isJudged(estimator)
          ? judgedGroupTree(store, ref, estimator, tokenizer)
          : groupTree(store, ref, { norm: v['no-std'] !== true, ...tokenizer });
        if (v['json'] === true) printJson(tree);
        else {
          process.stdout.write(
            `group ${tree.group}: ${tree.samples.length} samples, mean ${tree.mean.toFixed(4)}, std ${tree.std?.toFixed(4) ?? '-'}, ` +
              `${tree.nodes.length} nodes, ${tree.exact ? 'exact (logged token ids)' : 'APPROXIMATE P2T'}\n`,
          );
          for (const w of tree.warnings) process.stdout.write(`warning: ${w}\n`);
          printTable(
            tree.decision_tokens.map((d) => ({
              node: d.node,
              depth: d.depth,
              text: JSON.stringify(d.text),
              delta: d.delta,
              value: d.value,
              count: d.count,
            })),
            ['node', 'depth', 'text', 'delta', 'value', 'count'],
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
  group: {
    usage: 'group --db FILE --run NAME --step N --group UID [--split train|val] [--tokenizer FILE] [--epsilon E] [--json]',
    summary: 'what the group view shows: samples with advantages and components, prompt, ground truth, prefix tree, token statistics',
    options: { ...groupOptions, epsilon: { type: 'string' } },
    run: (v) => {
      const epsilon = str(v['epsilon']);
      if (epsilon !== undefined && !(Number(epsilon) > 0 && Number(epsilon) < 1))
        throw new UsageError(`--epsilon must be a number in (0, 1), got ${JSON.stringify(epsilon)}`);
      const { store, ref, tokenizer } = openGroup(v);
      try {
        const r = groupView(store, ref, { ...tokenizer, ...(epsilon !== undefined ? { epsilon: Number(epsilon) } : {}) });
        if (v['json'] === true) printJson(r);
        else {
          const tree = r.view.tree;
          process.stdout.write(
            `group ${ref.group} of step ${ref.step}: ${r.view.samples.length} samples; tree ${tree ? `${tree.nodes.length} nodes, ${tree.exact ? 'exact' : 'APPROXIMATE'}` : `none (${r.view.tree_error ?? 'no samples'})`}\n`,
          );
          printTable(
            r.view.samples.map((s) => ({
              index: s.index,
              reward: s.reward,
              advantage: s.advantage,
              source: s.advantage_source,
              correct: s.correct,
              finish: s.finish_reason,
              length: s.length,
              components: s.components,
            })),
            ['index', 'reward', 'advantage', 'source', 'correct', 'finish', 'length', 'components'],
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
};

/** The database, the group named by --run/--split/--step/--group, and the tokenizer if one is given. */
function openGroup(v: Values): { store: Store; ref: GroupRef; tokenizer: { tokenizer?: TextTokenizer } } {
  const db = requireDb(v);
  const step = intOption(v, 'step');
  if (step === undefined) throw new UsageError('--step N is required');
  const ref: GroupRef = {
    run: requireString(v, 'run'),
    split: parseSplit(str(v['split'])) ?? 'train',
    step,
    group: requireString(v, 'group'),
  };
  if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
  const tokenizerPath = str(v['tokenizer']);
  const tokenizer = tokenizerPath ? { tokenizer: loadTokenizer(tokenizerPath) } : {};
  return { store: Store.open(db), ref, tokenizer };
}

function isJudged(e: string): e is JudgedEstimator {
  return e === 'brpo' || e === 'multi-rm' || e === 'verifree';
}
