/**
 * submit_multi (SMPP 3.4 §4.5) over a real bind: each SME destination is one message through the same
 * use case as submit_sm, all in one submitMessages call; submit_multi_resp names the first taken and
 * lists the others with their own status (docs/SMPP.md, submit_multi).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import {
  CommandStatus, EsmClass, Tag, buildConcatUdh, encodeText, parseDlrText, tlvOctets, tlvString, tlvU16, tlvU8,
  type MultiDest, type Pdu, type SmPdu, type SubmitMultiPdu, type SubmitMultiRespPdu,
} from '../../../src/smpp/pdu/index.js';
import { memorySmppCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
let app: FakeApp;
let creds: SmppCredentials;
let server: SmppServer;
let port: number;

const sme = (addr: string): MultiDest => ({ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: addr });
function multi(text: string, dests: MultiDest[], o: Partial<SubmitMultiPdu> = {}): SubmitMultiPdu {
  return {
    command: 'submit_multi', command_status: 0, sequence_number: 0, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001',
    dest_addresses: dests, esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '', registered_delivery: 0,
    replace_if_present_flag: 0, data_coding: 8, sm_default_msg_id: 0, short_message: encodeText(text, 8), tlvs: [], ...o,
  };
}
const asResp = (p: Pdu) => {
  assert.equal(p.command, 'submit_multi_resp');
  return p as SubmitMultiRespPdu;
};

before(async () => {
  app = new FakeApp();
  creds = memorySmppCredentials();
  await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  await creds.create(admin, 'cp_2', { systemId: 'two', password: 'pw', throughput: 2 });
  await creds.create(admin, 'cp_2', { systemId: 'refund', password: 'pw', throughput: 2 });
  server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', maxBatch: 2 });
  port = await server.listen(0, '127.0.0.1');
});
after(async () => {
  await server.close();
});

describe('smpp server: submit_multi', () => {
  test('each SME destination is one message through the use case, all in one decision; refused ones listed in order with their own status; receipts per destination', async () => {
    const got: SmPdu[] = [];
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', onDeliver: (d) => { got.push(d as SmPdu); return 0; } });
    try {
      const n = app.submissions.length;
      const text = '【示例】您的订单已发货。';
      const r = asResp(await e.request(multi(text, [sme('13800138001'), { dest_flag: 2, dl_name: 'vip' }, sme('REJECT:opted_out'), sme('13800138002')], { registered_delivery: 1 })));
      const mine = app.submissions.slice(n);
      assert.deepEqual(mine.map((s) => s.input.to), ['13800138001', 'REJECT:opted_out', '13800138002'], 'the distribution list decided nothing');
      assert.ok(mine.every((s) => s.input.text === text && s.channel === 'smpp' && s.input.registeredDelivery === true && s.input.from === '10690001'));
      assert.ok(mine.every((s) => s.principal.role === 'content-provider' && s.principal.contentProviderId === 'cp_1'));
      assert.equal(app.batches.at(-1), 3, 'one submitMessages call for the three, though the server batches by 2');
      assert.equal(r.command_status, CommandStatus.ESME_ROK);
      const [first, , third] = [...app.messages.values()].slice(-3);
      assert.equal(r.message_id, first.id, 'the first destination taken names the submission');
      assert.deepEqual(r.unsuccess_sme, [
        { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: 'vip', error_status_code: CommandStatus.ESME_RINVDESTFLAG },
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: 'REJECT:opted_out', error_status_code: 0x411 },
      ]);
      // the last destination's message has its own id, and its own receipt
      assert.equal(third.to, '13800138002');
      const t = Date.now();
      app.events.emit('messageStatus', { id: third.id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138002', submittedAt: t - 1000, registeredDelivery: true, text });
      const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === third.id));
      assert.equal(d.source_addr, '13800138002');
      assert.equal(parseDlrText(d.short_message.toString('latin1'))!.stat, 'DELIVRD');
    } finally {
      await e.close();
    }
  });

  test('none taken: command_status is the status they share, else ESME_RSUBMITFAIL; each still listed', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
    try {
      const all = asResp(await e.request(multi('x', [sme('REJECT:opted_out'), sme('REJECT:opted_out')])));
      assert.deepEqual([all.command_status, all.message_id, all.unsuccess_sme.length], [0x411, '', 2]);
      const mixed = asResp(await e.request(multi('x', [sme('REJECT:quiet_hours'), { dest_flag: 2, dl_name: 'all' }])));
      assert.deepEqual([mixed.command_status, mixed.message_id], [CommandStatus.ESME_RSUBMITFAIL, '']);
      assert.deepEqual(mixed.unsuccess_sme.map((u) => [u.destination_addr, u.error_status_code]), [['REJECT:quiet_hours', 0x412], ['all', 0x40]]);
      const lists = asResp(await e.request(multi('x', [{ dest_flag: 2, dl_name: 'a' }])));
      assert.equal(lists.command_status, CommandStatus.ESME_RINVDESTFLAG);
    } finally {
      await e.close();
    }
  });

  test('number_of_dests 0 or 255: ESME_RINVNUMDESTS, nothing decided', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
    try {
      const n = app.submissions.length;
      assert.equal((await e.request(multi('x', []))).command_status, CommandStatus.ESME_RINVNUMDESTS);
      const many = Array.from({ length: 255 }, (_, i) => sme(String(13900000000 + i)));
      assert.equal((await e.request(multi('x', many))).command_status, CommandStatus.ESME_RINVNUMDESTS);
      assert.equal(app.submissions.length, n);
    } finally {
      await e.close();
    }
  });

  test('the credential\'s throughput counts per destination: those past it are refused ESME_RTHROTTLED alone; no token left refuses the whole', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'two', password: 'pw' });
    try {
      const n = app.submissions.length;
      const r = asResp(await e.request(multi('x', [sme('13800000001'), sme('13800000002'), sme('13800000003')])));
      assert.equal(r.command_status, CommandStatus.ESME_ROK);
      assert.deepEqual(r.unsuccess_sme.map((u) => [u.destination_addr, u.error_status_code]), [['13800000003', CommandStatus.ESME_RTHROTTLED]]);
      assert.deepEqual(app.submissions.slice(n).map((s) => s.input.to), ['13800000001', '13800000002']);
      assert.equal((await e.request(multi('x', [sme('13800000004')]))).command_status, CommandStatus.ESME_RTHROTTLED);
    } finally {
      await e.close();
    }
  });

  test('a submit_multi refused whole before anything is decided gives its throughput tokens back', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'refund', password: 'pw' });
    try {
      const n = app.submissions.length;
      // each refused whole by a check of the PDU itself, after the session took its two tokens
      const udh = await e.request(multi('', [sme('13800000021'), sme('13800000022')], { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 1, total: 2, seq: 1 }), encodeText('一半', 8)]) }));
      assert.equal(udh.command_status, CommandStatus.ESME_RINVESMCLASS);
      const late = await e.request(multi('x', [sme('13800000023'), sme('13800000024')], { validity_period: '000000000000000Z' }));
      assert.equal(late.command_status, CommandStatus.ESME_RINVEXPIRY);
      assert.equal(app.submissions.length, n, 'nothing decided');
      // the two tokens of the rate are still there for the corrected submission: both destinations taken
      const r = asResp(await e.request(multi('x', [sme('13800000025'), sme('13800000026')])));
      assert.deepEqual([r.command_status, r.unsuccess_sme], [CommandStatus.ESME_ROK, []]);
      assert.deepEqual(app.submissions.slice(n).map((s) => s.input.to), ['13800000025', '13800000026']);
    } finally {
      await e.close();
    }
  });

  test('long messages: message_payload is taken whole; a UDH part (ESME_RINVESMCLASS) or a SAR part (ESME_ROPTPARNOTALLWD) is refused whole; a bad time too', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
    try {
      const n = app.submissions.length;
      const long = '【示例】' + '长消息'.repeat(100);
      const p = asResp(await e.request(multi('', [sme('13800000011'), sme('13800000012')], { short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, encodeText(long, 8))] })));
      assert.deepEqual([p.command_status, p.unsuccess_sme], [0, []]);
      assert.deepEqual(app.submissions.slice(n).map((s) => s.input.text), [long, long]);
      const m = app.submissions.length;
      const udh = await e.request(multi('', [sme('13800000013')], { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 1, total: 2, seq: 1 }), encodeText('一半', 8)]) }));
      assert.equal(udh.command_status, CommandStatus.ESME_RINVESMCLASS);
      const sar = await e.request(multi('一半', [sme('13800000014')], { tlvs: [tlvU16(Tag.sar_msg_ref_num, 5), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, 1)] }));
      assert.equal(sar.command_status, CommandStatus.ESME_ROPTPARNOTALLWD);
      const late = await e.request(multi('x', [sme('13800000015')], { validity_period: '000000000000000Z' }));
      assert.equal(late.command_status, CommandStatus.ESME_RINVEXPIRY);
      // UCS-2 ending in half a character: refused whole, not sent one octet short (docs/SMPP.md, data_coding)
      const odd = Buffer.concat([encodeText('【示例】您好', 8), Buffer.from([0x4f])]);
      const half = await e.request(multi('', [sme('13800000016'), sme('13800000017')], { short_message: odd }));
      assert.equal(half.command_status, CommandStatus.ESME_RINVMSGLEN);
      assert.equal(app.submissions.length, m, 'nothing decided');
    } finally {
      await e.close();
    }
  });
});
