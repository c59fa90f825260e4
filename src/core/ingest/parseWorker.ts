// Worker-thread entry of parsedBatches.ts (bundled as dist/ingestWorker.js). Either it parses byte
// ranges of files the ingesting thread holds open, one job per message, and posts the batches back;
// or, started with an alert job, it folds a bulk ingest's samples into detector state
// (alerts/foldWorker.ts). One script for both keeps one worker bundle to build and ship.
import { parentPort, workerData } from 'node:worker_threads';
import { runAlertFold, type FoldJob } from '../alerts/foldWorker';
import { DETECTORS } from '../alerts/update';
import { runParseWorker, type WorkerJob } from './parsedBatches';

const { flags, alerts } = workerData as { flags: Int32Array; alerts?: FoldJob };
if (alerts) runAlertFold(alerts, DETECTORS, flags, (m) => parentPort!.postMessage(m));
else parentPort!.on('message', (job: WorkerJob) => runParseWorker(job, flags, (m) => parentPort!.postMessage(m)));
