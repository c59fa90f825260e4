// rollout-lens: the engine, headless. Each command is a row in COMMANDS; output is JSON with --json.
import { parseArgs } from 'node:util';
import { dbOption as db, intOption, jsonOption as json, requireDb, str, type CommandSpec, type Values } from './command';
import { ALERT_COMMANDS } from './commands/alerts';
import { EXPORT_DATASET_COMMANDS } from './commands/exportDataset';
import { ANALYSIS_COMMANDS } from './commands/analysis';
import { CLUSTER_COMMANDS } from './commands/clusters';
import { LABEL_COMMANDS } from './commands/labels';
import { ingestCommand } from './commands/ingest';
import { PROMPT_COMMANDS } from './commands/prompt';
import { REWARD_COMMANDS } from './commands/rewards';
import { RUN_COMMANDS } from './commands/runs';
import { SUCCESS_COMMANDS } from './commands/success';
import { TREE_COMMANDS } from './commands/tree';
import { RENDER_COMMANDS } from './commands/render';
import { REPORT_COMMANDS } from './commands/report';
import { exportCommand, runsCommand, searchCommand, statsCommand } from './commands/query';
import { UsageError, exitQuietlyWhenPipeCloses, reportError } from './output';
import { runtimeLine, runtimeReport } from '../core/runtimeReport';
import { FORMAT_CHOICES } from '../shared/rollout';

export const COMMANDS: Record<string, CommandSpec> = {
  ingest: {
    usage: `ingest <path>... --db FILE [--run NAME] [--format ${FORMAT_CHOICES.join('|')}] [--split train|val] [--group-size N] [--dataset FILE]... [--image-root DIR] [--video-root DIR] [--follow] [--poll-ms N] [--batch-rows N] [--json]`,
    summary: 'read rollouts and metrics into the database, exactly once',
    options: {
      ...db,
      ...json,
      run: { type: 'string' },
      format: { type: 'string' },
      split: { type: 'string' },
      follow: { type: 'boolean' },
      'poll-ms': { type: 'string' },
      'batch-rows': { type: 'string' },
      'group-size': { type: 'string' },
      dataset: { type: 'string', multiple: true },
      'image-root': { type: 'string' },
      'video-root': { type: 'string' },
    },
    run: (v, pos) =>
      ingestCommand({
        paths: pos,
        db: requireDb(v),
        run: str(v['run']),
        format: str(v['format']),
        split: str(v['split']),
        follow: v['follow'] === true,
        json: v['json'] === true,
        pollMs: intOption(v, 'poll-ms', 10),
        batchRows: intOption(v, 'batch-rows', 1),
        groupSize: intOption(v, 'group-size', 1),
        datasets: Array.isArray(v['dataset']) ? v['dataset'] : [],
        imageRoot: str(v['image-root']),
        videoRoot: str(v['video-root']),
      }),
  },
  runs: {
    usage: 'runs --db FILE [--json]',
    summary: 'list the runs in a database',
    options: { ...db, ...json },
    run: (v) => runsCommand({ db: requireDb(v), json: v['json'] === true }),
  },
  stats: {
    usage: 'stats --db FILE --run NAME [--step N] [--json]',
    summary: 'per-step statistics of a run',
    options: { ...db, ...json, run: { type: 'string' }, step: { type: 'string' } },
    run: (v) => statsCommand({ db: requireDb(v), run: str(v['run']), step: str(v['step']), json: v['json'] === true }),
  },
  export: {
    usage: 'export --db FILE --run NAME [--step N] --format jsonl',
    summary: 'write a run as native JSONL to stdout (ingests back unchanged)',
    options: { ...db, run: { type: 'string' }, step: { type: 'string' }, format: { type: 'string' } },
    run: (v) => exportCommand({ db: requireDb(v), run: str(v['run']), step: str(v['step']), format: str(v['format']) }),
  },
  search: {
    usage: 'search QUERY --db FILE [--run NAME] [--limit N] [--offset N | --before ID] [--all-turns] [--json]',
    summary: "full-text search of responses (the policy's own text; --all-turns: tool and user turns too)",
    options: {
      ...db,
      ...json,
      run: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      before: { type: 'string' },
      'all-turns': { type: 'boolean' },
    },
    run: (v, pos) =>
      searchCommand({
        db: requireDb(v),
        query: pos,
        run: str(v['run']),
        limit: intOption(v, 'limit', 1),
        offset: intOption(v, 'offset', 0),
        before: intOption(v, 'before', 1),
        allTurns: v['all-turns'] === true,
        json: v['json'] === true,
      }),
  },
  ...TREE_COMMANDS,
  ...RENDER_COMMANDS,
  ...REPORT_COMMANDS,
  ...PROMPT_COMMANDS,
  ...ANALYSIS_COMMANDS,
  ...REWARD_COMMANDS,
  ...RUN_COMMANDS,
  ...SUCCESS_COMMANDS,
  ...ALERT_COMMANDS,
  ...EXPORT_DATASET_COMMANDS,
  ...CLUSTER_COMMANDS,
  ...LABEL_COMMANDS,
};

function help(): string {
  const lines = ['usage: rollout-lens <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`, `      rollout-lens ${c.usage}`);
  lines.push('  --version    this version, the runtime and the SQLite driver it uses (--json for an object)');
  lines.push('', 'Docs: docs/cli.md. Exit codes: 0 ok, 1 error (one line on stderr), 2 bad usage.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenPipeCloses();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    const r = runtimeReport();
    process.stdout.write(
      rest.includes('--json') ? `${JSON.stringify(r)}\n` : `${runtimeLine(r)}\n${r.notes.map((n) => `  ${n}\n`).join('')}`,
    );
    return r.driverName === 'none' ? 1 : 0;
  }
  const cmd = COMMANDS[name];
  try {
    if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`usage: rollout-lens ${cmd.usage}\n`);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return await cmd.run(parsed.values as Values, parsed.positionals);
  } catch (e) {
    return reportError(e);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e);
    },
  );
}
