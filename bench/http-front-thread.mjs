// Experiment (bench only, not the gateway): POST /v1/messages served by node:http on a worker thread, each submission decided on the main thread (bench/smpp-gateway.ts, SMSGUARD_BENCH_HTTP_THREAD=bench/http-front-thread.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from 'node:http';
const open = new Map();
let next = 1;
let out = [];
let scheduled = false;
const flush = () => { scheduled = false; const items = out; out = []; parentPort.postMessage(items); };
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/messages') { res.writeHead(404).end(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()); } catch { res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_request"}}'); return; }
    const k = next++;
    open.set(k, res);
    out.push([k, req.headers.authorization, body]);
    if (!scheduled) { scheduled = true; setImmediate(flush); }
  });
});
parentPort.on('message', (items) => {
  for (const [k, status, bytes] of items) {
    const res = open.get(k);
    open.delete(k);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.byteLength });
    res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
