// Turning what a run printed since last time into stored metrics and progress. The log offset and
// the parser's step counter are committed with the metrics, so a crash or a new supervisor goes on
// from exactly the first line whose metrics were not stored.
import type { LaunchRow, RunStore } from '../store/runStore';
import { readNewLines } from './logFile';
import type { LogMetrics, LogMetricsParser, LogProgress } from './logMetrics';

/**
 * Parses the log of `l` from its stored offset, at most `passes` × 4 MiB. With `metrics` false the
 * lines are only skipped over. Returns the highest step seen so far, or null.
 */
export function parseNewLogLines(
  runs: RunStore,
  parser: LogMetricsParser,
  l: LaunchRow,
  opts: { passes: number; metrics: boolean },
): number | null {
  if (!l.log_path) return null;
  let offset = l.log_offset;
  let last: number | null = null;
  for (let i = 0; i < opts.passes; i++) {
    const got = readNewLines(l.log_path, offset);
    if (got.restarted) parser.trlRecords = 0;
    if (got.lines.length === 0 && got.next === offset) break;
    const metrics: LogMetrics[] = [];
    let progress: LogProgress | null = null;
    if (opts.metrics) {
      for (const line of got.lines) {
        for (const rec of parser.feed(line)) {
          if (rec.kind === 'metrics') metrics.push(rec.metrics);
          else progress = rec.progress;
        }
      }
    }
    const step = Math.max(parser.lastStep ?? -1, progress?.step ?? -1);
    last = step < 0 ? null : step;
    runs.commitLogProgress(
      l,
      {
        offset: got.next,
        records: parser.trlRecords,
        lastStep: last,
        totalSteps: progress?.total ?? null,
        etaSeconds: progress?.etaSeconds ?? null,
      },
      metrics,
    );
    offset = got.next;
  }
  return last;
}
