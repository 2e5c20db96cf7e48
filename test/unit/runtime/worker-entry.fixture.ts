// A worker entry for worker-script.test.ts: imports a package (left outside the bundle) and a
// module of ours (bundled in), and answers with what both computed.
import { parentPort, workerData } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { maskMsisdn } from '../../../src/domain/msisdn.js';

const c = new LRUCache<string, number>({ max: 2 });
c.set('a', 1);
const strict = (function (this: unknown) { return this === undefined; })();
parentPort!.postMessage({ masked: maskMsisdn(workerData.msisdn as string), cached: c.get('a'), strict });
