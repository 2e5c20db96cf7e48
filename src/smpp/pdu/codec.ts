/**
 * Pure SMPP 3.4 codec: `decodePdu(frame)` and `encodePdu(pdu)`. A frame is one whole PDU (see
 * frame.ts for cutting a byte stream into frames). Decoding never throws anything but
 * PduDecodeError, whatever the bytes.
 */
import { CommandId, COMMAND_NAMES, CommandStatus, HEADER_LENGTH } from './constants.js';
import { PduDecodeError } from './errors.js';
import type { Addresses, BindPdu, BindRespPdu, CancelSmPdu, CancelSmRespPdu, ReplaceSmPdu, ReplaceSmRespPdu, DataSmPdu, EmptyPdu, MultiDest, Pdu, QuerySmPdu, QuerySmRespPdu, SmBody, SmPdu, SmRespPdu, SubmitMultiPdu, SubmitMultiRespPdu, Tlv, UnsuccessSme } from './types.js';

/** Spec maximum sizes of C-Octet strings, including the terminating NUL (SMPP 3.4 §4). */
const MAX = {
  system_id: 16,
  password: 9,
  system_type: 13,
  address_range: 41,
  service_type: 6,
  addr: 21,
  /** Some SMSCs send 65-octet data_sm/deliver_sm addresses (SMPP 3.4 §4.7.1); accept the larger. */
  addr_data_sm: 65,
  time: 17,
  message_id: 65,
  /** A submit_multi distribution list name (SMPP 3.4 §4.5.1.1). */
  dl_name: 21,
} as const;

class Reader {
  off = HEADER_LENGTH;
  constructor(
    readonly buf: Buffer,
    readonly seq: number,
    readonly id: number,
  ) {}
  fail(msg: string, status: number = CommandStatus.ESME_RINVCMDLEN): never {
    throw new PduDecodeError(msg, status, this.seq, this.id);
  }
  get remaining(): number {
    return this.buf.length - this.off;
  }
  u8(field: string): number {
    if (this.off + 1 > this.buf.length) this.fail(`truncated at ${field}`);
    return this.buf[this.off++];
  }
  u32(field: string): number {
    if (this.off + 4 > this.buf.length) this.fail(`truncated at ${field}`);
    const n = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return n;
  }
  /** `tooLong`: the status for a string over `max` (default ESME_RINVPARLEN). */
  cstring(field: string, max: number, tooLong: number = CommandStatus.ESME_RINVPARLEN): string {
    const end = Math.min(this.buf.length, this.off + max);
    for (let i = this.off; i < end; i++) {
      if (this.buf[i] === 0) {
        const s = this.buf.toString('latin1', this.off, i);
        this.off = i + 1;
        return s;
      }
    }
    if (end === this.buf.length) this.fail(`truncated at ${field}`);
    return this.fail(`${field} longer than ${max - 1} octets`, tooLong);
  }
  octets(field: string, n: number): Buffer {
    if (this.off + n > this.buf.length) this.fail(`truncated at ${field}`, CommandStatus.ESME_RINVMSGLEN);
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  tlvs(): Tlv[] {
    const out: Tlv[] = [];
    while (this.off < this.buf.length) {
      if (this.off + 4 > this.buf.length) this.fail('truncated TLV header', CommandStatus.ESME_RINVOPTPARSTREAM);
      const tag = this.buf.readUInt16BE(this.off);
      const len = this.buf.readUInt16BE(this.off + 2);
      this.off += 4;
      if (this.off + len > this.buf.length) this.fail(`TLV 0x${tag.toString(16)} overruns the PDU`, CommandStatus.ESME_RINVOPTPARSTREAM);
      out.push({ tag, value: this.buf.subarray(this.off, this.off + len) });
      this.off += len;
    }
    return out;
  }
  end(): void {
    if (this.off !== this.buf.length) this.fail('trailing octets after body');
  }
}

/** Reads command_length, command_id, command_status, sequence_number from a frame's first 16 octets. */
export function readHeader(frame: Buffer): { length: number; id: number; status: number; seq: number } {
  if (frame.length < HEADER_LENGTH) throw new PduDecodeError('shorter than the 16-octet header', CommandStatus.ESME_RINVCMDLEN, 0, undefined, true);
  return { length: frame.readUInt32BE(0), id: frame.readUInt32BE(4), status: frame.readUInt32BE(8), seq: frame.readUInt32BE(12) };
}

/**
 * Decodes one whole PDU. Throws PduDecodeError (and nothing else) on any malformed input,
 * carrying the command_status to answer with and the sequence number when it was readable.
 */
export function decodePdu(frame: Buffer): Pdu {
  const h = readHeader(frame);
  if (h.length !== frame.length) throw new PduDecodeError(`command_length ${h.length} ≠ frame ${frame.length}`, CommandStatus.ESME_RINVCMDLEN, h.seq, h.id, true);
  const name = COMMAND_NAMES.get(h.id);
  if (name === undefined) throw new PduDecodeError(`unknown command_id 0x${h.id.toString(16)}`, CommandStatus.ESME_RINVCMDID, h.seq, h.id);
  const r = new Reader(frame, h.seq, h.id);
  const base = { command_status: h.status, sequence_number: h.seq };
  switch (name) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver': {
      const p: BindPdu = {
        command: name,
        ...base,
        // over-long: no credential could have it, so the bind's own refusal (SMPP 3.4 §5.1.3), not a layout error
        system_id: r.cstring('system_id', MAX.system_id, CommandStatus.ESME_RINVSYSID),
        password: r.cstring('password', MAX.password, CommandStatus.ESME_RINVPASWD),
        system_type: r.cstring('system_type', MAX.system_type),
        interface_version: r.u8('interface_version'),
        addr_ton: r.u8('addr_ton'),
        addr_npi: r.u8('addr_npi'),
        address_range: r.cstring('address_range', MAX.address_range),
      };
      r.end();
      return p;
    }
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp': {
      // An error response may carry no body at all (SMPP 3.4 §4.1.2).
      const system_id = r.remaining === 0 ? '' : r.cstring('system_id', MAX.system_id);
      const p: BindRespPdu = { command: name, ...base, system_id, tlvs: r.tlvs() };
      return p;
    }
    case 'unbind':
    case 'unbind_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'generic_nack': {
      r.end();
      const p: EmptyPdu = { command: name, ...base };
      return p;
    }
    case 'submit_sm':
    case 'deliver_sm': {
      const p: SmPdu = {
        command: name,
        ...base,
        service_type: r.cstring('service_type', MAX.service_type),
        source_addr_ton: r.u8('source_addr_ton'),
        source_addr_npi: r.u8('source_addr_npi'),
        source_addr: r.cstring('source_addr', MAX.addr),
        dest_addr_ton: r.u8('dest_addr_ton'),
        dest_addr_npi: r.u8('dest_addr_npi'),
        destination_addr: r.cstring('destination_addr', MAX.addr),
        esm_class: r.u8('esm_class'),
        protocol_id: r.u8('protocol_id'),
        priority_flag: r.u8('priority_flag'),
        // an over-long time is a malformed time (a 17-character relative time is a common slip):
        // refused as every malformed one is (submit-times.ts), not ESME_RINVPARLEN
        schedule_delivery_time: r.cstring('schedule_delivery_time', MAX.time, CommandStatus.ESME_RINVSCHED),
        validity_period: r.cstring('validity_period', MAX.time, CommandStatus.ESME_RINVEXPIRY),
        registered_delivery: r.u8('registered_delivery'),
        replace_if_present_flag: r.u8('replace_if_present_flag'),
        data_coding: r.u8('data_coding'),
        sm_default_msg_id: r.u8('sm_default_msg_id'),
        short_message: Buffer.alloc(0),
        tlvs: [],
      };
      const smLength = r.u8('sm_length');
      p.short_message = r.octets('short_message', smLength);
      p.tlvs = r.tlvs();
      return p;
    }
    case 'data_sm': {
      const p: DataSmPdu = {
        command: name,
        ...base,
        service_type: r.cstring('service_type', MAX.service_type),
        source_addr_ton: r.u8('source_addr_ton'),
        source_addr_npi: r.u8('source_addr_npi'),
        source_addr: r.cstring('source_addr', MAX.addr_data_sm),
        dest_addr_ton: r.u8('dest_addr_ton'),
        dest_addr_npi: r.u8('dest_addr_npi'),
        destination_addr: r.cstring('destination_addr', MAX.addr_data_sm),
        esm_class: r.u8('esm_class'),
        registered_delivery: r.u8('registered_delivery'),
        data_coding: r.u8('data_coding'),
        tlvs: [],
      };
      p.tlvs = r.tlvs();
      return p;
    }
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp': {
      // Body omitted on error responses by many SMSCs (SMPP 3.4 §4.4.2 note).
      const message_id = r.remaining === 0 ? '' : r.cstring('message_id', MAX.message_id);
      const p: SmRespPdu = { command: name, ...base, message_id, tlvs: r.tlvs() };
      return p;
    }
    case 'query_sm': {
      const p: QuerySmPdu = {
        command: name,
        ...base,
        // an id longer than any SMSC hands out is a bad id, not a bad PDU layout (SMPP 3.4 §4.8.1)
        message_id: r.cstring('message_id', MAX.message_id, CommandStatus.ESME_RINVMSGID),
        source_addr_ton: r.u8('source_addr_ton'),
        source_addr_npi: r.u8('source_addr_npi'),
        source_addr: r.cstring('source_addr', MAX.addr),
      };
      r.end();
      return p;
    }
    case 'query_sm_resp': {
      // An error response may come without a body, as submit_sm_resp does (SMPP 3.4 §4.4.2 note).
      if (r.remaining === 0) {
        const p: QuerySmRespPdu = { command: name, ...base, message_id: '', final_date: '', message_state: 0, error_code: 0 };
        return p;
      }
      const p: QuerySmRespPdu = {
        command: name,
        ...base,
        message_id: r.cstring('message_id', MAX.message_id),
        final_date: r.cstring('final_date', MAX.time),
        message_state: r.u8('message_state'),
        error_code: r.u8('error_code'),
      };
      r.end();
      return p;
    }
    case 'cancel_sm': {
      const p: CancelSmPdu = {
        command: name,
        ...base,
        service_type: r.cstring('service_type', MAX.service_type),
        // as query_sm: an id longer than any SMSC hands out is a bad id (SMPP 3.4 §4.9.1)
        message_id: r.cstring('message_id', MAX.message_id, CommandStatus.ESME_RINVMSGID),
        source_addr_ton: r.u8('source_addr_ton'),
        source_addr_npi: r.u8('source_addr_npi'),
        source_addr: r.cstring('source_addr', MAX.addr),
        dest_addr_ton: r.u8('dest_addr_ton'),
        dest_addr_npi: r.u8('dest_addr_npi'),
        destination_addr: r.cstring('destination_addr', MAX.addr),
      };
      r.end();
      return p;
    }
    case 'cancel_sm_resp': {
      // header only, whatever the status (SMPP 3.4 §4.9.2)
      r.end();
      const p: CancelSmRespPdu = { command: name, ...base };
      return p;
    }
    case 'replace_sm': {
      const p: ReplaceSmPdu = {
        command: name,
        ...base,
        // as query_sm: an id longer than any SMSC hands out is a bad id (SMPP 3.4 §4.10.1)
        message_id: r.cstring('message_id', MAX.message_id, CommandStatus.ESME_RINVMSGID),
        source_addr_ton: r.u8('source_addr_ton'),
        source_addr_npi: r.u8('source_addr_npi'),
        source_addr: r.cstring('source_addr', MAX.addr),
        // as submit_sm: an over-long time is a malformed time
        schedule_delivery_time: r.cstring('schedule_delivery_time', MAX.time, CommandStatus.ESME_RINVSCHED),
        validity_period: r.cstring('validity_period', MAX.time, CommandStatus.ESME_RINVEXPIRY),
        registered_delivery: r.u8('registered_delivery'),
        sm_default_msg_id: r.u8('sm_default_msg_id'),
        short_message: Buffer.alloc(0),
      };
      p.short_message = r.octets('short_message', r.u8('sm_length'));
      // SMPP 3.4 has no optional parameters for replace_sm: anything after short_message is a bad length
      r.end();
      return p;
    }
    case 'replace_sm_resp': {
      // header only, whatever the status (SMPP 3.4 §4.10.2)
      r.end();
      const p: ReplaceSmRespPdu = { command: name, ...base };
      return p;
    }
    case 'submit_multi': {
      const service_type = r.cstring('service_type', MAX.service_type);
      const source_addr_ton = r.u8('source_addr_ton');
      const source_addr_npi = r.u8('source_addr_npi');
      const source_addr = r.cstring('source_addr', MAX.addr);
      const n = r.u8('number_of_dests');
      const dest_addresses: MultiDest[] = [];
      for (let i = 0; i < n; i++) {
        const flag = r.u8('dest_flag');
        if (flag === 1) dest_addresses.push({ dest_flag: 1, dest_addr_ton: r.u8('dest_addr_ton'), dest_addr_npi: r.u8('dest_addr_npi'), destination_addr: r.cstring('destination_addr', MAX.addr) });
        else if (flag === 2) dest_addresses.push({ dest_flag: 2, dl_name: r.cstring('dl_name', MAX.dl_name, CommandStatus.ESME_RINVDLNAME) });
        // any other flag: the entry's layout is unknown, so nothing after it can be read (SMPP 3.4 §5.2.25)
        else r.fail(`dest_flag ${flag}`, CommandStatus.ESME_RINVDESTFLAG);
      }
      const p: SubmitMultiPdu = {
        command: name,
        ...base,
        service_type,
        source_addr_ton,
        source_addr_npi,
        source_addr,
        dest_addresses,
        esm_class: r.u8('esm_class'),
        protocol_id: r.u8('protocol_id'),
        priority_flag: r.u8('priority_flag'),
        // as submit_sm: an over-long time is a malformed time
        schedule_delivery_time: r.cstring('schedule_delivery_time', MAX.time, CommandStatus.ESME_RINVSCHED),
        validity_period: r.cstring('validity_period', MAX.time, CommandStatus.ESME_RINVEXPIRY),
        registered_delivery: r.u8('registered_delivery'),
        replace_if_present_flag: r.u8('replace_if_present_flag'),
        data_coding: r.u8('data_coding'),
        sm_default_msg_id: r.u8('sm_default_msg_id'),
        short_message: Buffer.alloc(0),
        tlvs: [],
      };
      p.short_message = r.octets('short_message', r.u8('sm_length'));
      p.tlvs = r.tlvs();
      return p;
    }
    case 'submit_multi_resp': {
      // An error response may come without a body, as submit_sm_resp does (SMPP 3.4 §4.4.2 note).
      const message_id = r.remaining === 0 ? '' : r.cstring('message_id', MAX.message_id);
      const unsuccess_sme: UnsuccessSme[] = [];
      const n = r.remaining === 0 ? 0 : r.u8('no_unsuccess');
      for (let i = 0; i < n; i++) {
        unsuccess_sme.push({ dest_addr_ton: r.u8('dest_addr_ton'), dest_addr_npi: r.u8('dest_addr_npi'), destination_addr: r.cstring('destination_addr', MAX.addr), error_status_code: r.u32('error_status_code') });
      }
      r.end();
      const p: SubmitMultiRespPdu = { command: name, ...base, message_id, unsuccess_sme };
      return p;
    }
  }
}

// ---------------------------------------------------------------- encoding

function cstrLen(s: string): number {
  return Buffer.byteLength(s, 'latin1') + 1;
}
function tlvsLen(tlvs: readonly Tlv[]): number {
  let n = 0;
  for (const t of tlvs) n += 4 + t.value.length;
  return n;
}

class Writer {
  off = HEADER_LENGTH;
  constructor(readonly buf: Buffer) {}
  u8(n: number): void {
    this.buf[this.off++] = n & 0xff;
  }
  cstring(s: string): void {
    this.off += this.buf.write(s, this.off, 'latin1');
    this.buf[this.off++] = 0;
  }
  octets(b: Buffer): void {
    b.copy(this.buf, this.off);
    this.off += b.length;
  }
  /** The six address fields, in their order on the wire (types.ts Addresses). */
  addresses(p: Addresses): void {
    this.u8(p.source_addr_ton);
    this.u8(p.source_addr_npi);
    this.cstring(p.source_addr);
    this.u8(p.dest_addr_ton);
    this.u8(p.dest_addr_npi);
    this.cstring(p.destination_addr);
  }
  /** From esm_class to the optional parameters: submit_sm's, deliver_sm's and submit_multi's. */
  smBody(p: SmBody): void {
    this.u8(p.esm_class);
    this.u8(p.protocol_id);
    this.u8(p.priority_flag);
    this.cstring(p.schedule_delivery_time);
    this.cstring(p.validity_period);
    this.u8(p.registered_delivery);
    this.u8(p.replace_if_present_flag);
    this.u8(p.data_coding);
    this.u8(p.sm_default_msg_id);
    this.u8(p.short_message.length);
    this.octets(p.short_message);
    this.tlvs(p.tlvs);
  }
  tlvs(tlvs: readonly Tlv[]): void {
    for (const t of tlvs) {
      this.buf.writeUInt16BE(t.tag, this.off);
      this.buf.writeUInt16BE(t.value.length, this.off + 2);
      this.off += 4;
      this.octets(t.value);
    }
  }
}

function bodyLength(p: Pdu): number {
  switch (p.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return cstrLen(p.system_id) + cstrLen(p.password) + cstrLen(p.system_type) + 3 + cstrLen(p.address_range);
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      return cstrLen(p.system_id) + tlvsLen(p.tlvs);
    case 'unbind':
    case 'unbind_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'generic_nack':
      return 0;
    case 'submit_sm':
    case 'deliver_sm':
      return (
        cstrLen(p.service_type) + cstrLen(p.source_addr) + cstrLen(p.destination_addr) + cstrLen(p.schedule_delivery_time) +
        cstrLen(p.validity_period) + 12 + p.short_message.length + tlvsLen(p.tlvs)
      );
    case 'data_sm':
      return cstrLen(p.service_type) + cstrLen(p.source_addr) + cstrLen(p.destination_addr) + 7 + tlvsLen(p.tlvs);
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      return cstrLen(p.message_id) + tlvsLen(p.tlvs);
    case 'query_sm':
      return cstrLen(p.message_id) + 2 + cstrLen(p.source_addr);
    case 'query_sm_resp':
      return cstrLen(p.message_id) + cstrLen(p.final_date) + 2;
    case 'cancel_sm':
      return cstrLen(p.service_type) + cstrLen(p.message_id) + cstrLen(p.source_addr) + cstrLen(p.destination_addr) + 4;
    case 'cancel_sm_resp':
      return 0;
    case 'replace_sm':
      return cstrLen(p.message_id) + 2 + cstrLen(p.source_addr) + cstrLen(p.schedule_delivery_time) + cstrLen(p.validity_period) + 3 + p.short_message.length;
    case 'replace_sm_resp':
      return 0;
    case 'submit_multi': {
      let dests = 0;
      for (const d of p.dest_addresses) dests += d.dest_flag === 1 ? 3 + cstrLen(d.destination_addr) : 1 + cstrLen(d.dl_name);
      return (
        cstrLen(p.service_type) + 2 + cstrLen(p.source_addr) + 1 + dests + 3 + cstrLen(p.schedule_delivery_time) + cstrLen(p.validity_period) + 5 +
        p.short_message.length + tlvsLen(p.tlvs)
      );
    }
    case 'submit_multi_resp': {
      let n = cstrLen(p.message_id) + 1;
      for (const u of p.unsuccess_sme) n += 2 + cstrLen(u.destination_addr) + 4;
      return n;
    }
  }
}

/**
 * Encodes a PDU to one frame. Throws RangeError for values SMPP cannot carry (short_message > 254
 * octets; more than 255 destinations or unsuccessful SMEs, whose counts are one octet).
 */
export function encodePdu(p: Pdu): Buffer {
  if ((p.command === 'submit_sm' || p.command === 'deliver_sm' || p.command === 'submit_multi' || p.command === 'replace_sm') && p.short_message.length > 254) {
    throw new RangeError('short_message longer than 254 octets; use message_payload');
  }
  if ((p.command === 'submit_multi' ? p.dest_addresses.length : p.command === 'submit_multi_resp' ? p.unsuccess_sme.length : 0) > 255) {
    throw new RangeError('more than 255 entries in a one-octet count');
  }
  const len = HEADER_LENGTH + bodyLength(p);
  const buf = Buffer.allocUnsafe(len);
  buf.writeUInt32BE(len, 0);
  buf.writeUInt32BE(CommandId[p.command], 4);
  buf.writeUInt32BE(p.command_status >>> 0, 8);
  buf.writeUInt32BE(p.sequence_number >>> 0, 12);
  const w = new Writer(buf);
  switch (p.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      w.cstring(p.system_id);
      w.cstring(p.password);
      w.cstring(p.system_type);
      w.u8(p.interface_version);
      w.u8(p.addr_ton);
      w.u8(p.addr_npi);
      w.cstring(p.address_range);
      break;
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      w.cstring(p.system_id);
      w.tlvs(p.tlvs);
      break;
    case 'unbind':
    case 'unbind_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'generic_nack':
      break;
    case 'submit_sm':
    case 'deliver_sm':
      w.cstring(p.service_type);
      w.addresses(p);
      w.smBody(p);
      break;
    case 'data_sm':
      w.cstring(p.service_type);
      w.addresses(p);
      w.u8(p.esm_class);
      w.u8(p.registered_delivery);
      w.u8(p.data_coding);
      w.tlvs(p.tlvs);
      break;
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      w.cstring(p.message_id);
      w.tlvs(p.tlvs);
      break;
    case 'query_sm':
      w.cstring(p.message_id);
      w.u8(p.source_addr_ton);
      w.u8(p.source_addr_npi);
      w.cstring(p.source_addr);
      break;
    case 'query_sm_resp':
      w.cstring(p.message_id);
      w.cstring(p.final_date);
      w.u8(p.message_state);
      w.u8(p.error_code);
      break;
    case 'cancel_sm':
      w.cstring(p.service_type);
      w.cstring(p.message_id);
      w.addresses(p);
      break;
    case 'cancel_sm_resp':
      break;
    case 'replace_sm':
      w.cstring(p.message_id);
      w.u8(p.source_addr_ton);
      w.u8(p.source_addr_npi);
      w.cstring(p.source_addr);
      w.cstring(p.schedule_delivery_time);
      w.cstring(p.validity_period);
      w.u8(p.registered_delivery);
      w.u8(p.sm_default_msg_id);
      w.u8(p.short_message.length);
      w.octets(p.short_message);
      break;
    case 'replace_sm_resp':
      break;
    case 'submit_multi':
      w.cstring(p.service_type);
      w.u8(p.source_addr_ton);
      w.u8(p.source_addr_npi);
      w.cstring(p.source_addr);
      w.u8(p.dest_addresses.length);
      for (const d of p.dest_addresses) {
        w.u8(d.dest_flag);
        if (d.dest_flag === 1) {
          w.u8(d.dest_addr_ton);
          w.u8(d.dest_addr_npi);
          w.cstring(d.destination_addr);
        } else w.cstring(d.dl_name);
      }
      w.smBody(p);
      break;
    case 'submit_multi_resp':
      w.cstring(p.message_id);
      w.u8(p.unsuccess_sme.length);
      for (const u of p.unsuccess_sme) {
        w.u8(u.dest_addr_ton);
        w.u8(u.dest_addr_npi);
        w.cstring(u.destination_addr);
        w.buf.writeUInt32BE(u.error_status_code >>> 0, w.off);
        w.off += 4;
      }
      break;
  }
  return buf;
}
