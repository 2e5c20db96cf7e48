/**
 * A verifier thread (see records-links.ts): its own read-only connection to the database file,
 * claiming chunks of the month until none are left. Started by `checkLinks`, which may cancel it
 * before it starts if the calling thread already finished the work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReader, runChunks, type LinkJob } from './records-links.js';

const { job, slot } = workerData as { job: LinkJob; slot: number };
const ctl = new Int32Array(job.ctl);
if (Atomics.compareExchange(ctl, slot, 0, 1) === 0) {
  const db = openReader(job.path, job.ext !== null);
  try {
    runChunks(db, job);
  } finally {
    db.close();
  }
}
parentPort!.postMessage('done');
