// Worker-thread entry of parsedBatches.ts (bundled as dist/ingestWorker.js): parses byte ranges of
// files the ingesting thread holds open, one job per message, and posts the batches back.
import { parentPort, workerData } from 'node:worker_threads';
import { runParseWorker, type WorkerJob } from './parsedBatches';

const { flags } = workerData as { flags: Int32Array };
parentPort!.on('message', (job: WorkerJob) => runParseWorker(job, flags, (m) => parentPort!.postMessage(m)));
