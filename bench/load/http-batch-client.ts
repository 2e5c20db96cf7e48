/**
 * HTTP batch load generator, run as its own process so it does not share the gateway's event loop.
 * Usage: node --import tsx bench/load/http-batch-client.ts URL APIKEY TOTAL BATCH CONCURRENCY [OFFSET]
 * Prints one JSON line: {sent, accepted, rejected, errors, seconds}.
 */
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

function makeBatch(start: number, n: number): Uint8Array<ArrayBuffer> {
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
  return new TextEncoder().encode(JSON.stringify({ messages }));
}

// Every request body is built before the clock starts, as a load tool replaying a captured request
// would: the figure is the gateway's, and this process shares the machine's two cores with it.
const bodies: Uint8Array<ArrayBuffer>[] = [];
for (let start = 0; start < total; start += batch) bodies.push(makeBatch(start, Math.min(batch, total - start)));

async function worker(): Promise<void> {
  for (;;) {
    const start = next;
    if (start >= total) return;
    const n = Math.min(batch, total - start);
    next += n;
    const body = bodies[start / batch];
    try {
      const r = await fetch(`${url}/v1/messages/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body });
      const j = (await r.json()) as { results: { status?: string }[] };
      for (const x of j.results) if (x.status === 'accepted') accepted++; else rejected++;
    } catch {
      errors += n;
    }
  }
}

const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: conc }, () => worker()));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${JSON.stringify({ sent: total, accepted, rejected, errors, seconds })}\n`);
