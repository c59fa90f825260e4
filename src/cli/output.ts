// Printing for the CLI: JSON for machines, aligned tables for people, one-line errors.
import { isLensError, errorMessage } from '../shared/errors';

export class UsageError extends Error {}

/**
 * A reader that stops early (`rollout-lens prompt … | head`) closes the pipe: the next write fails
 * with EPIPE. Like Unix tools, the CLI then stops quietly (exit 0) instead of printing a stack trace.
 */
export function exitQuietlyWhenPipeCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`rollout-lens: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function printTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: readonly string[]): string =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(line(columns) + '\n');
  for (const r of cells) process.stdout.write(line(r) + '\n');
}

/** Prints the error as one line and returns the exit code for it. */
export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`rollout-lens: ${e.message} (see rollout-lens --help)\n`);
    return 2;
  }
  const msg = isLensError(e) ? e.message : `internal error: ${errorMessage(e)}`;
  process.stderr.write(`rollout-lens: ${msg.replace(/\s*\n\s*/g, ' ')}\n`);
  if (!isLensError(e) && process.env['ROLLOUT_LENS_DEBUG'] && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/** Writes to stdout respecting back-pressure, so large exports keep memory flat. */
export function writeOut(chunk: string): Promise<void> | undefined {
  if (process.stdout.write(chunk)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}
