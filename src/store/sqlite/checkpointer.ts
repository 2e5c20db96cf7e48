/**
 * WAL checkpoints off the message path. SQLite's automatic checkpoint runs inside the committing
 * transaction on the writer's thread: measured here it was two thirds of the cost of an insert.
 * A worker thread with its own connection runs PASSIVE checkpoints (never blocking the writer) a
 * few times a second; the writer's own auto-checkpoint stays on as a backstop at a high threshold.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// Never create the file: a month file may be purged (unlinked) while this thread is still starting.
let db;
try { db = new Database(workerData.path, { fileMustExist: true }); } catch (e) { db = null; }
if (db) db.pragma('busy_timeout = 100');
let stopped = false;
const tick = () => {
  if (stopped || !db) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { /* busy: try again next tick */ }
  setTimeout(tick, workerData.intervalMs);
};
tick();
parentPort.on('message', (m) => { if (m === 'stop') { stopped = true; try { if (db) { db.pragma('wal_checkpoint(PASSIVE)'); db.close(); } } catch {} parentPort.postMessage('stopped'); } });
`;

export class Checkpointer {
  private readonly worker: Worker;
  constructor(path: string, intervalMs = 200) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      this.worker.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
  }
}
