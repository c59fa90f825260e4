// Worker-thread entry of parsedBatches.ts (bundled as dist/ingestWorker.js): parses byte ranges of
// files the ingesting thread holds open, one job per message, and posts the batches back; reads
// TRL parquet files whole, with their keyword counts. Started
// with an alert job, it also folds the committed rows into detector state while it would otherwise
// wait for the writer, and between jobs (alerts/foldWorker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { FoldLoop, type FoldJob } from '../alerts/foldWorker';
import { DETECTORS } from '../alerts/update';
import { ErrorCode, errorMessage, isLensError } from '../../shared/errors';
import { runParseWorker, type WorkerMessage, type WorkerRequest } from './parsedBatches';
import { readTrlCounted } from './trlFormat';

const { flags, alerts } = workerData as { flags: Int32Array; alerts?: FoldJob };
const fold = alerts ? new FoldLoop(alerts, DETECTORS) : undefined;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
parentPort!.on('message', (m: WorkerRequest) => {
  if (m.kind === 'finish-fold') {
    const r = fold ? fold.finish() : new Error('no alert fold was started');
    post(r instanceof Error ? { job: 0, kind: 'fold-error', message: r.message } : { job: 0, kind: 'fold', result: r });
    return;
  }
  fold?.pause();
  if (m.kind === 'trl') {
    const id = m.id;
    void readTrlCounted(m.file, m.rewardNames, m.reflection)
      .then(
        (read) => post({ job: id, kind: 'trl', read }),
        (e: unknown) =>
          post({ job: id, kind: 'trl-error', message: errorMessage(e), badInput: isLensError(e) && e.code === ErrorCode.BadInput }),
      )
      .finally(() => fold?.idle());
    return;
  }
  runParseWorker(m.job, flags, post, fold ? () => fold.step() : undefined);
  fold?.idle();
});
fold?.idle();
