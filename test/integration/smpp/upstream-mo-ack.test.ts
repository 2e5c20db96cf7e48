/**
 * An MO from the carrier is acknowledged (deliver_sm_resp ESME_ROK) only once the MO handler
 * (receiveMo: opt-outs, consent replies) has resolved; a handler that fails or takes too long gets
 * ESME_RX_T_APPN, so the SMSC delivers the MO again. Before, the client answered ESME_ROK at once,
 * and a crash before receiveMo recorded an opt-out lost it for good. The client may run on its own
 * thread: the handler's outcome travels back across the thread boundary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus, EsmClass, buildConcatUdh, smDefaults, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { InboundMo } from '../../../src/ports/egress.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';
import { startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';

const TD = { from: '8613800138000', to: '10690002', text: 'TD' };

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: an MO is acknowledged after its handler resolves, refused for now when it fails or hangs`, { timeout: 30_000 }, async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none' });
    await smsc.listen();
    const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=mo`)], moAckTimeoutMs: 400 });
    const seen: InboundMo[] = [];
    let mode: 'slow' | 'fail' | 'hang' | 'ok' = 'slow';
    let handledAt = 0;
    up.onMo(async (mo) => {
      seen.push(mo);
      if (mode === 'slow') {
        await new Promise((r) => setTimeout(r, 200));
        handledAt = Date.now();
      } else if (mode === 'fail') throw new Error('store unavailable');
      else if (mode === 'hang') await new Promise(() => {});
    });
    up.start();
    try {
      assert.ok(await up.waitUp(5000));
      // slow but successful: ESME_ROK, and only after the handler finished
      assert.equal(await smsc.sendMo(TD), CommandStatus.ESME_ROK);
      const answeredAt = Date.now();
      assert.ok(handledAt > 0 && handledAt <= answeredAt, 'acknowledged after the handler resolved');
      assert.deepEqual(seen.at(-1), { from: TD.from, to: TD.to, text: 'TD' });
      // failing: a temporary error, so the SMSC delivers it again
      mode = 'fail';
      assert.equal(await smsc.sendMo(TD), CommandStatus.ESME_RX_T_APPN);
      // hanging: bounded by moAckTimeoutMs
      mode = 'hang';
      const t0 = Date.now();
      assert.equal(await smsc.sendMo(TD), CommandStatus.ESME_RX_T_APPN);
      assert.ok(Date.now() - t0 >= 350, 'waited for the handler up to the bound');
      mode = 'ok';
      assert.equal(await smsc.sendMo(TD), CommandStatus.ESME_ROK);
      assert.equal(seen.length, 4);
    } finally {
      await up.close();
      await smsc.close();
    }
  });
}

test('a long MO goes to the handler part by part, each acknowledged once its handler resolved', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=mo`)] });
  const seen: InboundMo[] = [];
  let fail = false;
  up.onMo(async (mo) => {
    seen.push(mo);
    if (fail) throw new Error('store unavailable');
  });
  up.start();
  try {
    assert.ok(await up.waitUp(5000));
    const part = (seq: number, text: string): SmPdu => ({
      ...smDefaults(), command: 'deliver_sm', sequence_number: 0, source_addr: TD.from, destination_addr: TD.to, esm_class: EsmClass.UDHI,
      short_message: Buffer.concat([buildConcatUdh({ ref: 7, total: 2, seq }), Buffer.from(text, 'latin1')]),
    });
    assert.equal(await smsc.sendDeliver(part(1, 'please stop, ')), CommandStatus.ESME_ROK);
    fail = true;
    assert.equal(await smsc.sendDeliver(part(2, 'TD')), CommandStatus.ESME_RX_T_APPN, 'not kept: the SMSC keeps it');
    fail = false;
    assert.equal(await smsc.sendDeliver(part(2, 'TD')), CommandStatus.ESME_ROK);
    assert.deepEqual(seen.map((m) => [m.text, m.part]), [
      ['please stop, ', { ref: 7, total: 2, seq: 1 }],
      ['TD', { ref: 7, total: 2, seq: 2 }],
      ['TD', { ref: 7, total: 2, seq: 2 }],
    ]);
  } finally {
    await up.close();
    await smsc.close();
  }
});

test('through the delivery worker: a TD is acknowledged once the opt-out is recorded; a stopped worker leaves it to the SMSC', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const g = await startSmppGateway({ upstreamUrl: `smpp://u:p@127.0.0.1:${smsc.port}?name=mo` });
  try {
    assert.equal(await smsc.sendMo(TD), CommandStatus.ESME_ROK);
    assert.equal(await g.store.consents.isOptedOut(g.cpId, '+8613800138000'), true, 'recorded before the acknowledgement');
    await g.worker.stop();
    assert.equal(await smsc.sendMo({ ...TD, from: '8613900139000' }), CommandStatus.ESME_RX_T_APPN, 'not handled: the SMSC keeps it');
  } finally {
    await g.close();
    await smsc.close();
  }
});
