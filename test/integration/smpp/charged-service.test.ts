/**
 * A charged message sent over SMPP (docs/REGULATION.md rule 8; docs/SMPP.md, vendor TLV 0x1403;
 * docs/CONSENT.md, "Charged services (rule 8)"): a submit_sm naming the service in TLV 0x1403 goes
 * through the same use case as HTTP's `chargedServiceId`. Over a real bind, with the real App, a
 * service registered and subscribed through the API: refused 0x414 (charge_not_confirmed, recorded
 * with rule charging.notice) until the number replied Y, then ESME_ROK and sent; an unknown service
 * 0x401 (not_found), another provider's 0x400 (forbidden), a malformed value 0x45 (invalid_request),
 * as HTTP's 404 / 403 / 400; a data_sm, a submit_multi and a long message in parts alike (the service
 * given on any part is the set's, UDH and SAR; parts naming different ones refuse it 0xC4); a scheduled one keeps its
 * service through replace_sm and is stopped at send time once the subscription ended.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, OTHER_PROVIDER, type TestGateway, type Provider } from '../../helpers/gateway.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, Tag, buildConcatUdh, encodeText, smDefaults, tlvCString, tlvOctets, tlvU16, tlvU8, type DataSmPdu, type ReplaceSmPdu, type SmPdu, type SubmitMultiPdu, type SubmitMultiRespPdu } from '../../../src/smpp/pdu/index.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
const PORT = '10690001';
const TEXT = '【示例】今日天气：晴，15至22度';
const MIN = 60_000;

describe('smpp: a charged message (TLV 0x1403, rule 8)', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  let server: SmppServer;
  let esme: SmppEsme;
  let serviceId = '';
  let othersService = '';

  const sm = (to: string, tlvs: SmPdu['tlvs'], o: Partial<SmPdu> = {}): SmPdu => ({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: PORT, destination_addr: to, data_coding: 8, short_message: encodeText(TEXT, 8), tlvs, ...o });
  const charged = (id: string) => tlvCString(Tag.smsguard_charged_service, id);
  const submit = async (pdu: SmPdu | DataSmPdu | ReplaceSmPdu) => {
    const r = await esme.request(pdu);
    return { status: r.command_status, id: (r as { message_id?: string }).message_id ?? '' };
  };
  const sent = async (to: string): Promise<string[]> => {
    await g.worker.drain();
    return ((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages as { text: string }[]).map((m) => m.text);
  };
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const register = async (p: Provider, port: string) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: p.id, name: '天气早知道', port, tariff: { amountFen: 200, per: 'month' } } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  /** The notice, the user's Y: a confirmed subscription of `msisdn`. */
  const subscribe = async (msisdn: string) => {
    const r = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn } });
    assert.equal(r.statusCode, 202, r.body);
    const mo = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: msisdn, to: PORT, text: 'Y' } })).json();
    assert.equal(mo.action, 'consent_granted', JSON.stringify(mo));
    await g.worker.drain();
  };
  /** The charging.notice refusals of cp's messages to `to`, as /v1/records holds them. */
  const refusals = async (to: string) => {
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?kind=mt&rule=charging.notice&contentProviderId=${cp.id}&limit=1000`, headers: g.admin })).json().records as { decision: string; code: string; body: { to?: string; chargedServiceId?: string } }[];
    return recs.filter((r) => r.decision === 'rejected' && String(r.body.to ?? '').endsWith(to));
  };

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
    other = await onboard(g, OTHER_PROVIDER);
    serviceId = await register(cp, PORT);
    othersService = await register(other, '10698001');
    const creds = new SmppCredentials({ store: new SqliteSmppCredentials(g.store.db), contentProviderExists: async () => true, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred') });
    await creds.create(admin, cp.id, { systemId: 'weather', password: 'pw123' });
    server = new SmppServer({ app: g.app, authenticate: (s, pw, ip) => creds.authenticate(s, pw, ip), portKind: async (n) => (await g.store.directory.getPort(n))?.kind ?? null, messageNow: () => g.clock.now() });
    const port = await server.listen(0, '127.0.0.1');
    esme = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'weather', password: 'pw123' });
  });
  after(async () => {
    await esme?.close();
    await server?.close();
    await g?.close();
  });

  test('no confirmed subscription: 0x414 charge_not_confirmed, recorded with rule charging.notice; after Y: ESME_ROK and sent, the record naming the service', async () => {
    const to = '13800138401';
    const refused = await submit(sm(to, [charged(serviceId)]));
    assert.equal(refused.status, 0x414, `0x${refused.status.toString(16)}`);
    const recs = await refusals(to);
    assert.equal(recs.length, 1, 'recorded like any SMPP rejection');
    assert.equal(recs[0].code, 'charge_not_confirmed');
    assert.equal(recs[0].body.chargedServiceId, serviceId);
    assert.equal((await sent(to)).includes(TEXT), false);

    await subscribe(to);
    const ok = await submit(sm(to, [charged(serviceId)]));
    assert.equal(ok.status, CommandStatus.ESME_ROK, `0x${ok.status.toString(16)}`);
    assert.equal((await view(ok.id)).chargedServiceId, serviceId);
    assert.ok((await sent(to)).includes(TEXT), 'the charged message reached the carrier');
    // the same submit without the TLV is no charged message: untouched by rule 8
    const plain = await submit(sm('13800138402', []));
    assert.equal(plain.status, CommandStatus.ESME_ROK);
    assert.equal((await view(plain.id)).chargedServiceId, undefined);
  });

  test('an unknown service 0x401 (not_found), another provider\'s 0x400 (forbidden), a malformed value 0x45 (invalid_request): nothing recorded or sent', async () => {
    const to = '13800138403';
    await subscribe(to);
    assert.equal((await submit(sm(to, [charged('chs_nope')]))).status, 0x401);
    assert.equal((await submit(sm(to, [charged(othersService)]))).status, 0x400);
    assert.equal((await submit(sm(to, [tlvOctets(Tag.smsguard_charged_service, Buffer.from([0]))]))).status, CommandStatus.ESME_RSUBMITFAIL, 'empty: refused, not sent uncharged');
    assert.equal((await submit(sm(to, [tlvOctets(Tag.smsguard_charged_service, Buffer.from(`${serviceId}\0x\0`))]))).status, CommandStatus.ESME_RSUBMITFAIL, 'a NUL inside: refused, not cut to the service before it');
    assert.equal((await submit(sm(to, [charged('x'.repeat(65))]))).status, CommandStatus.ESME_RSUBMITFAIL);
    assert.equal((await refusals(to)).length, 0);
    assert.equal((await sent(to)).includes(TEXT), false);
  });

  test('a data_sm names it alike', async () => {
    const to = '13800138404';
    const data = (): DataSmPdu => ({ ...smDefaults(), command: 'data_sm', sequence_number: 0, source_addr: PORT, destination_addr: to, data_coding: 8, tlvs: [tlvOctets(Tag.message_payload, encodeText(TEXT, 8)), charged(serviceId)] }) as DataSmPdu;
    assert.equal((await submit(data())).status, 0x414);
    await subscribe(to);
    const ok = await submit(data());
    assert.equal(ok.status, CommandStatus.ESME_ROK);
    assert.equal((await view(ok.id)).chargedServiceId, serviceId);
  });

  test('a submit_multi names it for every destination: the one not subscribed is refused 0x414 in unsuccess_sme', async () => {
    const yes = '13800138407';
    const no = '13800138408';
    await subscribe(yes);
    const pdu: SubmitMultiPdu = {
      command: 'submit_multi', command_status: 0, sequence_number: 0, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: PORT,
      dest_addresses: [yes, no].map((destination_addr) => ({ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr })), esm_class: 0, protocol_id: 0, priority_flag: 0,
      schedule_delivery_time: '', validity_period: '', registered_delivery: 0, replace_if_present_flag: 0, data_coding: 8, sm_default_msg_id: 0, short_message: encodeText(TEXT, 8), tlvs: [charged(serviceId)],
    } as SubmitMultiPdu;
    const r = (await esme.request(pdu)) as SubmitMultiRespPdu;
    assert.equal(r.command_status, CommandStatus.ESME_ROK);
    assert.deepEqual(r.unsuccess_sme.map((u) => [u.destination_addr, u.error_status_code]), [[no, 0x414]]);
    assert.equal((await view(r.message_id)).chargedServiceId, serviceId);
  });

  test('a long message in parts: the service given on every part; refused 0x414 whole without a subscription', async () => {
    const long = `【示例】${'今日天气：晴，15至22度，东南风三级，空气质量良。'.repeat(4)}`;
    const octets = encodeText(long, 8);
    const half = Math.ceil(octets.length / 4) * 2;
    const parts = (to: string, ref: number) => [octets.subarray(0, half), octets.subarray(half)].map((o, i) =>
      sm(to, [charged(serviceId)], { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq: i + 1 }), o]) }));
    const to = '13800138405';
    const [a1, a2] = parts(to, 41);
    assert.equal((await submit(a1)).status, CommandStatus.ESME_ROK, 'an earlier part is acknowledged');
    assert.equal((await submit(a2)).status, 0x414);
    assert.equal((await refusals(to)).length, 1);
    await subscribe(to);
    const [b1, b2] = parts(to, 42);
    assert.equal((await submit(b1)).status, CommandStatus.ESME_ROK);
    const whole = await submit(b2);
    assert.equal(whole.status, CommandStatus.ESME_ROK);
    const v = await view(whole.id);
    assert.equal(v.chargedServiceId, serviceId);
    assert.ok((await sent(to)).length > 0);
  });

  for (const via of ['udh', 'sar'] as const) {
    test(`${via}: the service on the first part only is the set's: refused 0x414 without a subscription (not sent uncharged), charged once subscribed`, async () => {
      const long = `【示例】${'今日天气：晴，15至22度，东南风三级，空气质量良。'.repeat(4)}`;
      const octets = encodeText(long, 8);
      const half = Math.ceil(octets.length / 4) * 2;
      const parts = (to: string, ref: number) => [octets.subarray(0, half), octets.subarray(half)].map((o, i) => {
        const tlvs = i === 0 ? [charged(serviceId)] : [];
        return via === 'udh'
          ? sm(to, tlvs, { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq: i + 1 }), o]) })
          : sm(to, [...tlvs, tlvU16(Tag.sar_msg_ref_num, ref), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, i + 1)], { short_message: Buffer.from(o) });
      });
      const to = via === 'udh' ? '13800138409' : '13800138410';
      const [a1, a2] = parts(to, 51);
      assert.equal((await submit(a1)).status, CommandStatus.ESME_ROK);
      const refused = await submit(a2);
      assert.equal(refused.status, 0x414, `0x${refused.status.toString(16)} (ESME_ROK: sent uncharged, unchecked)`);
      assert.equal((await refusals(to)).length, 1);
      assert.deepEqual(await sent(to), []);
      await subscribe(to);
      const [b1, b2] = parts(to, 52);
      assert.equal((await submit(b1)).status, CommandStatus.ESME_ROK);
      const whole = await submit(b2);
      assert.equal(whole.status, CommandStatus.ESME_ROK);
      assert.equal((await view(whole.id)).chargedServiceId, serviceId);
    });
  }

  test('parts naming different services refuse the set ESME_RINVOPTPARAMVAL: nothing decided or sent', async () => {
    const to = '13800138411';
    await subscribe(to);
    const mk = (seq: number, id: string) => sm(to, [charged(id)], { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 53, total: 2, seq }), encodeText(TEXT, 8)]) });
    assert.equal((await submit(mk(1, serviceId))).status, CommandStatus.ESME_ROK);
    assert.equal((await submit(mk(2, othersService))).status, CommandStatus.ESME_RINVOPTPARAMVAL);
    assert.equal((await sent(to)).some((t) => t.includes(TEXT)), false, 'only the service\'s notice went to the number');
    assert.equal((await refusals(to)).length, 0, 'nothing recorded: no decision was made');
  });

  test('a scheduled one keeps its service through replace_sm and is stopped at send time once the subscription ended', async () => {
    const to = '13800138406';
    await subscribe(to);
    const r = await submit(sm(to, [charged(serviceId)], { schedule_delivery_time: '000000003000000R' }));
    assert.equal(r.status, CommandStatus.ESME_ROK);
    const NEW = '【示例】今日天气：多云，14至20度';
    const replace: ReplaceSmPdu = { command: 'replace_sm', command_status: 0, sequence_number: 0, message_id: r.id, source_addr_ton: 0, source_addr_npi: 1, source_addr: PORT, schedule_delivery_time: '', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message: encodeText(NEW, 8) } as ReplaceSmPdu;
    assert.equal((await submit(replace)).status, CommandStatus.ESME_ROK);
    assert.equal((await view(r.id)).chargedServiceId, serviceId, 'the replacement keeps the service');
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${to}`, headers: cp.auth })).statusCode, 200);
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: (31 * MIN) / 1000 } });
    await g.worker.drain();
    const v = await view(r.id);
    assert.equal(v.status, 'rejected', JSON.stringify(v.history));
    assert.equal(v.history.at(-1).rejection?.code, 'charge_not_confirmed');
    assert.equal(v.history.at(-1).rejection?.rule, 'charging.notice');
    assert.equal((await sent(to)).includes(NEW), false);
  });
});
