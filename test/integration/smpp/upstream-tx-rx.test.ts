/**
 * `bind=tx+rx` links (docs/SMPP.md "Bind mode"): against a fake SMSC that refuses bind_transceiver
 * ESME_RINVCMDID, as carrier SMSCs that take only separate binds do (SMPP 3.4 §2.2), a transceiver
 * link never binds, while a tx+rx link binds a transmitter and a receiver: submits go over the
 * transmitter, receipts and MO come over the receiver and are matched and handled as on a
 * transceiver, and the receiver dropping and binding again leaves the transmitter sending. For the
 * client in process and on its own thread; then the whole gateway: a message submitted by a
 * provider is marked delivered by a receipt that came over the receiver, and an MO over the
 * receiver reaches the provider. An operator's stop and start act on both sessions. Before bind=, `bind=tx+rx` was ignored and no link bound.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { decodeText, encodeText, smDefaults, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { DeliveryReceipt, InboundMo } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { UpstreamLinkStatus } from '../../../src/ports/upstream-links.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, type Upstream } from '../../fakes/smpp/upstream-fixture.js';
import { startSmppGateway, ADMIN, type SmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { until, waitFor } from '../../helpers/wait.js';

let seq = 0;
const msg = (text: string): OutboundMessage => ({
  id: `msg_txrx_${seq++}`, contentProviderId: 'cp_1', from: '10690001', to: `+86138000${String(seq).padStart(5, '0')}`, text, registeredDelivery: true, attempts: 0, submittedAt: Date.now(),
});

async function withSplitSmsc(
  make: (o: UpstreamOptions) => Upstream,
  params: string,
  o: { smsc?: Partial<FakeSmscOptions>; link?: UpstreamOptions['link'] },
  body: (x: { up: Upstream; smsc: FakeSmsc; link: () => Promise<UpstreamLinkStatus>; receipts: DeliveryReceipt[]; mos: InboundMo[] }) => Promise<void>,
): Promise<void> {
  const smsc = new FakeSmsc({ misbehaviour: 'refuses_transceiver', ...o.smsc });
  await smsc.listen();
  const up = make({ links: [parseUpstreamUrl(`smpp://carrier:pw@127.0.0.1:${smsc.port}?name=cmcc&${params}`)], submitBudgetMs: 5000, link: o.link ?? { minBackoffMs: 50, maxBackoffMs: 100 } });
  const receipts: DeliveryReceipt[] = [];
  const mos: InboundMo[] = [];
  up.onReceipt((r) => void receipts.push(r));
  up.onMo((m) => void mos.push(m));
  up.start();
  try {
    await body({ up, smsc, receipts, mos, link: async () => (await up.linkStatus(2000)).links[0] });
  } finally {
    await up.close();
    await smsc.close();
  }
}

const bothBound = (l: UpstreamLinkStatus) => l.sessions.length === 2 && l.sessions.every((s) => s.state === 'bound');

for (const [variant, make] of UPSTREAM_MAKERS) {
  describe(`bind=tx+rx against an SMSC that refuses bind_transceiver (${variant})`, () => {
    test('bind=trx (the default) never binds; bind=tx+rx binds a transmitter and a receiver, and its status shows both', async () => {
      await withSplitSmsc(make, '', {}, async ({ up, smsc, link }) => {
        await until(() => smsc.refusedBinds >= 2, 5000, 'refused, and tried again');
        assert.equal(await up.waitUp(200), false, 'a transceiver link never binds');
        assert.equal(smsc.binds, 0);
        const l = await link();
        assert.equal(l.bind, 'trx');
        assert.notEqual(l.state, 'bound');
        assert.match(l.lastError?.message ?? '', /ESME_RINVCMDID/);
        assert.deepEqual(l.sessions.map((s) => s.bindType), ['transceiver']);
      });
      await withSplitSmsc(make, 'bind=tx+rx', {}, async ({ up, smsc, link }) => {
        assert.ok(await up.waitUp(3000), 'the transmitter bound');
        await until(async () => bothBound(await link()), 3000, 'both sessions bound');
        const l = await link();
        assert.equal(l.bind, 'tx+rx');
        assert.equal(l.state, 'bound');
        assert.deepEqual(l.sessions.map((s) => [s.bindType, s.state, s.reconnects, s.lastError]), [['transmitter', 'bound', 0, null], ['receiver', 'bound', 0, null]]);
        assert.equal(l.boundSince, l.sessions[0].boundSince, 'the link is bound since its transmitter is');
        assert.equal(smsc.refusedBinds, 0, 'no bind_transceiver tried');
        assert.deepEqual([...smsc.bindTypes].sort(), ['receiver', 'transmitter']);
      });
    });

    test('submits go over the transmitter; receipts and MO come over the receiver and are matched and handled as on a transceiver', async () => {
      await withSplitSmsc(make, 'bind=tx+rx&window=5', { smsc: { dlr: true } }, async ({ up, smsc, link, receipts, mos }) => {
        assert.ok(await up.waitUp(3000));
        await until(async () => bothBound(await link()), 3000, 'both sessions bound');
        const rs = await Promise.all([msg('one'), msg('two')].map((m) => up.submit(m)));
        const ids = rs.map((r) => (r.ok ? r.upstreamId : assert.fail(JSON.stringify(r))));
        await until(() => receipts.length === 2, 5000, 'both receipts');
        assert.deepEqual(receipts.map((r) => [r.upstreamId, r.stat]).sort(), ids.map((id) => [id, 'DELIVRD']).sort());
        assert.deepEqual(smsc.receivedOn, ['bound_tx', 'bound_tx']);
        assert.equal(await smsc.sendMo({ from: '8613900000001', to: '10690001', text: 'TD' }), 0, 'the MO acknowledged');
        assert.deepEqual(mos, [{ from: '8613900000001', to: '10690001', text: 'TD' }]);
        assert.deepEqual(smsc.deliveredOn, ['bound_rx', 'bound_rx', 'bound_rx']);
        assert.deepEqual(smsc.receiptAnswers, [0, 0]);
        assert.deepEqual((await link()).counters, { submitted: 2, submitFailed: 0, throttled: 0, receipts: 2, mo: 1 });
      });
    });

    test('the receiver dropping and binding again leaves the transmitter bound and sending; the receipts wait for the new receiver', async () => {
      await withSplitSmsc(make, 'bind=tx+rx', { smsc: { dlr: true } }, async ({ up, smsc, link, receipts }) => {
        assert.ok(await up.waitUp(3000));
        await until(async () => bothBound(await link()), 3000, 'both sessions bound');
        const before = await link();
        // the receiver kept away (its rebinds refused) while the link sends
        smsc.refuseReceivers = true;
        assert.equal(smsc.dropReceivers(), 1);
        await until(async () => (await link()).sessions[1].state !== 'bound', 3000, 'the receiver down');
        const during = await link();
        assert.equal(during.state, 'bound', 'the link can still send');
        assert.equal(up.bound(), true);
        assert.deepEqual(during.sessions[0], before.sessions[0], 'the transmitter untouched');
        assert.ok(during.sessions[1].lastError, 'the receiver says why it went down');
        const r = await up.submit(msg('while the receiver is away'));
        assert.ok(r.ok, JSON.stringify(r));
        await until(() => smsc.refusedBinds >= 2, 3000, 'the receiver trying to bind again');
        assert.equal(receipts.length, 0, 'no receiver: the SMSC holds the receipt');
        assert.equal((await link()).state, 'bound');
        smsc.refuseReceivers = false;
        await until(async () => bothBound(await link()), 3000, 'the receiver bound again');
        await until(() => receipts.length === 1, 3000, 'the held receipt over the new receiver');
        assert.equal(receipts[0].upstreamId, r.ok ? r.upstreamId : '');
        const after = await link();
        assert.deepEqual(after.sessions[0], before.sessions[0], 'one transmitter bind throughout, never reconnected');
        assert.ok(after.sessions[1].reconnects >= 2, 'refused, then bound');
        assert.equal(after.reconnects, after.sessions[1].reconnects, 'the link counts its sessions\' reconnects');
        assert.deepEqual(smsc.bindTypes.filter((t) => t === 'transmitter'), ['transmitter']);
        assert.deepEqual(smsc.bindTypes.filter((t) => t === 'receiver'), ['receiver', 'receiver']);
      });
    });

    test('an operator\'s stop unbinds both sessions and keeps them unbound; a start binds both again', async () => {
      await withSplitSmsc(make, 'bind=tx+rx', {}, async ({ up, smsc, link }) => {
        assert.ok(await up.waitUp(3000));
        await until(async () => bothBound(await link()), 3000, 'both sessions bound');
        const stopped = await up.stopLink('cmcc', 'tok_ops', Date.now());
        assert.ok(stopped.ok && stopped.status.state === 'stopped');
        await until(async () => (await link()).sessions.every((s) => s.state === 'closed'), 3000, 'both sessions unbound');
        await until(() => [...smsc.conns].every((c) => !c.session.bound), 3000, 'nothing bound at the SMSC');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(smsc.binds, 2, 'no reconnect of either session while stopped');
        assert.equal(up.bound(), false);
        const started = await up.startLink('cmcc');
        assert.ok(started.ok);
        assert.ok(await up.waitUp(3000));
        await until(async () => bothBound(await link()), 3000, 'both sessions bound again');
        assert.deepEqual([...smsc.bindTypes].sort(), ['receiver', 'receiver', 'transmitter', 'transmitter']);
      });
    });
  });
}

test('the gateway over a bind=tx+rx link: a provider\'s message is marked delivered by the receipt that came over the receiver; an MO over the receiver reaches the provider', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'refuses_transceiver', dlr: true });
  await smsc.listen();
  let g: SmppGateway | undefined;
  let esme: SmppEsme | undefined;
  const delivered: SmPdu[] = [];
  try {
    g = await startSmppGateway({ upstreamUrl: `smpp://sg:pw@127.0.0.1:${smsc.port}?name=carrier&bind=tx+rx` });
    esme = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password, onDeliver: (p) => { delivered.push(p as SmPdu); return 0; } });
    const gw = g;
    await until(async () => (await gw.upstream.linkStatus()).links[0].sessions.every((s) => s.state === 'bound'), 3000, 'the receiver bound');
    const text = '【示例】您的验证码是654321，5分钟内有效。';
    const resp = await esme.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 1 });
    assert.equal(resp.command_status, 0);
    const id = (resp as { message_id: string }).message_id;
    const m = await waitFor(async () => {
      const v = (await gw.app.getMessage(ADMIN, id)) as { status: string; history: { status: string }[] } | null;
      return v?.status === 'delivered' ? v : undefined;
    }, 8000, 'the message delivered');
    assert.deepEqual(m.history.map((h) => h.status), ['accepted', 'submitted', 'delivered']);
    assert.deepEqual(smsc.ackedTexts(), [text]);
    assert.deepEqual(smsc.receivedOn, ['bound_tx']);
    assert.deepEqual(smsc.deliveredOn, ['bound_rx']);

    assert.equal(await smsc.sendMo({ from: '8613800138000', to: '10690001', text: 'shou dao' }), 0);
    const mo = await waitFor(() => delivered.find((p) => p.esm_class === 0 && decodeText(p.short_message, p.data_coding) === 'shou dao'), 5000, 'the MO at the provider');
    assert.equal(mo.destination_addr, '10690001');
    assert.deepEqual(smsc.deliveredOn, ['bound_rx', 'bound_rx']);
  } finally {
    await esme?.close();
    await g?.close();
    await smsc.close();
  }
});
