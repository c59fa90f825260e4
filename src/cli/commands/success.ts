// rollout-lens success-rule …: what "solved" means in a run, and the threshold a user sets for runs
// that log neither a verdict nor a correctness component (src/shared/success.ts, docs/cli.md).
import * as fs from 'node:fs';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError } from '../../shared/errors';
import { describeSuccessRule } from '../../shared/success';
import { dbOption, jsonOption, requireDb, requireString, str, type CommandSpec } from '../command';
import { UsageError, printJson } from '../output';

function parseThreshold(s: string): number {
  const t = Number(s);
  if (s.trim() === '' || !Number.isFinite(t)) throw new UsageError(`--threshold must be a number, got ${JSON.stringify(s)}`);
  return t;
}

export const SUCCESS_COMMANDS: Record<string, CommandSpec> = {
  'success-rule': {
    usage: 'success-rule --db FILE --run NAME [--threshold X | --clear-threshold] [--json]',
    summary: 'what counts as solved in a run; --threshold sets reward ≥ X for samples with no verdict or correctness component',
    options: { ...dbOption, ...jsonOption, run: { type: 'string' }, threshold: { type: 'string' }, 'clear-threshold': { type: 'boolean' } },
    run: (v) => {
      const db = requireDb(v);
      const run = requireString(v, 'run');
      const threshold = str(v['threshold']);
      const clear = v['clear-threshold'] === true;
      if (threshold !== undefined && clear) throw new UsageError('give --threshold or --clear-threshold, not both');
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const store = Store.open(db);
      try {
        store.requireRun(run);
        const summary =
          threshold !== undefined || clear
            ? store.setSuccessThreshold(run, clear ? null : parseThreshold(threshold!))
            : store.listRuns().find((r) => r.run === run)!;
        const out = {
          run,
          success_rule: summary.success_rule,
          success_threshold: summary.success_threshold,
          description: describeSuccessRule(summary.success_rule, summary.success_threshold),
        };
        if (v['json'] === true) printJson(out);
        else process.stdout.write(`${run}: solved = ${out.description}\n`);
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
