// The one write loop of the whole-file passes (TRL parquet, ART, oat evaluation results, reward
// debug logs): samples stored in transactions of `ctx.batchRows`, pausing between them so the engine
// answers other requests, stopping when cancelled. The caller's `onLast` runs inside the last
// batch's transaction, where it saves the cursor: a crash before it reads the file again, and the
// samples already stored are skipped by identity.
import type { PassContext, PassCounters } from './filePass';
import type { SampleRecord } from './records';

export async function writeInBatches(
  ctx: PassContext,
  rows: readonly SampleRecord[],
  fileId: number,
  counters: PassCounters,
  onLast: () => void,
  opts: {
    /** Keyword counts made ahead by a parsing worker, by row. */
    reflections?: ReadonlyArray<number | undefined> | undefined;
    /** False where every pass re-reads rows stored before (a reward log that grew): they are not news. */
    countDuplicates?: boolean;
  } = {},
): Promise<void> {
  for (let i = 0; i < rows.length || i === 0; i += ctx.batchRows) {
    const batch = rows.slice(i, i + ctx.batchRows);
    const last = i + ctx.batchRows >= rows.length;
    try {
      ctx.store.write(() => {
        batch.forEach((s, j) => {
          if (ctx.writer.addSample(s, fileId, opts.reflections?.[i + j])) {
            counters.added++;
            counters.steps.add(`${s.split}:${s.step}`);
          } else if (opts.countDuplicates !== false) counters.duplicate++;
        });
        ctx.writer.flush();
        if (last) onLast();
      });
    } catch (e) {
      ctx.writer.forgetCaches();
      throw e;
    }
    await ctx.breathe();
    if (ctx.signal?.aborted) break;
  }
}
