// Running the analysis commands in-process, as main.ts would, with their inputs in a temporary folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { after } from 'node:test';
import { ANALYSIS_COMMANDS } from '../../../src/cli/commands/analysis';
import type { Values } from '../../../src/cli/command';

/** A temporary folder removed after the test file, and a writer of JSON (or raw text) files in it. */
export function tempInputs(): { dir: string; file: (name: string, content: unknown) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-lens-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
    return f;
  };
  return { dir, file };
}

/** Runs a command as main.ts would and returns its exit code, stdout and stderr. */
export async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const [name, ...rest] = argv;
  const cmd = ANALYSIS_COMMANDS[name as string];
  assert.ok(cmd, `command ${name}`);
  const parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    const code = await cmd.run(parsed.values as Values, parsed.positionals);
    return { code, out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
}
