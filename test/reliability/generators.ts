// Larger trainer outputs for fault tests, shaped exactly like the real ones in test/fixtures:
// verl `{step}.jsonl` dumps (json.dumps with ", " / ": " separators, keys input, output, gts, score,
// step, extras; rows of a prompt spread over the file) and TRL completions parquet (step int64,
// prompt / completion strings, one double column per reward function, advantage).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng } from '../helpers';

/** Python's json.dumps layout (", " and ": "), which verl writes. */
function pyJson(o: Record<string, unknown>): string {
  return (
    '{' +
    Object.entries(o)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ') +
    '}'
  );
}

export function writeVerlDump(dir: string, opts: { steps: number; prompts: number; g: number; seed?: number }): number {
  const rand = prng(opts.seed ?? 3);
  fs.mkdirSync(dir, { recursive: true });
  let rows = 0;
  for (let step = 1; step <= opts.steps; step++) {
    const lines: string[] = [];
    for (let p = 0; p < opts.prompts; p++) {
      const input = `system\nYou are a helpful assistant.\nuser\nProblem ${step}-${p}: what is ${p} + ${step}? Write "Answer: <n>".\nassistant\n`;
      for (let i = 0; i < opts.g; i++) {
        const ok = rand() < 0.45;
        const output = `Let me add ${p} and ${step}. ${'We carefully check the arithmetic. '.repeat(1 + Math.floor(rand() * 20))}Answer: ${ok ? p + step : p + step + 1}`;
        lines.push(
          pyJson({
            input,
            output,
            gts: String(p + step),
            score: ok ? 1.0 : -1.0,
            step,
            acc: ok,
            pred: String(ok ? p + step : p + step + 1),
          }),
        );
      }
    }
    // balance_batch reorders rows: interleave prompts so a group's rows are spread over the file.
    const order = lines.map((_, i) => i).sort((a, b) => (a % opts.g) - (b % opts.g) || a - b);
    fs.writeFileSync(path.join(dir, `${step}.jsonl`), order.map((i) => lines[i]).join('\n') + '\n');
    rows += lines.length;
  }
  return rows;
}

export async function writeTrlOutput(dir: string, opts: { files: number; prompts: number; g: number; seed?: number }): Promise<number> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const rand = prng(opts.seed ?? 5);
  const out = path.join(dir, 'completions');
  fs.mkdirSync(out, { recursive: true });
  let rows = 0;
  for (let step = 1; step <= opts.files; step++) {
    const steps: bigint[] = [];
    const prompts: string[] = [];
    const completions: string[] = [];
    const correctness: number[] = [];
    const format: number[] = [];
    const advantage: number[] = [];
    for (let p = 0; p < opts.prompts; p++) {
      for (let i = 0; i < opts.g; i++) {
        const ok = rand() < 0.4 ? 1 : 0;
        steps.push(BigInt(step));
        prompts.push(`user\n${p}+${step}=\nassistant\n`);
        completions.push(`${ok ? p + step : p + step + 1}${'.'.repeat(Math.floor(rand() * 30))}`);
        correctness.push(ok);
        format.push(rand() < 0.8 ? 0.5 : 0);
        advantage.push(rand() - 0.5);
      }
    }
    parquetWriteFile({
      filename: path.join(out, `completions_${String(step).padStart(5, '0')}.parquet`),
      columnData: [
        { name: 'step', data: steps, type: 'INT64' },
        { name: 'prompt', data: prompts, type: 'STRING' },
        { name: 'completion', data: completions, type: 'STRING' },
        { name: 'correctness', data: correctness, type: 'DOUBLE' },
        { name: 'format_reward', data: format, type: 'DOUBLE' },
        { name: 'advantage', data: advantage, type: 'DOUBLE' },
      ],
    });
    rows += steps.length;
  }
  return rows;
}
