/**
 * SMPP ESME load generator, in its own process: BINDS transceiver binds, WINDOW submits in flight
 * on each, TOTAL messages (UCS-2 Chinese, a verification/notification mix, distinct recipients),
 * registered_delivery on; waits for every receipt. Prints one JSON line:
 * {ok, rejected, errors, receipts, seconds, submitSeconds}.
 * Usage: node --import tsx bench/smpp-load.ts PORT SYSTEM_ID PASSWORD TOTAL BINDS WINDOW [OFFSET]
 */
import { SmppEsme } from '../src/smpp/client/esme.js';
import { EsmClass, encodeText, smPdu, tlvCString, Tag, type SmPdu } from '../src/smpp/pdu/index.js';
import { recipient } from './load/recipient.js';

const [portS, systemId, password, totalS, bindsS, windowS, offsetS] = process.argv.slice(2);
const total = Number(totalS);
const binds = Number(bindsS);
const window = Number(windowS);
const offset = Number(offsetS ?? 0);

let next = 0;
let ok = 0;
let rejected = 0;
let errors = 0;
let receipts = 0;

function pdu(k: number): SmPdu {
  const n = offset + k;
  const to = `138${recipient(n)}`;
  const verification = n % 4 === 0;
  const text = verification ? `【示例】您的验证码是${String(100000 + (n % 900000))}，5分钟内有效。` : `【示例】您的订单${n}已发货，快递单号SF${n}，请注意查收。`;
  return smPdu({
    command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: to, data_coding: 8, registered_delivery: 1,
    esm_class: 0 & EsmClass.UDHI, short_message: encodeText(text, 8), tlvs: [tlvCString(Tag.smsguard_message_type, verification ? 'verification' : 'notification')],
  });
}

const esmes = await Promise.all(Array.from({ length: binds }, () => SmppEsme.connect({
  host: '127.0.0.1', port: Number(portS), systemId, password,
  session: { windowSize: window, inboundWindow: 10_000, responseTimeoutMs: 60_000, idleTimeoutMs: 600_000 },
  onDeliver: () => {
    receipts++;
    return 0;
  },
})));

// PDUs built before the clock starts: the generator should spend its CPU on the wire, not on text
const pdus = Array.from({ length: total }, (_, k) => pdu(k));
const t0 = process.hrtime.bigint();
const progress = setInterval(() => process.stderr.write(`[smpp-load] next=${next} ok=${ok} rejected=${rejected} errors=${errors} receipts=${receipts}\n`), 1000);
progress.unref();
async function worker(e: SmppEsme): Promise<void> {
  while (next < total) {
    const k = next++;
    try {
      const r = await e.request(pdus[k]);
      if (r.command_status === 0) ok++;
      else rejected++;
    } catch {
      errors++;
    }
  }
}
await Promise.all(esmes.flatMap((e) => Array.from({ length: window }, () => worker(e))));
const submitSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const end = Date.now() + 120_000;
while (receipts < ok && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
await Promise.all(esmes.map((e) => e.close()));
process.stdout.write(`${JSON.stringify({ ok, rejected, errors, receipts, seconds, submitSeconds })}\n`);
process.exit(0);
