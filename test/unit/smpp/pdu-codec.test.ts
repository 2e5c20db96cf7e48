import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodePdu, encodePdu, PduDecodeError, CommandStatus, FrameSplitter, smDefaults, Tag,
  tlvCString, tlvInt, tlvString, tlvU16, tlvU8, type CancelSmPdu, type Pdu, type QuerySmPdu, type QuerySmRespPdu, type ReplaceSmPdu, type SmPdu, type SubmitMultiPdu,
} from '../../../src/smpp/pdu/index.js';

describe('pdu codec: known bytes', () => {
  test('enquire_link is the 16-octet header only', () => {
    const b = encodePdu({ command: 'enquire_link', command_status: 0, sequence_number: 7 });
    assert.equal(b.toString('hex'), '00000010' + '00000015' + '00000000' + '00000007');
    assert.deepEqual(decodePdu(b), { command: 'enquire_link', command_status: 0, sequence_number: 7 });
  });

  test('bind_transceiver matches the spec layout', () => {
    const b = encodePdu({ command: 'bind_transceiver', command_status: 0, sequence_number: 1, system_id: 'test', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
    const expectedBody = Buffer.concat([Buffer.from('test\0pw\0\0', 'latin1'), Buffer.from([0x34, 0, 0, 0])]);
    assert.equal(b.readUInt32BE(0), 16 + expectedBody.length);
    assert.equal(b.readUInt32BE(4), 0x09);
    assert.deepEqual(b.subarray(16), expectedBody);
  });

  test('submit_sm with TLVs round-trips and TLV helpers read them', () => {
    const p: SmPdu = {
      ...smDefaults(), command: 'submit_sm', sequence_number: 42, source_addr: '10690001', destination_addr: '13800138000',
      data_coding: 8, registered_delivery: 1, short_message: Buffer.from('4f60597d', 'hex'),
      tlvs: [tlvU16(Tag.sar_msg_ref_num, 513), tlvU8(Tag.sar_total_segments, 3), tlvCString(Tag.smsguard_message_type, 'notification')],
    };
    const d = decodePdu(encodePdu(p)) as SmPdu;
    assert.equal(d.command, 'submit_sm');
    assert.equal(d.destination_addr, '13800138000');
    assert.deepEqual(d.short_message, p.short_message);
    assert.equal(tlvInt(d.tlvs, Tag.sar_msg_ref_num), 513);
    assert.equal(tlvInt(d.tlvs, Tag.sar_total_segments), 3);
    assert.equal(tlvString(d.tlvs, Tag.smsguard_message_type), 'notification');
  });

  test('submit_sm_resp with error status and no body decodes (peers omit it)', () => {
    const b = Buffer.from('00000010800000040000005800000009', 'hex');
    const d = decodePdu(b);
    assert.equal(d.command, 'submit_sm_resp');
    assert.equal(d.command_status, CommandStatus.ESME_RTHROTTLED);
    assert.equal((d as { message_id: string }).message_id, '');
  });

  test('query_sm matches the SMPP 3.4 §4.8.1 layout and round-trips', () => {
    const p: QuerySmPdu = { command: 'query_sm', command_status: 0, sequence_number: 9, message_id: 'msg_1', source_addr_ton: 5, source_addr_npi: 0, source_addr: '10690001' };
    const b = encodePdu(p);
    assert.equal(b.readUInt32BE(4), 0x00000003);
    assert.deepEqual(b.subarray(16), Buffer.concat([Buffer.from('msg_1\0', 'latin1'), Buffer.from([5, 0]), Buffer.from('10690001\0', 'latin1')]));
    assert.equal(b.readUInt32BE(0), b.length);
    assert.deepEqual(decodePdu(b), p);
  });

  test('query_sm_resp matches the SMPP 3.4 §4.8.2 layout (final_date empty or 16 characters) and round-trips', () => {
    const final: QuerySmRespPdu = { command: 'query_sm_resp', command_status: 0, sequence_number: 9, message_id: 'msg_1', final_date: '261206201500032+', message_state: 2, error_code: 0 };
    const b = encodePdu(final);
    assert.equal(b.readUInt32BE(4), 0x80000003);
    assert.deepEqual(b.subarray(16), Buffer.concat([Buffer.from('msg_1\x00261206201500032+\0', 'latin1'), Buffer.from([2, 0])]));
    assert.deepEqual(decodePdu(b), final);
    const enroute: QuerySmRespPdu = { ...final, final_date: '', message_state: 1 };
    assert.deepEqual(encodePdu(enroute).subarray(16), Buffer.concat([Buffer.from('msg_1\0\0', 'latin1'), Buffer.from([1, 0])]));
    assert.deepEqual(decodePdu(encodePdu(enroute)), enroute);
  });

  test('query_sm_resp refusing with no body decodes (as other responses)', () => {
    const d = decodePdu(Buffer.from('00000010800000030000006700000004', 'hex'));
    assert.deepEqual(d, { command: 'query_sm_resp', command_status: CommandStatus.ESME_RQUERYFAIL, sequence_number: 4, message_id: '', final_date: '', message_state: 0, error_code: 0 });
  });

  test('query_sm: a message_id over 64 octets is ESME_RINVMSGID, a source_addr over 20 ESME_RINVPARLEN; trailing octets are refused', () => {
    const q: QuerySmPdu = { command: 'query_sm', command_status: 0, sequence_number: 3, message_id: 'x'.repeat(65), source_addr_ton: 0, source_addr_npi: 0, source_addr: '' };
    assert.throws(() => decodePdu(encodePdu(q)), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVMSGID && e.sequenceNumber === 3 && e.commandId === 3);
    assert.throws(() => decodePdu(encodePdu({ ...q, message_id: 'm', source_addr: '1'.repeat(21) })), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVPARLEN);
    const b = encodePdu({ ...q, message_id: 'm' });
    const longer = Buffer.concat([b, Buffer.from([0])]);
    longer.writeUInt32BE(longer.length, 0);
    assert.throws(() => decodePdu(longer), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVCMDLEN);
  });

  test('cancel_sm matches the SMPP 3.4 §4.9.1 layout and round-trips', () => {
    const p: CancelSmPdu = {
      command: 'cancel_sm', command_status: 0, sequence_number: 12, service_type: 'CMT', message_id: 'msg_1',
      source_addr_ton: 5, source_addr_npi: 0, source_addr: '10690001', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '8613800138000',
    };
    const b = encodePdu(p);
    assert.equal(b.readUInt32BE(4), 0x00000008);
    assert.deepEqual(b.subarray(16), Buffer.concat([Buffer.from('CMT\0msg_1\0', 'latin1'), Buffer.from([5, 0]), Buffer.from('10690001\0', 'latin1'), Buffer.from([1, 1]), Buffer.from('8613800138000\0', 'latin1')]));
    assert.equal(b.readUInt32BE(0), b.length);
    assert.deepEqual(decodePdu(b), p);
    const bare: CancelSmPdu = { ...p, service_type: '', source_addr: '', destination_addr: '' };
    assert.deepEqual(decodePdu(encodePdu(bare)), bare);
  });

  test('cancel_sm_resp is the header alone (SMPP 3.4 §4.9.2) and round-trips, ESME_RCANCELFAIL too', () => {
    for (const status of [CommandStatus.ESME_ROK, CommandStatus.ESME_RCANCELFAIL]) {
      const p: Pdu = { command: 'cancel_sm_resp', command_status: status, sequence_number: 12 };
      const b = encodePdu(p);
      assert.equal(b.toString('hex'), `00000010800000080000${status.toString(16).padStart(4, '0')}0000000c`);
      assert.deepEqual(decodePdu(b), p);
    }
    assert.equal(CommandStatus.ESME_RCANCELFAIL, 0x11);
  });

  test('cancel_sm: a message_id over 64 octets is ESME_RINVMSGID, a service_type over 5 or an address over 20 ESME_RINVPARLEN; trailing octets are refused', () => {
    const c: CancelSmPdu = { command: 'cancel_sm', command_status: 0, sequence_number: 3, service_type: '', message_id: 'x'.repeat(65), source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' };
    assert.throws(() => decodePdu(encodePdu(c)), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVMSGID && e.sequenceNumber === 3 && e.commandId === 8);
    for (const bad of [{ service_type: 'CMTXYZ' }, { source_addr: '1'.repeat(21) }, { destination_addr: '1'.repeat(21) }]) {
      assert.throws(() => decodePdu(encodePdu({ ...c, message_id: 'm', ...bad })), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVPARLEN, JSON.stringify(bad));
    }
    for (const p of [{ ...c, message_id: 'm' }, { command: 'cancel_sm_resp' as const, command_status: 0, sequence_number: 3 }]) {
      const b = encodePdu(p);
      const longer = Buffer.concat([b, Buffer.from([0])]);
      longer.writeUInt32BE(longer.length, 0);
      assert.throws(() => decodePdu(longer), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVCMDLEN, p.command);
    }
  });

  test('replace_sm matches the SMPP 3.4 §4.10.1 layout and round-trips; replace_sm_resp is the header alone (§4.10.2)', () => {
    const p: ReplaceSmPdu = {
      command: 'replace_sm', command_status: 0, sequence_number: 13, message_id: 'msg_1', source_addr_ton: 5, source_addr_npi: 0, source_addr: '10690001',
      schedule_delivery_time: '000000000500000R', validity_period: '', registered_delivery: 1, sm_default_msg_id: 0, short_message: Buffer.from('new text', 'latin1'),
    };
    const b = encodePdu(p);
    assert.equal(b.readUInt32BE(4), 0x00000007);
    assert.deepEqual(b.subarray(16), Buffer.concat([
      Buffer.from('msg_1\0', 'latin1'), Buffer.from([5, 0]), Buffer.from('10690001\x00000000000500000R\x00\x00', 'latin1'), Buffer.from([1, 0, 8]), Buffer.from('new text', 'latin1'),
    ]));
    assert.equal(b.readUInt32BE(0), b.length);
    assert.deepEqual(decodePdu(b), p);
    for (const status of [CommandStatus.ESME_ROK, CommandStatus.ESME_RREPLACEFAIL]) {
      const r: Pdu = { command: 'replace_sm_resp', command_status: status, sequence_number: 13 };
      assert.equal(encodePdu(r).toString('hex'), `00000010800000070000${status.toString(16).padStart(4, '0')}0000000d`);
      assert.deepEqual(decodePdu(encodePdu(r)), r);
    }
    assert.equal(CommandStatus.ESME_RREPLACEFAIL, 0x13);
  });

  test('replace_sm: a message_id over 64 octets is ESME_RINVMSGID, a bad time its own status, an address over 20 ESME_RINVPARLEN; trailing octets (no TLVs in 3.4) are refused', () => {
    const c: ReplaceSmPdu = { command: 'replace_sm', command_status: 0, sequence_number: 3, message_id: 'x'.repeat(65), source_addr_ton: 0, source_addr_npi: 0, source_addr: '', schedule_delivery_time: '', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message: Buffer.alloc(0) };
    assert.throws(() => decodePdu(encodePdu(c)), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVMSGID && e.sequenceNumber === 3 && e.commandId === 7);
    const bad: [Partial<ReplaceSmPdu>, number][] = [[{ source_addr: '1'.repeat(21) }, CommandStatus.ESME_RINVPARLEN], [{ schedule_delivery_time: '1'.repeat(17) }, CommandStatus.ESME_RINVSCHED], [{ validity_period: '1'.repeat(17) }, CommandStatus.ESME_RINVEXPIRY]];
    for (const [b, status] of bad) {
      assert.throws(() => decodePdu(encodePdu({ ...c, message_id: 'm', ...b })), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === status, JSON.stringify(b));
    }
    assert.throws(() => encodePdu({ ...c, message_id: 'm', short_message: Buffer.alloc(255) }), RangeError);
    for (const p of [{ ...c, message_id: 'm' }, { command: 'replace_sm_resp' as const, command_status: 0, sequence_number: 3 }]) {
      const b = encodePdu(p);
      const longer = Buffer.concat([b, Buffer.from([0])]);
      longer.writeUInt32BE(longer.length, 0);
      assert.throws(() => decodePdu(longer), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVCMDLEN, p.command);
    }
  });

  const multi: SubmitMultiPdu = {
    command: 'submit_multi', command_status: 0, sequence_number: 9, service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: '106',
    dest_addresses: [{ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '138' }, { dest_flag: 2, dl_name: 'vip' }],
    esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '', registered_delivery: 1, replace_if_present_flag: 0,
    data_coding: 0, sm_default_msg_id: 0, short_message: Buffer.from('hi'), tlvs: [],
  };

  test('submit_multi matches the SMPP 3.4 §4.5.1 layout (an SME address and a distribution list) and round-trips', () => {
    const b = encodePdu(multi);
    const body = '00' + '0500' + '31303600' + '02' + '010101' + '31333800' + '02' + '76697000' + '000000' + '00' + '00' + '01000000' + '02' + '6869';
    assert.equal(b.subarray(16).toString('hex'), body);
    assert.equal(b.readUInt32BE(4), 0x21);
    assert.deepEqual(normalise(decodePdu(b)), normalise(multi));
    const withTlv = { ...multi, short_message: Buffer.alloc(0), tlvs: [{ tag: Tag.message_payload, value: Buffer.from('long') }] };
    assert.deepEqual(normalise(decodePdu(encodePdu(withTlv))), normalise(withTlv));
  });

  test('submit_multi_resp matches the SMPP 3.4 §4.5.2 layout, round-trips, and decodes without a body', () => {
    const r: Pdu = { command: 'submit_multi_resp', command_status: 0, sequence_number: 9, message_id: 'm1', unsuccess_sme: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '139', error_status_code: 0x411 }] };
    const b = encodePdu(r);
    assert.equal(b.subarray(16).toString('hex'), '6d3100' + '01' + '0101' + '31333900' + '00000411');
    assert.equal(b.readUInt32BE(4), 0x80000021);
    assert.deepEqual(decodePdu(b), r);
    const bare = Buffer.from('00000010800000210000003300000009', 'hex');
    assert.deepEqual(decodePdu(bare), { command: 'submit_multi_resp', command_status: CommandStatus.ESME_RINVNUMDESTS, sequence_number: 9, message_id: '', unsuccess_sme: [] });
  });

  test('submit_multi: a dest_flag other than 1 or 2 is ESME_RINVDESTFLAG (0x40), an over-long dl_name ESME_RINVDLNAME, an over-long address ESME_RINVPARLEN', () => {
    const b = Buffer.from(encodePdu(multi));
    // the first destination's dest_flag: after service_type (1), ton, npi (2), source_addr (4), number_of_dests (1)
    b[16 + 8] = 3;
    assert.throws(() => decodePdu(b), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === 0x40 && e.sequenceNumber === 9 && e.commandId === 0x21);
    assert.throws(() => decodePdu(encodePdu({ ...multi, dest_addresses: [{ dest_flag: 2, dl_name: 'x'.repeat(21) }] })), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVDLNAME);
    assert.throws(() => decodePdu(encodePdu({ ...multi, dest_addresses: [{ dest_flag: 1, dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '1'.repeat(21) }] })), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVPARLEN);
    // number_of_dests 0 and 255 are layouts the codec reads; the session refuses them (ESME_RINVNUMDESTS)
    assert.deepEqual((decodePdu(encodePdu({ ...multi, dest_addresses: [] })) as SubmitMultiPdu).dest_addresses, []);
    const many = Array.from({ length: 255 }, (_, i) => ({ dest_flag: 1 as const, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: String(13800000000 + i) }));
    assert.equal((decodePdu(encodePdu({ ...multi, dest_addresses: many })) as SubmitMultiPdu).dest_addresses.length, 255);
    assert.throws(() => encodePdu({ ...multi, dest_addresses: [...many, many[0]] }), RangeError);
    assert.deepEqual([CommandStatus.ESME_RINVNUMDESTS, CommandStatus.ESME_RINVDESTFLAG], [0x33, 0x40]);
  });

  test('unknown command_id → ESME_RINVCMDID with the sequence number kept', () => {
    const b = Buffer.from('00000010000000ff0000000000000005', 'hex');
    assert.throws(() => decodePdu(b), (e: unknown) => e instanceof PduDecodeError && e.commandStatus === CommandStatus.ESME_RINVCMDID && e.sequenceNumber === 5);
  });

  test('C-string longer than the spec maximum is refused', () => {
    const long = 'x'.repeat(30);
    const b = encodePdu({ command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: long, password: '', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
    assert.throws(() => decodePdu(b), PduDecodeError);
  });

  test('an over-long bind system_id or password is the bind\'s own refusal (ESME_RINVSYSID, ESME_RINVPASWD), not ESME_RINVPARLEN', () => {
    const bind = { command: 'bind_transceiver' as const, command_status: 0, sequence_number: 4, system_id: 'cp1', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' };
    const statusOf = (p: Pdu) => {
      try {
        decodePdu(encodePdu(p));
        return -1;
      } catch (e) {
        return (e as PduDecodeError).commandStatus;
      }
    };
    assert.equal(statusOf({ ...bind, system_id: 'x'.repeat(16) }), CommandStatus.ESME_RINVSYSID);
    assert.equal(statusOf({ ...bind, password: 'x'.repeat(9) }), CommandStatus.ESME_RINVPASWD);
    assert.equal(statusOf({ ...bind, system_id: 'x'.repeat(15), password: 'x'.repeat(8) }), -1, 'the SMPP 3.4 maxima decode');
    // submit_sm's times over 16 characters: refused as malformed times
    const sm = { ...smDefaults(), command: 'submit_sm' as const, sequence_number: 5, short_message: Buffer.from('hi') };
    assert.equal(statusOf({ ...sm, schedule_delivery_time: '0000000010000000R' }), CommandStatus.ESME_RINVSCHED);
    assert.equal(statusOf({ ...sm, validity_period: '0000000010000000R' }), CommandStatus.ESME_RINVEXPIRY);
  });

  test('short_message over 254 octets cannot be encoded', () => {
    assert.throws(() => encodePdu({ ...smDefaults(), command: 'submit_sm', sequence_number: 1, short_message: Buffer.alloc(255) }), RangeError);
  });
});

// ---------------------------------------------------------------- properties
const cstr = (max: number) => fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max - 1 });
const u8 = fc.integer({ min: 0, max: 255 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const tlv = fc.record({ tag: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) });

const arbPdu: fc.Arbitrary<Pdu> = fc.oneof(
  fc.record({ command: fc.constantFrom('bind_transmitter', 'bind_receiver', 'bind_transceiver' as const), command_status: u32, sequence_number: u32, system_id: cstr(16), password: cstr(9), system_type: cstr(13), interface_version: u8, addr_ton: u8, addr_npi: u8, address_range: cstr(41) }),
  fc.record({ command: fc.constantFrom('bind_transmitter_resp', 'bind_receiver_resp', 'bind_transceiver_resp' as const), command_status: u32, sequence_number: u32, system_id: cstr(16), tlvs: fc.array(tlv, { maxLength: 3 }) }),
  fc.record({ command: fc.constantFrom('unbind', 'unbind_resp', 'enquire_link', 'enquire_link_resp', 'generic_nack' as const), command_status: u32, sequence_number: u32 }),
  fc.record({ command: fc.constantFrom('submit_sm_resp', 'deliver_sm_resp', 'data_sm_resp' as const), command_status: u32, sequence_number: u32, message_id: cstr(65), tlvs: fc.array(tlv, { maxLength: 3 }) }),
  fc.record({
    command: fc.constantFrom('submit_sm', 'deliver_sm' as const), command_status: u32, sequence_number: u32,
    service_type: cstr(6), source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(21), dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstr(21),
    esm_class: u8, protocol_id: u8, priority_flag: u8, schedule_delivery_time: cstr(17), validity_period: cstr(17), registered_delivery: u8,
    replace_if_present_flag: u8, data_coding: u8, sm_default_msg_id: u8, short_message: fc.uint8Array({ maxLength: 254 }).map((a) => Buffer.from(a)), tlvs: fc.array(tlv, { maxLength: 4 }),
  }),
  fc.record({ command: fc.constant('query_sm' as const), command_status: u32, sequence_number: u32, message_id: cstr(65), source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(21) }),
  fc.record({ command: fc.constant('query_sm_resp' as const), command_status: u32, sequence_number: u32, message_id: cstr(65), final_date: cstr(17), message_state: u8, error_code: u8 }),
  fc.record({
    command: fc.constant('cancel_sm' as const), command_status: u32, sequence_number: u32, service_type: cstr(6), message_id: cstr(65),
    source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(21), dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstr(21),
  }),
  fc.record({ command: fc.constant('cancel_sm_resp' as const), command_status: u32, sequence_number: u32 }),
  fc.record({
    command: fc.constant('replace_sm' as const), command_status: u32, sequence_number: u32, message_id: cstr(65), source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(21),
    schedule_delivery_time: cstr(17), validity_period: cstr(17), registered_delivery: u8, sm_default_msg_id: u8, short_message: fc.uint8Array({ maxLength: 254 }).map((a) => Buffer.from(a)),
  }),
  fc.record({ command: fc.constant('replace_sm_resp' as const), command_status: u32, sequence_number: u32 }),
  fc.record({
    command: fc.constant('data_sm' as const), command_status: u32, sequence_number: u32, service_type: cstr(6), source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(65),
    dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstr(65), esm_class: u8, registered_delivery: u8, data_coding: u8, tlvs: fc.array(tlv, { maxLength: 4 }),
  }),
  fc.record({
    command: fc.constant('submit_multi' as const), command_status: u32, sequence_number: u32, service_type: cstr(6), source_addr_ton: u8, source_addr_npi: u8, source_addr: cstr(21),
    dest_addresses: fc.array(fc.oneof(
      fc.record({ dest_flag: fc.constant(1 as const), dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstr(21) }),
      fc.record({ dest_flag: fc.constant(2 as const), dl_name: cstr(21) }),
    ), { maxLength: 12 }),
    esm_class: u8, protocol_id: u8, priority_flag: u8, schedule_delivery_time: cstr(17), validity_period: cstr(17), registered_delivery: u8,
    replace_if_present_flag: u8, data_coding: u8, sm_default_msg_id: u8, short_message: fc.uint8Array({ maxLength: 254 }).map((a) => Buffer.from(a)), tlvs: fc.array(tlv, { maxLength: 4 }),
  }),
  fc.record({
    command: fc.constant('submit_multi_resp' as const), command_status: u32, sequence_number: u32, message_id: cstr(65),
    unsuccess_sme: fc.array(fc.record({ dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstr(21), error_status_code: u32 }), { maxLength: 8 }),
  }),
) as fc.Arbitrary<Pdu>;

function normalise(p: Pdu): unknown {
  return JSON.parse(JSON.stringify(p, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v)));
}

/** Decodes, allowing only PduDecodeError. */
function decodeOrTypedError(b: Buffer): void {
  try {
    decodePdu(b);
  } catch (e) {
    if (!(e instanceof PduDecodeError)) throw e;
  }
}

describe('pdu codec: properties', () => {
  test('encode → decode is the identity for every PDU shape', () => {
    fc.assert(fc.property(arbPdu, (p) => {
      assert.deepEqual(normalise(decodePdu(encodePdu(p))), normalise(p));
    }), { numRuns: 2000 });
  });

  test('random bytes with a consistent length only ever raise PduDecodeError', () => {
    // 0x21 (submit_multi) is in the range; its response too when the id is even; 0x07 (replace_sm) drawn often
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 0x200 }), fc.constant(0x21), fc.constant(0x07)), fc.uint8Array({ maxLength: 300 }), (id, body) => {
      const b = Buffer.alloc(16 + body.length);
      b.writeUInt32BE(b.length, 0);
      b.writeUInt32BE(id % 2 ? id : (0x80000000 | id) >>> 0, 4);
      Buffer.from(body).copy(b, 16);
      decodeOrTypedError(b);
    }), { numRuns: 5000 });
  });

  test('mutated valid PDUs (flips, truncations, length lies) only ever raise PduDecodeError', () => {
    fc.assert(fc.property(arbPdu, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 6 }), fc.nat(), (p, flips, cut) => {
      const b = Buffer.from(encodePdu(p));
      for (const [i, v] of flips) b[i % b.length] = v;
      decodeOrTypedError(b);
      decodeOrTypedError(b.subarray(0, cut % (b.length + 1)));
    }), { numRuns: 5000 });
  });

  test('frame splitter reassembles any chunking of a PDU stream', () => {
    fc.assert(fc.property(fc.array(arbPdu, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (pdus, cuts) => {
      const stream = Buffer.concat(pdus.map(encodePdu));
      const fs = new FrameSplitter();
      const got: Buffer[] = [];
      let off = 0;
      let k = 0;
      while (off < stream.length) {
        const n = cuts[k++ % cuts.length];
        fs.push(stream.subarray(off, off + n), (f) => got.push(Buffer.from(f)));
        off += n;
      }
      assert.equal(got.length, pdus.length);
      assert.equal(fs.buffered, 0);
      got.forEach((f, i) => assert.deepEqual(normalise(decodePdu(f)), normalise(pdus[i])));
    }), { numRuns: 500 });
  });

  test('frame splitter refuses absurd command_length before buffering it', () => {
    const fs = new FrameSplitter(1000);
    const b = Buffer.alloc(16);
    b.writeUInt32BE(0x7fffffff, 0);
    assert.throws(() => fs.push(b, () => {}), (e: unknown) => e instanceof PduDecodeError && e.fatal);
    const small = Buffer.alloc(16);
    small.writeUInt32BE(3, 0);
    assert.throws(() => new FrameSplitter().push(small, () => {}), (e: unknown) => e instanceof PduDecodeError && e.fatal);
  });

  test('random byte streams into the splitter: typed errors only, bounded buffer', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
      const fs = new FrameSplitter(2000);
      try {
        for (const c of chunks) {
          fs.push(Buffer.from(c), decodeOrTypedError);
          assert.ok(fs.buffered <= 2000);
        }
      } catch (e) {
        if (!(e instanceof PduDecodeError)) throw e;
      }
    }), { numRuns: 3000 });
  });
});
