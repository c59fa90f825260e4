// rollout-lens tree --db FILE --run NAME --step N --group UID [--split train|val] [--tokenizer FILE] [--no-std] [--json]
import * as fs from 'node:fs';
import { groupTree } from '../../core/store/groupTrees';
import { Store } from '../../core/store/store';
import { loadTokenizer } from '../../core/tokenize/tokenizerFile';
import { ErrorCode, LensError } from '../../shared/errors';
import { dbOption, intOption, jsonOption, requireDb, requireString, str, type CommandSpec } from '../command';
import { parseSplit } from './ingest';
import { UsageError, printJson, printTable } from '../output';

export const TREE_COMMANDS: Record<string, CommandSpec> = {
  tree: {
    usage: 'tree --db FILE --run NAME --step N --group UID [--split train|val] [--tokenizer FILE] [--no-std] [--json]',
    summary: "a group's prefix tree with TEMPO values V(s), δ and token advantages",
    options: {
      ...dbOption,
      ...jsonOption,
      run: { type: 'string' },
      step: { type: 'string' },
      group: { type: 'string' },
      split: { type: 'string' },
      tokenizer: { type: 'string' },
      'no-std': { type: 'boolean' },
    },
    run: (v) => {
      const db = requireDb(v);
      const step = intOption(v, 'step');
      if (step === undefined) throw new UsageError('--step N is required');
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const tokenizerPath = str(v['tokenizer']);
      const store = Store.open(db);
      try {
        const tree = groupTree(
          store,
          { run: requireString(v, 'run'), split: parseSplit(str(v['split'])) ?? 'train', step, group: requireString(v, 'group') },
          { norm: v['no-std'] !== true, ...(tokenizerPath ? { tokenizer: loadTokenizer(tokenizerPath) } : {}) },
        );
        if (v['json'] === true) printJson(tree);
        else {
          process.stdout.write(
            `group ${tree.group}: ${tree.samples.length} samples, mean ${tree.mean.toFixed(4)}, std ${tree.std?.toFixed(4) ?? '-'}, ` +
              `${tree.nodes.length} nodes, ${tree.exact ? 'exact (logged token ids)' : 'APPROXIMATE P2T'}\n`,
          );
          for (const w of tree.warnings) process.stdout.write(`warning: ${w}\n`);
          printTable(
            tree.decision_tokens.map((d) => ({ node: d.node, depth: d.depth, text: JSON.stringify(d.text), delta: d.delta, value: d.value, count: d.count })),
            ['node', 'depth', 'text', 'delta', 'value', 'count'],
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
