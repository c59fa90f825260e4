// Runs the run commands (src/cli/commands/runs.ts) the way src/cli/main.ts dispatches a command,
// so the CLI tests do not depend on how main.ts wires them in.
import { parseArgs } from 'node:util';
import { RUN_COMMANDS } from '../../../src/cli/commands/runs';
import type { Values } from '../../../src/cli/command';
import { reportError } from '../../../src/cli/output';

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const cmd = RUN_COMMANDS[name ?? ''];
  if (!cmd) return reportError(new Error(`unknown command ${name}`));
  try {
    const parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
    return await cmd.run(parsed.values as Values, parsed.positionals);
  } catch (e) {
    return reportError(e);
  }
}

run(process.argv.slice(2)).then((code) => (process.exitCode = code));
