/**
 * SMPP ESME load generator, in its own process: BINDS transceiver binds, WINDOW submits in flight
 * on each, TOTAL messages (UCS-2 Chinese, a verification/notification mix, distinct recipients),
 * registered_delivery on; acknowledges every deliver_sm and waits for every receipt. Prints one JSON
 * line: {ok, rejected, errors, receipts, seconds, submitSeconds}.
 * Usage: node --import tsx bench/smpp-load.ts PORT SYSTEM_ID PASSWORD TOTAL BINDS WINDOW [OFFSET]
 *
 * Lean on purpose, like the C and Perl tools it is compared with (ab, smpp-client.pl): it shares the
 * two cores with the gateway it measures, so every microsecond it spends per message is one the
 * gateway does not get. Submits are encoded before the clock starts (only the sequence number is
 * written at send time), and what comes back is read by its header alone, except that a deliver_sm
 * is answered with a deliver_sm_resp for its sequence number. Responses of one read go out in one
 * write. The full session (src/smpp/session) cost ~30 µs of this process's CPU per message
 * (2026-12-04, bench/smpp-cpu.ts); this reader a fraction of it (docs/PERFORMANCE.md).
 */
import { connect, type Socket } from 'node:net';
import { CommandId, encodePdu, EsmClass, encodeText, smPdu, tlvCString, Tag } from '../src/smpp/pdu/index.js';
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
/** Encoded submits, one per message (filled before the clock starts), and when the clock started. */
let pdus: Buffer[] = [];
let t0 = 0n;

function pdu(k: number): Buffer {
  const n = offset + k;
  const to = `138${recipient(n)}`;
  const verification = n % 4 === 0;
  const text = verification ? `【示例】您的验证码是${String(100000 + (n % 900000))}，5分钟内有效。` : `【示例】您的订单${n}已发货，快递单号SF${n}，请注意查收。`;
  return encodePdu(smPdu({
    command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: to, data_coding: 8, registered_delivery: 1,
    esm_class: 0 & EsmClass.UDHI, short_message: encodeText(text, 8), tlvs: [tlvCString(Tag.smsguard_message_type, verification ? 'verification' : 'notification')],
  }));
}

/** A header-only PDU (or one with a one-octet empty message_id body: deliver_sm_resp). */
function header(id: number, status: number, seq: number, body = 0): Buffer {
  const b = Buffer.alloc(16 + body);
  b.writeUInt32BE(16 + body, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(seq, 12);
  return b;
}

/** One bind: a socket, its window, and the PDUs it has to write at the end of this read. */
class Bind {
  inFlight = 0;
  seq = 1;
  private buf: Buffer = Buffer.alloc(0);
  private out: Buffer[] = [];
  private bound: (() => void) | null = null;
  private boundFail: ((e: Error) => void) | null = null;
  closed = false;
  constructor(readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', (e) => { this.boundFail?.(e); errors++; });
    sock.on('close', () => {
      this.closed = true;
      this.boundFail?.(new Error('connection closed'));
      // its window will never be answered: counted as errors, so the run ends and says so
      errors += this.inFlight;
      this.inFlight = 0;
      if (t0 !== 0n) maybeDone();
    });
  }

  bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.bound = resolve;
      this.boundFail = reject;
      this.sock.write(encodePdu({ command: 'bind_transceiver', command_status: 0, sequence_number: this.seq++, system_id: systemId, password, system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }));
    });
  }

  /** Fills the window from the shared message counter. */
  fill(): void {
    while (this.inFlight < window && next < total) {
      const b = pdus[next++];
      b.writeUInt32BE(this.seq++ & 0x7fffffff, 12);
      this.out.push(b);
      this.inFlight++;
    }
  }

  flush(): void {
    if (this.out.length === 0) return;
    this.sock.write(this.out.length === 1 ? this.out[0] : Buffer.concat(this.out));
    this.out = [];
  }

  private onData(d: Buffer): void {
    let b = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    while (b.length - off >= 16) {
      const len = b.readUInt32BE(off);
      if (len < 16 || len > 65_536) {
        errors++;
        this.sock.destroy();
        return;
      }
      if (b.length - off < len) break;
      const id = b.readUInt32BE(off + 4);
      const status = b.readUInt32BE(off + 8);
      const seq = b.readUInt32BE(off + 12);
      off += len;
      switch (id) {
        case CommandId.submit_sm_resp:
          this.inFlight--;
          if (status === 0) ok++;
          else rejected++;
          break;
        case CommandId.deliver_sm:
          receipts++;
          this.out.push(header(CommandId.deliver_sm_resp, 0, seq, 1));
          break;
        case CommandId.enquire_link:
          this.out.push(header(CommandId.enquire_link_resp, 0, seq));
          break;
        case CommandId.bind_transceiver_resp:
          if (status === 0) this.bound?.();
          else this.boundFail?.(new Error(`bind refused: 0x${status.toString(16)}`));
          this.bound = this.boundFail = null;
          break;
        case CommandId.unbind_resp:
          break;
        default:
          // generic_nack (its request is lost to the window count) or anything unexpected
          if (id === CommandId.generic_nack) this.inFlight--;
          errors++;
      }
    }
    this.buf = off === b.length ? Buffer.alloc(0) : b.subarray(off);
    if (t0 !== 0n) this.fill();
    this.flush();
    if (next >= total && this.inFlight === 0) maybeDone();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.sock.once('close', () => resolve());
      this.sock.write(header(CommandId.unbind, 0, this.seq++));
      setTimeout(() => this.sock.destroy(), 2000).unref();
    });
  }
}

const open = (): Promise<Socket> => new Promise((resolve, reject) => {
  const s = connect({ host: '127.0.0.1', port: Number(portS) }, () => resolve(s));
  s.once('error', reject);
});
const all = await Promise.all(Array.from({ length: binds }, async () => {
  const b = new Bind(await open());
  await b.bind();
  return b;
}));

// PDUs built and encoded before the clock starts: the generator should spend its CPU on the wire, not on text
pdus = Array.from({ length: total }, (_, k) => pdu(k));
let submitSeconds = 0;
let submitted: () => void = () => undefined;
function maybeDone(): void {
  if (submitSeconds === 0 && all.every((b) => b.inFlight === 0)) {
    submitSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    submitted();
  }
}
const progress = setInterval(() => process.stderr.write(`[smpp-load] next=${next} ok=${ok} rejected=${rejected} errors=${errors} receipts=${receipts}\n`), 1000);
progress.unref();
const allSubmitted = new Promise<void>((r) => (submitted = r));
t0 = process.hrtime.bigint();
for (const b of all) {
  b.fill();
  b.flush();
}
if (total === 0) maybeDone();
await allSubmitted;
const end = Date.now() + 120_000;
while (receipts < ok && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
await Promise.all(all.map((b) => b.close()));
process.stdout.write(`${JSON.stringify({ ok, rejected, errors, receipts, seconds, submitSeconds })}\n`);
process.exit(0);
