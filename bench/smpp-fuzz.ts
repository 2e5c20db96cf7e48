/**
 * Fuzzes the SMPP decoder and frame splitter with a million random and mutated PDUs (100,000 with
 * --quick): nothing but PduDecodeError may come out, no input may take long, memory must stay flat.
 * Figure `smpp_fuzz_pdus_per_s` (throughput of the hostile decode path), with the counts in conditions.
 */
import { decodePdu, encodePdu, FrameSplitter, PduDecodeError, smDefaults, Tag, tlvCString, tlvU8, encodeText, type Pdu } from '../src/smpp/pdu/index.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';

/** xorshift32: deterministic, so a failure can be replayed from the seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function seeds(): Buffer[] {
  const sm = { ...smDefaults(), command: 'submit_sm' as const, sequence_number: 7, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, esm_class: 0x40, short_message: Buffer.concat([Buffer.from([5, 0, 3, 1, 2, 1]), encodeText('【示例】验证码123456', 8)]), tlvs: [tlvU8(Tag.sar_total_segments, 2), tlvCString(Tag.smsguard_message_type, 'verification')] };
  const list: Pdu[] = [
    sm, { ...sm, command: 'deliver_sm' },
    { command: 'bind_transceiver', command_status: 0, sequence_number: 1, system_id: 'cp1', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
    { command: 'submit_sm_resp', command_status: 0, sequence_number: 2, message_id: 'msg_0123456789', tlvs: [] },
    { command: 'enquire_link', command_status: 0, sequence_number: 3 },
    { command: 'data_sm', command_status: 0, sequence_number: 4, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '1', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '2', esm_class: 0, registered_delivery: 1, data_coding: 8, tlvs: [{ tag: Tag.message_payload, value: Buffer.alloc(300, 0x41) }] },
  ];
  return list.map(encodePdu);
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const total = opts.quick ? 100_000 : 1_000_000;
  const r = rng(0x5eed);
  const base = seeds();
  let decoded = 0;
  let typedErrors = 0;
  let slowest = 0;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const splitter = new FrameSplitter(4096);
  for (let i = 0; i < total; i++) {
    let b: Buffer;
    if (i % 2 === 0) {
      // random: a plausible header (consistent length, known or random command_id) and random body
      const len = 16 + (r() % 200);
      b = Buffer.allocUnsafe(len);
      for (let k = 0; k < len; k++) b[k] = r() & 0xff;
      b.writeUInt32BE(len, 0);
      if (r() % 2) b.writeUInt32BE([4, 5, 9, 0x80000004, 0x80000009, 0x15, 0x103][r() % 7], 4);
    } else {
      // mutated: flips, truncation, or a lying length on a valid PDU
      b = Buffer.from(base[r() % base.length]);
      const flips = 1 + (r() % 4);
      for (let k = 0; k < flips; k++) b[r() % b.length] = r() & 0xff;
      if (r() % 4 === 0) b = b.subarray(0, r() % (b.length + 1));
    }
    const s = performance.now();
    try {
      decodePdu(b);
      decoded++;
    } catch (e) {
      if (!(e instanceof PduDecodeError)) throw new Error(`input #${i} raised ${(e as Error).name}: ${(e as Error).message} (${b.toString('hex')})`);
      typedErrors++;
    }
    // the same bytes through the stream splitter: bounded buffering, typed errors only
    try {
      splitter.push(b, () => {});
    } catch (e) {
      if (!(e instanceof PduDecodeError)) throw e;
    }
    if (splitter.buffered > 4096) throw new Error('frame splitter buffered past its bound');
    const d = performance.now() - s;
    if (d > slowest) slowest = d;
  }
  const seconds = (performance.now() - t0) / 1000;
  const heapGrowthMiB = Math.round(((process.memoryUsage().heapUsed - heap0) / 2 ** 20) * 10) / 10;
  note(`smpp fuzz: ${total} inputs, ${decoded} decoded, ${typedErrors} typed errors, slowest ${slowest.toFixed(2)} ms`);
  return [{
    figure: 'smpp_fuzz_pdus_per_s',
    value: Math.round(total / seconds),
    unit: 'pdus/s',
    conditions: { ...machine(), inputs: total, decoded, typedErrors, otherErrors: 0, slowestMs: Math.round(slowest * 100) / 100, heapGrowthMiB, mix: 'half random headers+bodies, half mutated valid PDUs (flips, truncations)' },
  }];
}
