// Worker-thread entry of parsedBatches.ts (bundled as dist/ingestWorker.js): parses a byte range of
// a file the ingesting thread holds open, and posts the batches back.
import { parentPort, workerData } from 'node:worker_threads';
import { runParseWorker, type ParseJob } from './parsedBatches';

const data = workerData as { job: ParseJob; flags: Int32Array };
runParseWorker(data.job, data.flags, (m) => parentPort!.postMessage(m));
