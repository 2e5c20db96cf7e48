/**
 * SMPP on both sides with the real use cases: an ESME binds to smsguard's SMPP server, the message
 * is decided and recorded, the delivery worker hands it to the SMPP upstream client, which submits
 * it to the simulator SMSC over SMPP; the receipt travels back the same way to the ESME, and an MO
 * injected at the simulator reaches the provider's bind.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppSimulatorServer } from '../../../src/smpp/simulator/index.js';
import { SmppUpstream, SmppEsme, parseUpstreamUrl } from '../../../src/smpp/client/index.js';
import { CommandStatus, EsmClass, MessageState, Tag, buildConcatUdh, decodeText, encodeText, formatSmppTime, parseDlrText, parseUdh, smDefaults, tlvCString, tlvString, type QuerySmRespPdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { validCreditCode, NOON_SHANGHAI } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
let store: SqliteStore;
let app: App;
let sim: SimulatorSmsc;
let simServer: SmppSimulatorServer;
let upstream: SmppUpstream;
let worker: DeliveryWorker;
let server: SmppServer;
let port: number;
let cpId: string;
let esme: SmppEsme;
const delivered: SmPdu[] = [];

function sm(text: string, o: Partial<SmPdu> = {}): SmPdu {
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 1, ...o };
}
before(async () => {
  store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  sim = new SimulatorSmsc(clock);
  simServer = new SmppSimulatorServer({ sim });
  const simPort = await simServer.listen(0);
  upstream = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://smsguard:pw@127.0.0.1:${simPort}?name=sim`)] });
  upstream.start();
  assert.ok(await upstream.waitUp(3000));
  worker = new DeliveryWorker(app.ctx, upstream, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
  worker.start();

  const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
  cpId = cp.id;
  await app.addSignature(admin, cpId, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690001', contentProviderId: cpId, kind: 'service' });
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred') });
  await creds.create(admin, cpId, { systemId: 'shili', password: 'pw123' });
  server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null });
  port = await server.listen(0, '127.0.0.1');
  esme = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'shili', password: 'pw123', onDeliver: (p) => { delivered.push(p as SmPdu); return 0; } });
});

after(async () => {
  await esme.close();
  await server.close();
  await worker.stop();
  await upstream.close();
  await simServer.close();
  await store.close();
});

describe('SMPP in, SMPP out, through the real pipeline', () => {
  test('verification code: accepted, recorded, submitted over SMPP, receipt back to the ESME', async () => {
    const text = '【示例】您的验证码是123456，5分钟内有效。';
    const resp = await esme.request(sm(text, { tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')] }));
    assert.equal(resp.command_status, 0);
    const id = (resp as { message_id: string }).message_id;
    // The outbox holds the number in E.164 whatever form the SMPP client sent (README: `outbox?to=13800138000`).
    const out = await waitFor(() => sim.outbox('+8613800138000').find((d) => d.text === text));
    assert.ok(out);
    const dlr = await waitFor(() => delivered.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
    assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'DELIVRD');
    const m = await waitFor(async () => {
      const v = await app.getMessage(admin, id);
      return v && (v as { status: string }).status === 'delivered' ? v : undefined;
    });
    assert.deepEqual((m as { history: { status: string }[] }).history.map((h) => h.status), ['accepted', 'submitted', 'delivered']);
  });

  test('query_sm through the real App: the delivered message is DELIVERED at the time its history says; an unknown id ESME_RQUERYFAIL', async () => {
    const resp = await esme.request(sm('【示例】您的验证码是444444，5分钟内有效。', { destination_addr: '13800138004', tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')] }));
    const id = (resp as { message_id: string }).message_id;
    const m = await waitFor(async () => {
      const v = await app.getMessage(admin, id);
      return v.status === 'delivered' ? v : undefined;
    });
    const q = (await esme.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001' })) as QuerySmRespPdu;
    assert.deepEqual([q.command, q.command_status, q.message_id, q.message_state, q.final_date], ['query_sm_resp', 0, id, MessageState.DELIVERED, formatSmppTime(m.history.at(-1)!.at)]);
    const unknown = await esme.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: 'msg_nosuchmessage', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' });
    assert.equal(unknown.command_status, CommandStatus.ESME_RQUERYFAIL);
  });

  test('registered_delivery 2 (receipt on failure only): delivered, and no DELIVRD receipt', async () => {
    const text = '【示例】您的验证码是222222，5分钟内有效。';
    const resp = await esme.request(sm(text, { destination_addr: '13800138002', registered_delivery: 2, tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')] }));
    assert.equal(resp.command_status, 0);
    const id = (resp as { message_id: string }).message_id;
    await waitFor(async () => ((await app.getMessage(admin, id)) as { status: string } | null)?.status === 'delivered' || undefined);
    // a later message that asks for every receipt gets its DELIVRD: the first one's would have come before it
    const later = await esme.request(sm('【示例】您的验证码是333333，5分钟内有效。', { destination_addr: '13800138003', tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')] }));
    const laterId = (later as { message_id: string }).message_id;
    await waitFor(() => delivered.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === laterId));
    assert.equal(delivered.filter((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id).length, 0);
  });

  test('a rejection maps to its command_status (signature_missing → 0x406) and never reaches the SMSC', async () => {
    const before = sim.outbox().length;
    const resp = await esme.request(sm('您的验证码是654321', { destination_addr: '13900139000' }));
    assert.equal(resp.command_status, 0x406);
    // a second brand in 【】: its own vendor status, 0x413
    const two = await esme.request(sm('【示例】【别家】您的验证码是654321', { destination_addr: '13900139000' }));
    assert.equal(two.command_status, 0x413);
    await worker.drain();
    assert.equal(sim.outbox().length, before);
  });

  test('a long message in three UDH parts is decided whole and reaches the SMSC whole', async () => {
    const text = '【示例】您的订单已发货。' + '物流信息更新。'.repeat(25);
    const oct = encodeText(text, 8);
    const parts = [oct.subarray(0, 134), oct.subarray(134, 268), oct.subarray(268)];
    const resps = [];
    for (let k = 1; k <= 3; k++) resps.push(await esme.request(sm('', { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 77, total: 3, seq: k }), parts[k - 1]]) })));
    assert.ok(resps.every((r) => r.command_status === 0));
    const ids = resps.map((r) => (r as { message_id: string }).message_id);
    await waitFor(() => sim.outbox().find((d) => d.text === text));
    // one receipt per acknowledged part id
    for (const id of ids) await waitFor(() => delivered.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
  });

  test('an MO reply at the simulator reaches the provider bind as deliver_sm', async () => {
    sim.injectMo({ from: '+8613800138000', to: '10690001', text: '收到，谢谢' });
    const mo = await waitFor(() => delivered.find((p) => p.esm_class === 0 && decodeText(p.short_message, p.data_coding) === '收到，谢谢'));
    assert.equal(mo.destination_addr, '10690001');
  });

  test('a long MO reply reaches the gateway in parts, is recorded whole once, and reaches the provider whole', async () => {
    // 150 characters: three UCS-2 parts from the simulator SMSC, each kept in the store as it comes
    const text = `我对这条短信有意见，${'请核实发送来源并停止向我发送同类短信。'.repeat(7)}`.slice(0, 150);
    sim.injectMo({ from: '+8613900139000', to: '10690001', text });
    const recorded = await waitFor(async () => {
      const r = (await store.records.queryRecords({ kind: 'mo', msisdn: '+8613900139000', limit: 10 })).records;
      return r.length ? r : undefined;
    });
    assert.deepEqual(recorded.map((r) => (r.body as { text: string }).text), [text]);
    // forwarded to the provider bind (split again for it: a UDH set whose parts join to the text)
    const parts = await waitFor(() => {
      const ps = delivered.filter((p) => p.esm_class & EsmClass.UDHI && p.source_addr.endsWith('13900139000'));
      return ps.length === 3 ? ps : undefined;
    });
    assert.equal(parts.map((p) => decodeText(parseUdh(p.short_message)!.payload, p.data_coding)).join(''), text);
  });
});

describe('the replies the gateway acts on reach the provider\'s binds too', () => {
  let other: SmppEsme;
  const otherGot: SmPdu[] = [];
  before(async () => {
    const cp = await app.createContentProvider(admin, { name: '别家科技有限公司', creditCode: await validCreditCode() });
    await app.addSignature(admin, cp.id, { signature: '【别家】' });
    await app.addPort(admin, { number: '10698001', contentProviderId: cp.id, kind: 'service' });
    const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null, now: () => Date.now(), newId: () => app.ctx.ids.next('cred') });
    await creds.create(admin, cp.id, { systemId: 'bie', password: 'pw456' });
    other = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'bie', password: 'pw456', onDeliver: (p) => { otherGot.push(p as SmPdu); return 0; } });
  });
  after(async () => other.close());

  test('a TD and an 订阅 at the simulator reach the port holder\'s bind as any MO (the text the user typed), not another provider\'s', async () => {
    for (const text of ['TD', '订阅']) {
      sim.injectMo({ from: '+8613700137000', to: '10690001', text });
      const mo = await waitFor(() => delivered.find((p) => p.esm_class === 0 && p.source_addr.endsWith('13700137000') && decodeText(p.short_message, p.data_coding) === text));
      assert.equal(mo.destination_addr, '10690001');
    }
    const recs = (await store.records.queryRecords({ kind: 'mo', msisdn: '+8613700137000', limit: 10 })).records;
    assert.deepEqual(recs.map((r) => (r.body as { action: string }).action).sort(), ['opt_in', 'opt_out'], 'the gateway acted on both');
    // the other provider's bind, which hears its own MO, heard nothing of these
    sim.injectMo({ from: '+8613700137001', to: '10698001', text: '你好' });
    await waitFor(() => otherGot.find((p) => p.esm_class === 0 && p.source_addr.endsWith('13700137001')));
    assert.deepEqual(otherGot.filter((p) => p.source_addr.endsWith('13700137000')), []);
  });
});
