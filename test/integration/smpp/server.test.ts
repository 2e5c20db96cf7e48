import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme, SmppBindError } from '../../../src/smpp/client/esme.js';
import {
  CommandStatus, DataCoding, EsmClass, MessageState, Tag, buildConcatUdh, encodeText, parseDlrText, smDefaults, tlvCString, tlvInt, tlvOctets, tlvString, tlvU16, tlvU8,
  decodeText, type Pdu, type SmPdu, type DataSmPdu,
} from '../../../src/smpp/pdu/index.js';
import { memorySmppCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { connect } from 'node:net';
import { waitFor } from '../../helpers/wait.js';
import { smppStatusFor } from '../../../src/smpp/status-map.js';
import { cstr, rawPdu } from '../../helpers/raw-pdu.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
let app: FakeApp;
let server: SmppServer;
let port: number;
let creds: SmppCredentials;

/**
 * A bound SMPP session on a bare socket, for what SmppEsme would not send (PDUs it does not offer, an
 * unbind behind outstanding submits in one write): every PDU received, by header and body.
 */
async function rawSession(port: number) {
  const s = connect({ host: '127.0.0.1', port });
  await new Promise((r) => s.once('connect', r));
  let buf = Buffer.alloc(0);
  const got: { id: number; status: number; seq: number; body: string }[] = [];
  s.on('data', (c) => {
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 16 && buf.length >= buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      got.push({ id: buf.readUInt32BE(4), status: buf.readUInt32BE(8), seq: buf.readUInt32BE(12), body: buf.subarray(16, len).toString('latin1') });
      buf = buf.subarray(len);
    }
  });
  const closed = new Promise((r) => s.once('close', r));
  const pdu = rawPdu;
  s.write(pdu(0x00000002, 1, Buffer.concat([cstr('cp1'), cstr('secret1'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
  await waitFor(() => got.length === 1 || undefined);
  return { s, got, closed, pdu, cstr };
}

function sm(text: string, o: Partial<SmPdu> = {}): SmPdu {
  const dc = /^[\x20-\x7e]*$/.test(text) ? 0 : 8;
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: dc, short_message: encodeText(text, dc), ...o };
}

async function esme(systemId = 'cp1', password = 'secret1', extra: Partial<Parameters<typeof SmppEsme.connect>[0]> = {}) {
  return SmppEsme.connect({ host: '127.0.0.1', port, systemId, password, ...extra });
}

before(async () => {
  app = new FakeApp();
  creds = memorySmppCredentials();
  await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  await creds.create(admin, 'cp_2', { systemId: 'slow', password: 'pw', throughput: 1 });
  await creds.create(admin, 'cp_3', { systemId: 'one', password: 'pw', maxBinds: 1 });
  // one provider, two credentials with their own throughput
  await creds.create(admin, 'cp_4', { systemId: 'cap1', password: 'pw', throughput: 1 });
  await creds.create(admin, 'cp_4', { systemId: 'cap1000', password: 'pw', throughput: 1000 });
  await creds.create(admin, 'cp_4', { systemId: 'nocap', password: 'pw' });
  await creds.create(admin, 'cp_5', { systemId: 'free5', password: 'pw' });
  await creds.create(admin, 'cp_5', { systemId: 'cap5', password: 'pw', throughput: 1 });
  const kinds: Record<string, string> = { '10690001': 'service', '10660001': 'commercial' };
  server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => kinds[n] ?? null, reassemblyTtlMs: 500 });
  port = await server.listen(0, '127.0.0.1');
});
after(async () => {
  await server.close();
});

describe('smpp server: credentials and binds', () => {
  test('credential validation: SMPP 3.4 limits, owner only, no duplicate system_id', async () => {
    await assert.rejects(creds.create(admin, 'cp_1', { systemId: 'x', password: 'waytoolongpassword' }), /password/);
    await assert.rejects(creds.create({ role: 'content-provider', contentProviderId: 'cp_2', actorId: 't' }, 'cp_1', { systemId: 'zz', password: 'p' }), /not your/);
    await assert.rejects(creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'p' }), /taken/);
    await assert.rejects(creds.create(admin, 'nope', { systemId: 'q', password: 'p' }), /no such/);
  });

  test('wrong password and unknown system_id are refused with their statuses', async () => {
    await assert.rejects(esme('cp1', 'wrong'), (e: unknown) => e instanceof SmppBindError && e.status === CommandStatus.ESME_RINVPASWD);
    await assert.rejects(esme('nobody', 'x'), (e: unknown) => e instanceof SmppBindError && e.status === CommandStatus.ESME_RINVSYSID);
  });

  test('maxBinds is enforced per credential', async () => {
    const a = await esme('one', 'pw');
    await assert.rejects(esme('one', 'pw'), (e: unknown) => e instanceof SmppBindError && e.status === CommandStatus.ESME_RBINDFAIL);
    await a.close();
  });

  test('every refused bind is logged with its system_id and why (never the password): a local maxBinds refusal too', async () => {
    // Before 2026-12-07 a bind past maxBinds on one process was refused without a word (the refusal
    // across processes was logged): an operator asked why an ESME cannot bind found nothing.
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const srv = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', log: (msg, fields = {}) => lines.push({ msg, fields }) });
    const p = await srv.listen(0, '127.0.0.1');
    try {
      const a = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'one', password: 'pw' });
      await assert.rejects(SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'one', password: 'pw' }), (e: unknown) => e instanceof SmppBindError && e.status === CommandStatus.ESME_RBINDFAIL);
      await assert.rejects(SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'cp1', password: 'wrong' }), SmppBindError);
      await a.close();
      const refused = lines.filter((l) => l.msg === 'smpp bind refused').map((l) => l.fields);
      assert.deepEqual(refused.map((f) => [f.systemId, f.reason]), [['one', 'maxBinds (1) reached'], ['cp1', 'wrong password']]);
      assert.ok(!JSON.stringify(lines).includes('"pw"') && !JSON.stringify(lines).includes('wrong"'), 'no password logged');
    } finally {
      await srv.close();
    }
  });
});

describe('smpp server: submit_sm runs the use case', () => {
  test('Chinese UCS-2 submit: the use case gets the text, the ESME gets the message id', async () => {
    const e = await esme();
    const before = app.submissions.length;
    const resp = await e.request(sm('【示例】您的验证码是123456', { registered_delivery: 1 }));
    assert.equal(resp.command_status, 0);
    assert.match((resp as { message_id: string }).message_id, /^msg_/);
    const s = app.submissions[before];
    assert.equal(s.channel, 'smpp');
    assert.deepEqual(s.principal, { role: 'content-provider', contentProviderId: 'cp_1', actorId: 'smpp:cp1' });
    assert.equal(s.input.text, '【示例】您的验证码是123456');
    assert.equal(s.input.type, 'notification', 'defaults from the service port');
    assert.equal(s.input.registeredDelivery, true);
    await e.close();
  });

  test('GSM-7 and Latin-1 data_coding', async () => {
    const e = await esme();
    const n = app.submissions.length;
    await e.request(sm('', { data_coding: 0, short_message: Buffer.from([0x48, 0x69, 0x20, 0x1b, 0x65, 0x00]) }));
    await e.request(sm('', { data_coding: 3, short_message: Buffer.from('café', 'latin1') }));
    assert.equal(app.submissions[n].input.text, 'Hi €@');
    assert.equal(app.submissions[n + 1].input.text, 'café');
    await e.close();
  });

  test('data_coding with a GSM 03.38 message class: 0xF0 (flash GSM-7) and 0x18 (flash UCS-2) reach the use case as text', async () => {
    const e = await esme();
    const n = app.submissions.length;
    const a = await e.request(sm('', { data_coding: 0xf0, short_message: Buffer.from([0x00, 0x48, 0x69, 0x11, 0x1b, 0x65]) }));
    const b = await e.request(sm('', { data_coding: 0x18, short_message: encodeText('【示例】您好', 8) }));
    assert.equal(a.command_status, 0);
    assert.equal(b.command_status, 0);
    assert.equal(app.submissions[n].input.text, '@Hi_€', 'GSM 7-bit, not Latin-1 (which read @ as NUL)');
    assert.equal(app.submissions[n + 1].input.text, '【示例】您好', 'UCS-2, not Latin-1 mojibake');
    await e.close();
  });

  test('rejections map through the status table (opted_out → 0x411, throttled → ESME_RTHROTTLED)', async () => {
    const e = await esme();
    const r1 = await e.request(sm('hello REJECT:opted_out'));
    assert.equal(r1.command_status, 0x411);
    const r2 = await e.request(sm('hello REJECT:throttled'));
    assert.equal(r2.command_status, CommandStatus.ESME_RTHROTTLED);
    await e.close();
  });

  test('message type and category from vendor TLVs 0x1400/0x1401; commercial port default', async () => {
    const e = await esme();
    const n = app.submissions.length;
    await e.request(sm('hi', { tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')] }));
    await e.request(sm('sale', { source_addr: '10660001', tlvs: [tlvCString(Tag.smsguard_category, 'promotions')] }));
    await e.request(sm('x', { tlvs: [tlvCString(Tag.smsguard_message_type, 'bogus')] }));
    assert.equal(app.submissions[n].input.type, 'verification');
    assert.equal(app.submissions[n + 1].input.type, 'commercial');
    assert.equal(app.submissions[n + 1].input.category, 'promotions');
    assert.equal(app.submissions[n + 2].input.type, 'bogus', 'passed on so the use case rejects it with its own code');
    await e.close();
  });

  test('long messages: UDH 8-bit, UDH 16-bit and SAR sets reach the use case once, whole', async () => {
    const e = await esme();
    const text = '【示例】' + '长消息测试'.repeat(30);
    const oct = encodeText(text, 8);
    const chunks = [oct.subarray(0, 134), oct.subarray(134, 268), oct.subarray(268)];
    for (const [variant, ref] of [['udh8', 7], ['udh16', 0x1234], ['sar', 99]] as const) {
      const n = app.submissions.length;
      const resps: Pdu[] = [];
      // parts out of order, as networks deliver them
      for (const k of [2, 1, 3]) {
        const c = chunks[k - 1];
        const pdu = variant === 'sar'
          ? sm('', { data_coding: 8, short_message: c, tlvs: [tlvU16(Tag.sar_msg_ref_num, ref), tlvU8(Tag.sar_total_segments, 3), tlvU8(Tag.sar_segment_seqnum, k)] })
          : sm('', { data_coding: 8, esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref, total: 3, seq: k, bits: variant === 'udh8' ? 8 : 16 }), c]) });
        resps.push(await e.request(pdu));
      }
      assert.ok(resps.every((r) => r.command_status === 0), variant);
      assert.equal(app.submissions.length, n + 1, `${variant}: one decision`);
      assert.equal(app.submissions[n].input.text, text);
      assert.match((resps[2] as { message_id: string }).message_id, /^msg_/);
    }
    await e.close();
  });

  test('reassembly is bounded per provider: past its bound a flooder\'s new parts are refused ESME_RMSGQFUL, nothing acknowledged is dropped, others unaffected; a set over the byte bound is refused', async () => {
    const small = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', reassembly: { maxSetsPerOwner: 5, maxBytesPerOwner: 2000 } });
    const p = await small.listen(0, '127.0.0.1');
    const victimGot: SmPdu[] = [];
    const victim = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'cp1', password: 'secret1', onDeliver: (d) => { victimGot.push(d as SmPdu); return 0; } });
    const flooder = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'nocap', password: 'pw' });
    const part = (ref: number, seq: number, body: Buffer, to = '13800138000') =>
      sm('', { destination_addr: to, esm_class: EsmClass.UDHI, registered_delivery: 1, data_coding: 0, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq }), body]) });
    try {
      const before = app.submissions.length;
      assert.equal((await victim.request(part(9, 1, Buffer.from('kept ')))).command_status, 0);
      const floods = await Promise.all(Array.from({ length: 30 }, (_, i) => flooder.request(part(i + 1, 1, Buffer.alloc(100, 0x41), '13900139000'))));
      // its first five sets are held (acknowledged); the 25 after are refused, temporary, not dropping those
      assert.deepEqual(floods.map((r) => r.command_status), [...Array(5).fill(0), ...Array(25).fill(CommandStatus.ESME_RMSGQFUL)]);
      assert.equal((await victim.request(part(9, 2, Buffer.from('whole')))).command_status, 0);
      assert.equal(app.submissions.at(-1)!.input.text, 'kept whole', 'the other provider\'s partial set survived the flood');
      assert.equal(app.submissions.length, before + 1);
      // the flooder's oldest set, acknowledged, still completes; the room it frees takes a refused part sent again
      assert.equal((await flooder.request(part(1, 2, Buffer.from('B'), '13900139000'))).command_status, 0);
      assert.equal(app.submissions.at(-1)!.input.text, 'A'.repeat(100) + 'B');
      assert.equal((await flooder.request(part(6, 1, Buffer.alloc(100, 0x41), '13900139000'))).command_status, 0);
      // a SAR set whose parts (message_payload) outgrow the provider's 2,000 octets: dropped, ESME_RINVMSGLEN
      const sar = (seq: number) => sm('', { tlvs: [tlvU16(Tag.sar_msg_ref_num, 77), tlvU8(Tag.sar_total_segments, 3), tlvU8(Tag.sar_segment_seqnum, seq), tlvOctets(Tag.message_payload, Buffer.alloc(1200, 0x42))], registered_delivery: 1 });
      const first = await victim.request(sar(1));
      assert.equal(first.command_status, 0);
      assert.equal((await victim.request(sar(2))).command_status, CommandStatus.ESME_RINVMSGLEN);
      // the part acknowledged before learns it through a receipt
      const firstId = (first as { message_id: string }).message_id;
      const r = await waitFor(() => victimGot.find((d) => tlvString(d.tlvs, Tag.receipted_message_id) === firstId));
      assert.equal(parseDlrText(r.short_message.toString('latin1'))!.stat, 'EXPIRED');
    } finally {
      await Promise.all([victim.close(), flooder.close()]);
      await small.close();
    }
  });

  test('a flood of parts refused ESME_RMSGQFUL is logged once per provider per minute with a count, not a line per part', async () => {
    let skew = 0;
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const small = new SmppServer({
      app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', reassembly: { maxSetsPerOwner: 2 },
      now: () => Date.now() + skew, log: (msg, fields = {}) => lines.push({ msg, fields }),
    });
    const p = await small.listen(0, '127.0.0.1');
    const flooder = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'nocap', password: 'pw' });
    const part = (ref: number) => sm('', { destination_addr: '13900139000', esm_class: EsmClass.UDHI, data_coding: 0, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq: 1 }), Buffer.from('A')]) });
    const full = () => lines.filter((l) => l.msg === 'smpp part refused: reassembly full');
    try {
      const floods = await Promise.all(Array.from({ length: 200 }, (_, i) => flooder.request(part(i + 1))));
      assert.equal(floods.filter((r) => r.command_status === CommandStatus.ESME_RMSGQFUL).length, 198);
      assert.equal(full().length, 1, 'the first refusal is said at once, the next 197 are counted');
      assert.equal(full()[0].fields.refused, 1);
      assert.equal(typeof full()[0].fields.cpId, 'string');
      assert.equal(full()[0].fields.bound, 'owner');
      // The flood stops; once its minute is over, the count of what was refused since is said once.
      skew = 61_000;
      await waitFor(() => full().length === 2 || undefined, 5_000);
      assert.equal(full()[1].fields.refused, 197);
      assert.equal(full()[1].fields.cpId, full()[0].fields.cpId);
      await new Promise((r) => setTimeout(r, 1_200));
      assert.equal(full().length, 2, 'nothing more to say');
    } finally {
      await flooder.close();
      await small.close();
    }
  });

  test('a receipt the server makes for a refused part is dated by the messages\' clock (simulated), not the sessions\' real one', async () => {
    const simulated = Date.UTC(2030, 0, 2, 3, 4); // 2030-01-02 11:04 in Shanghai
    const srv = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', messageNow: () => simulated });
    const p = await srv.listen(0, '127.0.0.1');
    const got: SmPdu[] = [];
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'cp1', password: 'secret1', onDeliver: (d) => { got.push(d as SmPdu); return 0; } });
    try {
      const part = (seq: number, rd: number, text: string) =>
        sm('', { esm_class: EsmClass.UDHI, registered_delivery: rd, data_coding: 3, short_message: Buffer.concat([buildConcatUdh({ ref: 212, total: 2, seq }), Buffer.from(text, 'latin1')]) });
      const first = (await e.request(part(1, 1, 'hello '))) as { message_id: string };
      assert.equal((await e.request(part(2, 1, 'REJECT:opted_out'))).command_status, 0x411);
      const r = parseDlrText((await waitFor(() => got.find((d) => tlvString(d.tlvs, Tag.receipted_message_id) === first.message_id))).short_message.toString('latin1'))!;
      assert.equal(r.stat, 'REJECTD');
      assert.equal(r.submitDate, simulated);
      assert.equal(r.doneDate, simulated);
    } finally {
      await e.close();
      await srv.close();
    }
  });

  test('a receipt the server makes for a refused or expired part names the recipient as an international number (TON 1, NPI 1, 86…), however the ESME wrote it', async () => {
    // The ESME may write the destination nationally (13800138000) or with +86; the receipts the
    // delivery worker's statuses become carry the E.164 digits with TON 1. Before 2026-12-07 the
    // server's own (a refused set's REJECTD, an expired set's EXPIRED) carried the ESME's national
    // digits under TON 1, which reads as a number in country code 1.
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (d) => { got.push(d as SmPdu); return 0; } });
    try {
      const part = (ref: number, seq: number, to: string, text: string) =>
        sm('', { esm_class: EsmClass.UDHI, registered_delivery: 1, destination_addr: to, data_coding: 3, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq }), Buffer.from(text, 'latin1')]) });
      const refused = (await e.request(part(213, 1, '13800138000', 'hello '))) as { message_id: string };
      assert.equal((await e.request(part(213, 2, '13800138000', 'REJECT:opted_out'))).command_status, 0x411);
      const plus = (await e.request(part(214, 1, '+8613800138001', 'hello '))) as { message_id: string };
      assert.equal((await e.request(part(214, 2, '+8613800138001', 'REJECT:opted_out'))).command_status, 0x411);
      const expired = (await e.request(part(215, 1, '13800138002', 'half'))) as { message_id: string };
      const receipt = (id: string) => waitFor(() => got.find((d) => tlvString(d.tlvs, Tag.receipted_message_id) === id), 4000);
      for (const [id, addr] of [[refused.message_id, '8613800138000'], [plus.message_id, '8613800138001'], [expired.message_id, '8613800138002']]) {
        const d = await receipt(id);
        assert.deepEqual([d.source_addr_ton, d.source_addr_npi, d.source_addr], [1, 1, addr], id);
      }
    } finally {
      await e.close();
    }
  });

  test('message_payload and data_sm carry long text', async () => {
    const e = await esme();
    const text = '通知'.repeat(200);
    const n = app.submissions.length;
    const r = await e.request(sm('', { data_coding: 8, short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, encodeText(text, 8))] }));
    assert.equal(r.command_status, 0);
    const d: DataSmPdu = { command: 'data_sm', command_status: 0, sequence_number: 0, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '13800138000', esm_class: 0, registered_delivery: 0, data_coding: 8, tlvs: [tlvOctets(Tag.message_payload, encodeText('数据', 8))] };
    const r2 = await e.request(d);
    assert.equal(r2.command, 'data_sm_resp');
    assert.equal(app.submissions[n].input.text, text);
    assert.equal(app.submissions[n + 1].input.text, '数据');
    await e.close();
  });

  test('UCS-2 octets ending in half a character are refused ESME_RINVMSGLEN, never sent one octet short; a part may end inside a character its next part completes', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (d) => { got.push(d as SmPdu); return 0; } });
    try {
      const n = app.submissions.length;
      const odd = Buffer.concat([encodeText('【示例】您好', 8), Buffer.from([0x4f])]);
      // short_message, message_payload, a data_sm, a flash UCS-2 coding (0x18): each refused, nothing decided
      assert.equal((await e.request(sm('', { data_coding: 8, short_message: odd }))).command_status, CommandStatus.ESME_RINVMSGLEN);
      assert.equal((await e.request(sm('', { data_coding: 8, short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, odd)] }))).command_status, CommandStatus.ESME_RINVMSGLEN);
      assert.equal((await e.request(sm('', { data_coding: 0x18, short_message: odd }))).command_status, CommandStatus.ESME_RINVMSGLEN);
      const d: DataSmPdu = { command: 'data_sm', command_status: 0, sequence_number: 0, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '13800138000', esm_class: 0, registered_delivery: 0, data_coding: 8, tlvs: [tlvOctets(Tag.message_payload, odd)] };
      const r = await e.request(d);
      assert.deepEqual([r.command, r.command_status], ['data_sm_resp', CommandStatus.ESME_RINVMSGLEN]);
      // an odd Latin-1 or GSM text is a text like any other
      assert.equal((await e.request(sm('', { data_coding: 3, short_message: Buffer.from('odd', 'latin1') }))).command_status, 0);
      assert.equal(app.submissions.length, n + 1, 'only the Latin-1 one reached the use case');

      // a UDH set whose first part ends inside a character the second completes: one text, whole
      const whole = encodeText('【示例】您的验证码是123456', 8);
      const udhPart = (ref: number, seq: number, body: Buffer, rd = 0) => sm('', { esm_class: EsmClass.UDHI, data_coding: 8, registered_delivery: rd, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq }), body]) });
      assert.equal((await e.request(udhPart(230, 1, whole.subarray(0, 7)))).command_status, 0, 'an odd part is taken');
      assert.equal((await e.request(udhPart(230, 2, whole.subarray(7)))).command_status, 0);
      assert.equal(app.submissions.at(-1)!.input.text, '【示例】您的验证码是123456');
      // a SAR set whose joined octets are odd: its last part refused ESME_RINVMSGLEN, the first told REJECTD err:001
      const sar = (seq: number, body: Buffer) => sm('', { data_coding: 8, registered_delivery: 1, short_message: body, tlvs: [tlvU16(Tag.sar_msg_ref_num, 231), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, seq)] });
      const before = app.submissions.length;
      const first = (await e.request(sar(1, whole.subarray(0, 7)))) as { command_status: number; message_id: string };
      assert.equal(first.command_status, 0);
      assert.equal((await e.request(sar(2, whole.subarray(7, 21)))).command_status, CommandStatus.ESME_RINVMSGLEN);
      assert.equal(app.submissions.length, before, 'nothing decided');
      const rec = parseDlrText((await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === first.message_id))).short_message.toString('latin1'))!;
      assert.deepEqual([rec.stat, rec.err], ['REJECTD', '001']);
    } finally {
      await e.close();
    }
  });

  test('an incomplete set expires and its acknowledged parts get EXPIRED receipts', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const n = app.submissions.length;
    const udh = buildConcatUdh({ ref: 200, total: 2, seq: 1 });
    const r = await e.request(sm('', { esm_class: EsmClass.UDHI, registered_delivery: 1, short_message: Buffer.concat([udh, Buffer.from('half')]) }));
    const partId = (r as { message_id: string }).message_id;
    const dlr = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === partId), 4000);
    assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'EXPIRED');
    assert.equal(app.submissions.length, n, 'never decided');
    await e.close();
  });
  test('a set asks for receipts if any part does: refused or expired, a part that did not ask itself still hears', async () => {
    // Kannel asks on the first part; other ESMEs on the last. The accepted case already reports to
    // every part id when any part asked (docs/SMPP.md, Long messages); refusal and expiry must too.
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const part = (ref: number, total: number, seq: number, rd: number, text: string) =>
      sm('', { esm_class: EsmClass.UDHI, registered_delivery: rd, data_coding: 3, short_message: Buffer.concat([buildConcatUdh({ ref, total, seq }), Buffer.from(text, 'latin1')]) });
    const idOf = (r: Pdu) => (r as { message_id: string }).message_id;
    const receiptFor = (id: string) => waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id), 4000);
    try {
      // refused as a whole: only the last part asked
      const first = idOf(await e.request(part(210, 2, 1, 0, 'hello ')));
      const last = await e.request(part(210, 2, 2, 1, 'REJECT:opted_out'));
      assert.equal(last.command_status, 0x411);
      const rej = parseDlrText((await receiptFor(first)).short_message.toString('latin1'))!;
      assert.equal(rej.stat, 'REJECTD');
      assert.equal(rej.err, '411');
      // expired: the second of three parts asked, the first did not
      const a = idOf(await e.request(part(211, 3, 1, 0, 'one ')));
      const b = idOf(await e.request(part(211, 3, 2, 1, 'two ')));
      for (const id of [a, b]) assert.equal(parseDlrText((await receiptFor(id)).short_message.toString('latin1'))!.stat, 'EXPIRED', id);
    } finally {
      await e.close();
    }
  });
});

describe('smpp server: receipts, MO, flow control, bad input', () => {
  test('delivery receipt: deliver_sm with receipted_message_id, message_state and Appendix B text', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const resp = await e.request(sm('hello', { registered_delivery: 1 }));
    const id = (resp as { message_id: string }).message_id;
    const t = Date.now();
    app.events.emit('messageStatus', { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: true, text: 'hello' });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
    assert.equal(d.esm_class & 0x3c, EsmClass.DELIVERY_RECEIPT);
    assert.equal(tlvInt(d.tlvs, Tag.message_state), 2);
    const parsed = parseDlrText(d.short_message.toString('latin1'))!;
    assert.equal(parsed.id, id);
    assert.equal(parsed.stat, 'DELIVRD');
    assert.equal(d.source_addr, '13800138000');
    await e.close();
  });

  test('a receipt goes as Latin-1 (its id: as submit_sm_resp gave it, whatever the ESME reads by); its text: the first 20 characters (an emoji one of them, never half), read alike as GSM 03.38 and ASCII', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const id = ((await e.request(sm('hello', { registered_delivery: 1 }))) as { message_id: string }).message_id;
    const t = Date.now();
    app.events.emit('messageStatus', { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: true, text: `Hi@${'x'.repeat(16)}😀 and more` });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
    // Latin-1: an ESME reading by data_coding and one reading ASCII octets read the same body, the
    // message id's `_` included (as data_coding 0 it read `§` to a GSM 03.38 reader: the Node smpp package)
    assert.equal(d.data_coding, DataCoding.LATIN1);
    assert.match(id, /_/);
    for (const body of [decodeText(d.short_message, d.data_coding), d.short_message.toString('latin1')]) {
      assert.equal(parseDlrText(body)!.text, `Hi?${'x'.repeat(16)}?`);
      assert.equal(parseDlrText(body)!.id, id);
    }
    // and the text: field still reads alike to an ESME that takes every receipt as GSM 03.38
    assert.equal(parseDlrText(decodeText(d.short_message, DataCoding.DEFAULT))!.text, `Hi?${'x'.repeat(16)}?`);
    await e.close();
  });

  test('registered_delivery 2 (failure only): no receipt for a delivered message, one for a failed message', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const before = app.submissions.length;
    const ok = (await e.request(sm('fine', { registered_delivery: 2 })) as { message_id: string }).message_id;
    const bad = (await e.request(sm('lost', { registered_delivery: 2 | 0x10 })) as { message_id: string }).message_id;
    assert.deepEqual(app.submissions.slice(before).map((s) => s.input.registeredDelivery), ['failure', 'failure']);
    const t = Date.now();
    const ev = { contentProviderId: 'cp_1', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: 'failure' as const, text: 'x' };
    app.events.emit('messageStatus', { ...ev, id: ok, status: 'delivered' });
    app.events.emit('messageStatus', { ...ev, id: bad, status: 'undeliverable' });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === bad));
    assert.equal(parseDlrText(d.short_message.toString('latin1'))!.stat, 'UNDELIV');
    // the delivered one was offered first: had it produced a receipt, it would be here already
    assert.equal(got.filter((p) => tlvString(p.tlvs, Tag.receipted_message_id) === ok).length, 0);
    await e.close();
  });

  test('a failure receipt carries the carrier\'s own err code when its receipt gave one', async () => {
    // Found by an audit: the carrier's err was dropped and every UNDELIV said 001.
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const withErr = (await e.request(sm('a', { registered_delivery: 1 })) as { message_id: string }).message_id;
    const without = (await e.request(sm('b', { registered_delivery: 1 })) as { message_id: string }).message_id;
    const t = Date.now();
    const ev = { contentProviderId: 'cp_1', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: true, text: 'x', status: 'undeliverable' as const };
    app.events.emit('messageStatus', { ...ev, id: withErr, error: 'err:B1' });
    app.events.emit('messageStatus', { ...ev, id: without });
    const a = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === withErr));
    const b = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === without));
    assert.equal(parseDlrText(a.short_message.toString('latin1'))!.err, '0B1');
    assert.equal(parseDlrText(b.short_message.toString('latin1'))!.err, '001');
    await e.close();
  });

  test('a message stopped in the queue (rejected: the number refused meanwhile) gets REJECTD, err the rule\'s status', async () => {
    // src/app/send-time-check.ts; before, a `rejected` status made no receipt at all
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const id = (await e.request(sm('promo', { registered_delivery: 2 })) as { message_id: string }).message_id;
    const t = Date.now();
    app.events.emit('messageStatus', { id, contentProviderId: 'cp_1', status: 'rejected', code: 'opted_out', error: 'the number refused commercial messages from this content provider', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: 'failure', text: 'x' });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
    assert.equal(tlvInt(d.tlvs, Tag.message_state), MessageState.REJECTED);
    const parsed = parseDlrText(d.short_message.toString('latin1'))!;
    assert.equal(parsed.stat, 'REJECTD');
    assert.equal(parsed.err, smppStatusFor('opted_out').toString(16).padStart(3, '0'));
    await e.close();
  });

  test('receipts and MO carry an international number without the \'+\' (TON 1, NPI 1)', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const t = Date.now();
    app.events.emit('messageStatus', { id: 'msg_intl', contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '+8613800138000', submittedAt: t - 1000, registeredDelivery: true, text: 'x' });
    app.events.emit('moForward', { id: 'mo_intl', contentProviderId: 'cp_1', from: '+8613800138000', to: '10690001', text: 'hi', at: t });
    const dlr = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === 'msg_intl'));
    const mo = await waitFor(() => got.find((p) => p.esm_class === 0 && decodeText(p.short_message, p.data_coding) === 'hi'));
    for (const d of [dlr, mo]) assert.deepEqual([d.source_addr, d.source_addr_ton, d.source_addr_npi], ['8613800138000', 1, 1]);
    await e.close();
  });

  test('receipts wait for a receiver bind of that provider; other providers never see them', async () => {
    const t = Date.now();
    app.events.emit('messageStatus', { id: 'msg_later', contentProviderId: 'cp_1', status: 'undeliverable', at: t, from: '10690001', to: '13800138001', submittedAt: t, registeredDelivery: true, text: 'x' });
    const other: SmPdu[] = [];
    const o = await esme('slow', 'pw', { onDeliver: (p) => { other.push(p as SmPdu); return 0; } });
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === 'msg_later'));
    assert.equal(parseDlrText(d.short_message.toString('latin1'))!.stat, 'UNDELIV');
    assert.equal(other.length, 0);
    await Promise.all([e.close(), o.close()]);
  });

  test('MO forward reaches the provider as deliver_sm (UCS-2 for Chinese)', async () => {
    const got: SmPdu[] = [];
    const e = await esme('cp1', 'secret1', { bindType: 'receiver', onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    app.events.emit('moForward', { id: 'mo_1', contentProviderId: 'cp_1', from: '13800138000', to: '10690001', text: '好的，谢谢', at: Date.now() });
    const d = await waitFor(() => got.find((p) => p.esm_class === 0));
    assert.equal(d.data_coding, DataCoding.UCS2);
    assert.equal(decodeText(d.short_message, 8), '好的，谢谢');
    assert.equal(d.destination_addr, '10690001');
    await e.close();
  });

  test('past the provider throughput: ESME_RTHROTTLED', async () => {
    const e = await esme('slow', 'pw');
    const rs = await Promise.all([1, 2, 3].map(() => e.request(sm('hi'))));
    const statuses = rs.map((r) => r.command_status);
    assert.ok(statuses.includes(CommandStatus.ESME_RTHROTTLED), String(statuses));
    assert.ok(statuses.includes(0));
    await e.close();
  });

  test('throughput is per credential: a slow credential bound first neither slows nor frees the others', async () => {
    const burst = async (e: SmppEsme, n: number) => (await Promise.all(Array.from({ length: n }, () => e.request(sm('hi'))))).map((r) => r.command_status);
    const slow = await esme('cap1', 'pw');
    const fast = await esme('cap1000', 'pw');
    const free = await esme('nocap', 'pw');
    assert.deepEqual(await burst(fast, 20), Array(20).fill(0), 'the 1000/s credential is not held to 1/s');
    assert.deepEqual(await burst(free, 20), Array(20).fill(0));
    const s = await burst(slow, 3);
    assert.ok(s.includes(CommandStatus.ESME_RTHROTTLED), `the 1/s credential keeps its cap: ${s}`);
    // a second bind of the slow credential shares its (empty) bucket
    const slow2 = await esme('cap1', 'pw');
    assert.deepEqual(await burst(slow2, 1), [CommandStatus.ESME_RTHROTTLED]);
    await Promise.all([slow.close(), slow2.close(), fast.close(), free.close()]);
    // the other way round: a credential without a limit bound first does not lift another's cap
    const free5 = await esme('free5', 'pw');
    const cap5 = await esme('cap5', 'pw');
    const s5 = await burst(cap5, 3);
    assert.ok(s5.includes(CommandStatus.ESME_RTHROTTLED), `the 1/s credential keeps its cap: ${s5}`);
    await Promise.all([free5.close(), cap5.close()]);
  });

  test('a bad command_length is answered with generic_nack ESME_RINVCMDLEN before the connection closes', async () => {
    const raw = async (bytes: Buffer) => {
      const s = connect({ host: '127.0.0.1', port });
      await new Promise((r) => s.once('connect', r));
      const chunks: Buffer[] = [];
      s.on('data', (c) => chunks.push(c));
      const closed = new Promise((r) => s.once('close', r));
      s.write(bytes);
      await closed;
      return Buffer.concat(chunks);
    };
    const header = (len: number, seq: number) => {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(len, 0); b.writeUInt32BE(0x00000004, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(seq, 12);
      return b;
    };
    const nack = (b: Buffer) => [b.length, b.readUInt32BE(0), b.readUInt32BE(4), b.readUInt32BE(8), b.readUInt32BE(12)];
    assert.deepEqual(nack(await raw(header(8, 0x1234))), [16, 16, 0x80000000, CommandStatus.ESME_RINVCMDLEN, 0x1234]);
    assert.deepEqual(nack(await raw(header(0x7fffffff, 77))), [16, 16, 0x80000000, CommandStatus.ESME_RINVCMDLEN, 77]);
    // only the length could be read: sequence_number 0
    assert.deepEqual(nack(await raw(Buffer.from([0, 0, 0, 4]))), [16, 16, 0x80000000, CommandStatus.ESME_RINVCMDLEN, 0]);
  });

  test('close(): submits still being decided get their submit_sm_resp before the unbind; nothing new is read', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slowApp = new FakeApp();
    const decide = slowApp.submitMessages.bind(slowApp);
    slowApp.submitMessages = async (p, inputs, ch) => {
      await gate;
      return decide(p, inputs, ch);
    };
    const srv = new SmppServer({ app: slowApp, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service' });
    const p = await srv.listen(0, '127.0.0.1');
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: p, systemId: 'cp1', password: 'secret1' });
    const pending = [e.request(sm('one')), e.request(sm('two'))];
    await new Promise((r) => setTimeout(r, 50)); // both submits are in the server, waiting for the decision
    const closing = srv.close();
    await new Promise((r) => setTimeout(r, 100));
    const late = e.request(sm('three')).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 50));
    open();
    const rs = await Promise.all(pending);
    assert.deepEqual(rs.map((r) => r.command_status), [0, 0]);
    assert.ok(rs.every((r) => /^msg_/.test((r as { message_id: string }).message_id)), 'each recorded submit got its id');
    await closing;
    const l = await late;
    assert.ok(l instanceof Error || (l as Pdu).command_status !== 0, 'a submit sent after close() began is not accepted');
    assert.deepEqual(slowApp.submissions.map((s) => s.input.text), ['one', 'two'], 'nothing read after close() began was decided');
    await e.close().catch(() => undefined);
  });

  test('a fixed-size TLV given with another length is refused ESME_RINVPARLEN, never read another way', async () => {
    // A 4-octet user_message_reference had been recorded as a 32-bit reference, a 3-octet one
    // dropped; a SAR TLV of the wrong size made the part a message of its own.
    const e = await esme();
    const before = app.submissions.length;
    const ref = (n: number) => tlvOctets(Tag.user_message_reference, Buffer.alloc(n, 1));
    for (const tlvs of [[ref(4)], [ref(3)], [ref(1)], [tlvOctets(Tag.sar_msg_ref_num, Buffer.from([0, 0, 5])), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, 1)], [tlvU16(Tag.sar_msg_ref_num, 5), tlvU16(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, 1)]]) {
      assert.equal((await e.request(sm('hello', { tlvs }))).command_status, CommandStatus.ESME_RINVPARLEN, JSON.stringify(tlvs.map((t) => [t.tag, t.value.length])));
    }
    assert.equal(app.submissions.length, before, 'none decided');
    // the right size is read as before, and the session lives on
    assert.equal((await e.request(sm('hello', { tlvs: [tlvU16(Tag.user_message_reference, 258)] }))).command_status, 0);
    assert.equal(app.submissions.at(-1)!.input.clientRef, '258');
    await e.close();
  });

  test('a part numbered 0 or past its total: a UDH one ESME_RINVESMCLASS, a SAR one ESME_RINVOPTPARAMVAL; nothing kept or decided', async () => {
    const e = await esme();
    const n = app.submissions.length;
    for (const [seq, total] of [[0, 3], [4, 3]]) {
      const udh = sm('', { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 90, total, seq }), Buffer.from('part')]) });
      assert.equal((await e.request(udh)).command_status, CommandStatus.ESME_RINVESMCLASS, `UDH ${seq}/${total}`);
      const sar = sm('part', { tlvs: [tlvU16(Tag.sar_msg_ref_num, 91), tlvU8(Tag.sar_total_segments, total), tlvU8(Tag.sar_segment_seqnum, seq)] });
      assert.equal((await e.request(sar)).command_status, CommandStatus.ESME_RINVOPTPARAMVAL, `SAR ${seq}/${total}`);
    }
    assert.equal(app.submissions.length, n, 'nothing decided');
    await e.close();
  });

  test('short_message and message_payload both carrying text: refused ESME_RINVOPTPARAMVAL, never one of them dropped', async () => {
    const e = await esme();
    const n = app.submissions.length;
    const both = await e.request(sm('part one', { tlvs: [tlvOctets(Tag.message_payload, Buffer.from('part two'))] }));
    assert.equal(both.command_status, CommandStatus.ESME_RINVOPTPARAMVAL);
    assert.equal(app.submissions.length, n, 'nothing decided');
    // sm_length 0 with message_payload, and an empty message_payload beside short_message, are fine
    assert.equal((await e.request(sm('', { short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, Buffer.from('via payload'))] }))).command_status, 0);
    assert.equal((await e.request(sm('via short_message', { tlvs: [tlvOctets(Tag.message_payload, Buffer.alloc(0))] }))).command_status, 0);
    assert.deepEqual(app.submissions.slice(n).map((x) => x.input.text), ['via payload', 'via short_message']);
    await e.close();
  });

  test('replace_sm, query_sm and cancel_sm of an unknown id are answered with their own responses, never counted as malformed', async () => {
    // An ESME that tries them must not lose its session after ten, as a peer sending undecodable PDUs
    // does. (replace_sm was refused generic_nack ESME_RINVCMDID until it was offered on 2026-12-07:
    // replace-sm-gateway.test.ts; query_sm, cancel_sm and submit_multi were too before theirs.)
    const { s, got, closed, pdu, cstr } = await rawSession(port);
    assert.equal(got[0].status, 0, 'bound');
    const replaceBody = Buffer.concat([cstr('msg_none'), Buffer.from([0, 0]), cstr('10690001'), cstr(''), cstr(''), Buffer.from([0, 0, 2]), Buffer.from('hi')]);
    for (let i = 0; i < 12; i++) s.write(pdu(0x00000007, 100 + i, replaceBody));
    s.write(pdu(0x00000003, 150, Buffer.concat([cstr('msg_none'), Buffer.from([0, 0]), cstr('')])));
    s.write(pdu(0x00000008, 151, Buffer.concat([cstr(''), cstr('msg_none'), Buffer.from([0, 0]), cstr(''), Buffer.from([0, 0]), cstr('')])));
    s.write(pdu(0x00000015, 200, Buffer.alloc(0)));
    await waitFor(() => got.find((g) => g.seq === 200), 3000);
    const answers = got.filter((g) => g.seq >= 100 && g.seq < 150);
    assert.equal(answers.length, 12, 'each answered');
    assert.ok(answers.every((g) => g.id === 0x80000007 && g.status === CommandStatus.ESME_RREPLACEFAIL && g.body === ''), 'replace_sm_resp ESME_RREPLACEFAIL (header only)');
    const q = got.find((g) => g.seq === 150)!;
    assert.deepEqual([q.id, q.status], [0x80000003, CommandStatus.ESME_RQUERYFAIL], 'query_sm is answered');
    const c = got.find((g) => g.seq === 151)!;
    assert.deepEqual([c.id, c.status, c.body], [0x80000008, CommandStatus.ESME_RCANCELFAIL, ''], 'cancel_sm is answered (header only)');
    assert.deepEqual(got.find((g) => g.seq === 200), { id: 0x80000015, status: 0, seq: 200, body: '' }, 'the session lives on');
    s.destroy();
    await closed;
  });

  test('a deliver_sm from the ESME gets ESME_RINVBNDSTS whatever its fields (alert_notification and outbind too), never counted as malformed', async () => {
    // Only an SMSC delivers (SMPP 3.4 §2.3): an address over its length must not be answered as if
    // fixing it would make the PDU acceptable.
    const { s, got, closed, pdu, cstr } = await rawSession(port);
    const deliver = (source: string) => Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr(source), Buffer.from([0, 0]), cstr('10690001'), Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 2]), Buffer.from('hi')]);
    for (let i = 0; i < 12; i++) s.write(pdu(0x00000005, 300 + i, deliver(i % 2 ? '8'.repeat(40) : '8613800138000')));
    s.write(pdu(0x00000102, 320, Buffer.from('\x01\x018613800138000\0\x01\x0110690001\0', 'latin1')));
    s.write(pdu(0x0000000b, 321, Buffer.from('smsc\0pw\0', 'latin1')));
    s.write(pdu(0x00000015, 330, Buffer.alloc(0)));
    await waitFor(() => got.find((g) => g.seq === 330), 3000);
    const resps = got.filter((g) => g.seq >= 300 && g.seq < 320);
    assert.equal(resps.length, 12, 'each answered');
    assert.ok(resps.every((g) => g.id === 0x80000005 && g.status === CommandStatus.ESME_RINVBNDSTS), 'deliver_sm_resp ESME_RINVBNDSTS, the over-long addresses too');
    assert.deepEqual(got.filter((g) => g.seq === 320 || g.seq === 321).map((g) => [g.id, g.status]), [[0x80000000, CommandStatus.ESME_RINVBNDSTS], [0x80000000, CommandStatus.ESME_RINVBNDSTS]]);
    assert.deepEqual(got.find((g) => g.seq === 330), { id: 0x80000015, status: 0, seq: 330, body: '' }, 'the session lives on');
    s.destroy();
    await closed;
  });

  test('an unbind that arrives behind submits still being decided waits for their submit_sm_resp', async () => {
    // The submits are recorded and will be sent: an ESME that never hears their ids resubmits them
    // (duplicates) and cannot match their receipts. Same reason as our own unbind on stop.
    const { s, got, closed, pdu, cstr } = await rawSession(port);
    const submit = (seq: number) => pdu(0x00000004, seq, Buffer.concat([cstr(''), Buffer.from([5, 0]), cstr('10690001'), Buffer.from([1, 1]), cstr('13800138000'), Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 5]), Buffer.from('hello')]));
    // five submits and the unbind in one write, as an ESME stopping with answers outstanding sends them
    s.write(Buffer.concat([submit(10), submit(11), submit(12), submit(13), submit(14), pdu(0x00000006, 20, Buffer.alloc(0))]));
    await closed;
    const resps = got.filter((g) => g.id === 0x80000004);
    assert.deepEqual(resps.map((g) => g.seq).sort(), [10, 11, 12, 13, 14], 'every submit answered');
    assert.ok(resps.every((g) => g.status === 0 && /^msg_/.test(g.body)), 'with its message id');
    const last = got[got.length - 1];
    assert.deepEqual([last.id, last.status, last.seq], [0x80000006, 0, 20], 'unbind_resp after them, then the close');
  });

  test('garbage costs only its own session', async () => {
    const s = connect({ host: '127.0.0.1', port });
    await new Promise((r) => s.once('connect', r));
    const closed = new Promise((r) => s.once('close', r));
    s.resume(); // read the generic_nack, so the end of the stream is seen
    s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closed; // 'GET ' as a command_length is absurd: generic_nack, connection dropped
    const e = await esme();
    assert.equal((await e.request(sm('still fine'))).command_status, 0);
    await e.close();
  });
});
