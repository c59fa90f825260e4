// rollout-lens ingest <path>... --db FILE [--run NAME] [--format FORMAT] [--split train|val] [--follow] [--json]
import { Ingestor, defaultRunName } from '../../core/ingest/ingestor';
import { Store } from '../../core/store/store';
import { FORMAT_CHOICES, type FormatChoice, type IngestReport, type Split } from '../../shared/rollout';
import { UsageError, printJson } from '../output';

export interface IngestArgs {
  paths: string[];
  db: string;
  run?: string;
  format?: string;
  split?: string;
  follow?: boolean;
  json?: boolean;
  pollMs?: number | undefined;
  /** Rows per transaction (default 4,000): smaller commits more often. */
  batchRows?: number | undefined;
  /** Rollouts per prompt, for formats without a group id (NeMo-RL num_generations_per_prompt). */
  groupSize?: number | undefined;
  /** `--dataset FILE` (repeatable): rows that rollouts are joined to (docs/cli.md#ingest). */
  datasets?: string[];
  /** `--image-root DIR`: where the datasets' image paths start. */
  imageRoot?: string | undefined;
  /** `--video-root DIR`: where the annotations' videos are (the trainer's --video_folder). */
  videoRoot?: string | undefined;
}

export function parseFormat(v: string | undefined): FormatChoice {
  if (v === undefined) return 'auto';
  const choice = FORMAT_CHOICES.find((f) => f === v);
  if (choice !== undefined) return choice;
  throw new UsageError(`unknown format ${JSON.stringify(v)}: use ${FORMAT_CHOICES.join(', ')}`);
}

export function parseSplit(v: string | undefined): Split | undefined {
  if (v === undefined) return undefined;
  if (v === 'train' || v === 'val') return v;
  throw new UsageError(`unknown split ${JSON.stringify(v)}: use train or val`);
}

function summary(r: IngestReport): string {
  const errs =
    (r.errors.length ? `, ${r.errors.length} error(s)` : '') + (r.skipped.length ? `, ${r.skipped.length} file(s) not read` : '');
  return (
    `${r.run}: ${r.samples_added} samples added, ${r.samples_duplicate} already stored, ${r.steps} steps, ` +
    `${r.metrics_added} metric values, ${r.files} files (${r.format})${errs}`
  );
}

export async function ingestCommand(a: IngestArgs): Promise<number> {
  if (a.paths.length === 0) throw new UsageError('ingest needs at least one path');
  const format = parseFormat(a.format);
  const split = parseSplit(a.split);
  const run = a.run ?? defaultRunName(a.paths[0]!);
  const store = Store.open(a.db);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const ingestor = new Ingestor(store, a.paths, {
      run,
      format,
      ...(split ? { split } : {}),
      signal: controller.signal,
      ...(a.batchRows ? { batchRows: a.batchRows } : {}),
      ...(a.groupSize ? { groupSize: a.groupSize } : {}),
      ...(a.datasets?.length ? { datasets: a.datasets } : {}),
      ...(a.imageRoot ? { imageRoot: a.imageRoot } : {}),
      ...(a.videoRoot ? { videoRoot: a.videoRoot } : {}),
      onProgress: a.json || !process.stderr.isTTY ? undefined : (p) => process.stderr.write(`\r${p.message}   `),
      onWarning: (m) => process.stderr.write(`rollout-lens: warning: ${m}\n`),
    });
    let report: IngestReport;
    if (a.follow) {
      process.stderr.write(`following ${a.paths.join(', ')} into run ${run} (Ctrl-C stops after a final read)\n`);
      report = await ingestor.follow({
        pollMs: a.pollMs ?? 500,
        onPass: a.json ? undefined : (r) => process.stderr.write(`${summary(r)}\n`),
      });
    } else {
      report = await ingestor.ingestOnce();
    }
    if (process.stderr.isTTY && !a.json) process.stderr.write('\n');
    if (a.json) printJson(report);
    else {
      process.stdout.write(summary(report) + '\n');
      for (const e of report.errors) process.stdout.write(`  ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
      for (const w of report.warnings ?? []) process.stdout.write(`  warning: ${w}\n`);
      for (const f of report.skipped) process.stdout.write(`  not read: ${f.file}: ${f.reason}\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    store.close();
  }
}
