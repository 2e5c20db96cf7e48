/**
 * HTTP batch load generator, run as its own process so it does not share the gateway's event loop.
 * Usage: node --import tsx bench/load/http-batch-client.ts URL APIKEY TOTAL BATCH CONCURRENCY [OFFSET]
 * Prints one JSON line: {sent, accepted, rejected, errors, seconds, cpuMs} (cpuMs: this process's CPU
 * while the clock ran, user and system, without its start-up and the request bodies built before).
 */
import { Agent, request } from 'node:http';
import { recipient } from './recipient.js';

const [url, apiKey, totalS, batchS, concS, offsetS] = process.argv.slice(2);
/** Recipient numbering starts here, so runs against one gateway never hit per-number caps. */
const offset = Number(offsetS ?? 0);
const total = Number(totalS);
const batch = Number(batchS);
const conc = Number(concS);

let next = 0;
let accepted = 0;
let rejected = 0;
let errors = 0;

function makeBatch(start: number, n: number): Buffer {
  const messages = [];
  for (let i = 0; i < n; i++) {
    const k = offset + start + i;
    // distinct recipients (per-number caps do not interfere) in no order, as real traffic; a realistic service-message mix
    const to = `138${recipient(k)}`;
    messages.push(
      k % 4 === 0
        ? { from: '10690001', to, text: `【示例】您的验证码是${String(100000 + (k % 900000))}，5分钟内有效。`, type: 'verification' }
        : { from: '10690001', to, text: `【示例】您的订单${k}已发货，快递单号SF${k}，请注意查收。`, type: 'notification' },
    );
  }
  return Buffer.from(JSON.stringify({ messages }));
}

// Every request body is built before the clock starts, as a load tool replaying a captured request
// would: the figure is the gateway's, and this process shares the machine's two cores with it.
const bodies: Buffer[] = [];
for (let start = 0; start < total; start += batch) bodies.push(makeBatch(start, Math.min(batch, total - start)));

// node:http with a keep-alive agent rather than fetch: fetch copied every body and decoded and parsed
// every 130 KB answer, ~7 µs of this process's CPU per message while the clock ran, on the cores the
// gateway runs on. Accepted results are counted in the answer's bytes instead (below).
const agent = new Agent({ keepAlive: true, maxSockets: conc });
const target = new URL('/v1/messages/batch', url);
const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
/**
 * Compact JSON as the gateway writes it: a result's status field. Inside a string value a quote is
 * escaped (`\"`), so these bytes occur only as a field of a result.
 */
const ACCEPTED = Buffer.from('"status":"accepted"');
const OPENING = Buffer.from('{"results":[');

/** POSTs one batch; resolves with how many of its `n` results were accepted, rejects on anything but a 200 answer of that shape. */
function post(body: Buffer, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        if (res.statusCode !== 200 || !b.subarray(0, OPENING.length).equals(OPENING)) return reject(new Error(`HTTP ${res.statusCode}: ${b.subarray(0, 200).toString()}`));
        let ok = 0;
        for (let i = b.indexOf(ACCEPTED); i !== -1; i = b.indexOf(ACCEPTED, i + ACCEPTED.length)) ok++;
        if (ok > n) return reject(new Error(`${ok} accepted results for ${n} messages`));
        resolve(ok);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function worker(): Promise<void> {
  for (;;) {
    const start = next;
    if (start >= total) return;
    const n = Math.min(batch, total - start);
    next += n;
    try {
      const ok = await post(bodies[start / batch], n);
      accepted += ok;
      rejected += n - ok;
    } catch {
      errors += n;
    }
  }
}

const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: conc }, () => worker()));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
agent.destroy();
process.stdout.write(`${JSON.stringify({ sent: total, accepted, rejected, errors, seconds, cpuMs })}\n`);
