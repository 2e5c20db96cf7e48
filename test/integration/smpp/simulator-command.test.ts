/**
 * `smsguard simulator` (src/cli/simulator.ts) as a gateway sees it: POST /v1/simulator/mo reaches
 * the bound gateway as deliver_sm (as the in-process simulator's route reaches receiveMo), and a
 * long message whose receipt was asked for on one part only (Kannel asks on the first) gets its
 * receipts: a set asks for a receipt if any part does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../src/cli/simulator.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus, EsmClass, Tag, buildConcatUdh, smDefaults, tlvString, type SmPdu, type DataSmPdu } from '../../../src/smpp/pdu/index.js';
import type { InboundMo } from '../../../src/ports/egress.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

test('simulator command: POST /v1/simulator/mo goes to the bound gateway as deliver_sm', { timeout: 30_000 }, async () => {
  const s = await startSimulator({ smppPort: 0, smppHost: '127.0.0.1', httpPort: 0, capacity: 100 });
  const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://gw:pw@127.0.0.1:${s.smppPort}?name=sim`)] });
  const mos: InboundMo[] = [];
  up.onMo((mo) => void mos.push(mo));
  try {
    const post = (body: string) => fetch(`http://127.0.0.1:${s.httpPort}/v1/simulator/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // before any bind: kept, and delivered once the gateway binds
    const early = await post(JSON.stringify({ from: '13800138000', to: '10690002', text: 'TD' }));
    assert.equal(early.status, 202);
    assert.deepEqual(await early.json(), { accepted: true, receivers: 0 });
    up.start();
    assert.ok(await up.waitUp(5000));
    await until(() => mos.length === 1, 5000);
    const r = await post(JSON.stringify({ from: '13900139000', to: '10690003', text: '是，同意接收' }));
    assert.equal(r.status, 202);
    assert.equal(((await r.json()) as { receivers: number }).receivers, 1);
    await until(() => mos.length === 2, 5000);
    assert.deepEqual(mos, [{ from: '13800138000', to: '10690002', text: 'TD' }, { from: '13900139000', to: '10690003', text: '是，同意接收' }]);
    assert.equal((await post('{"from":"13800138000","to":"10690002"}')).status, 400);
    assert.equal((await post('not json')).status, 400);
    // the outbox is still there
    const ob = await fetch(`http://127.0.0.1:${s.httpPort}/v1/simulator/outbox`);
    assert.equal(ob.status, 200);
    // a `to` that is no mobile number: invalid_msisdn with the status and body the gateway's own
    // simulator route answers (it said 400 where the gateway, by the error map, says 422)
    const bad = await fetch(`http://127.0.0.1:${s.httpPort}/v1/simulator/outbox?to=12345`);
    const g = await startTestGateway();
    try {
      const own = await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox?to=12345' });
      assert.equal(own.json().error.code, 'invalid_msisdn');
      assert.equal(bad.status, own.statusCode);
      assert.deepEqual(await bad.json(), own.json());
    } finally {
      await g.close();
    }
  } finally {
    await up.close();
    await s.close();
  }
});

test('simulator: a long message asking for a receipt on its first part only gets a receipt for every part', { timeout: 30_000 }, async () => {
  const s = await startSimulator({ smppPort: 0, smppHost: '127.0.0.1', capacity: 100 });
  const receipts: string[] = [];
  const esme = await SmppEsme.connect({
    host: '127.0.0.1', port: s.smppPort, systemId: 'kannel', password: 'pw', bindType: 'transceiver',
    onDeliver: (pdu: SmPdu | DataSmPdu) => {
      if (pdu.esm_class & EsmClass.DELIVERY_RECEIPT) receipts.push(tlvString(pdu.tlvs, Tag.receipted_message_id) ?? '');
      return CommandStatus.ESME_ROK;
    },
  });
  try {
    const part = (seq: number, text: string, registered_delivery: number): SmPdu => ({
      ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '8613800138000', esm_class: EsmClass.UDHI, registered_delivery,
      short_message: Buffer.concat([buildConcatUdh({ ref: 42, total: 2, seq }), Buffer.from(text, 'latin1')]),
    });
    const ids: string[] = [];
    for (const [seq, text, rd] of [[1, 'first half, ', 1], [2, 'second half', 0]] as const) {
      const resp = await esme.request(part(seq, text, rd));
      assert.equal(resp.command_status, 0);
      ids.push((resp as { message_id: string }).message_id);
    }
    assert.equal(s.sim.outbox().at(-1)?.text, 'first half, second half');
    await until(() => receipts.length >= 2, 5000);
    assert.deepEqual(receipts.sort(), [...ids].sort());
  } finally {
    await esme.close();
    await s.close();
  }
});
