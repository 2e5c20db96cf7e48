/**
 * Scale-out: a process stop of an egress process (`--queue`, role egress) against a carrier SMSC
 * that sends receipts as our unbind arrives (the fake's `receiptsAtUnbind`: each receipt crosses
 * the stop's unbind on the wire). The bus roles' graceful stop (`unbindLinks`, as src/main.ts's
 * 'bus' closer asks) unbinds the carrier links between the egress worker's stop of sending and its
 * stop of receipts (BusEgressWorker.stop), so each receipt is recorded once and answered ESME_ROK,
 * and the SMSC keeps none to deliver again after the restart. Before 2026-12-07 the worker stopped
 * its receipts first and the links unbound later, with the SMPP doors: each was answered
 * ESME_RX_T_APPN, not recorded, and came again (the in-process path's counterpart:
 * test/e2e/stop-receipts.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msisdn } from '../../contract/fixtures.js';
import { busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus } from '../../../src/smpp/pdu/index.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';

describe('an egress process stop: receipts crossing the carrier links\' unbind', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('are recorded once and answered ESME_ROK, not refused for the SMSC to deliver again', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'a1c2e3');
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, receiptsAtUnbind: true });
    await smsc.listen();
    cleanups.push(() => smsc.close());
    const upstream = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`)] });
    upstream.start();
    cleanups.push(() => upstream.close());
    assert.ok(await upstream.waitUp(5000));
    const api = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: upstream });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await egress.stop();
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [o] = await api.app.submitMessages(principal, [{ from: seeded.service, to: msisdn(), text: `${seeded.signature}您的验证码是${100000 + i}`, type: 'verification' }], 'http');
      if (!o.ok) assert.fail(JSON.stringify(o));
      ids.push(o.id);
    }
    for (const id of ids) await until(async () => (await api.store.messages.getMessage(id))?.status === 'submitted', 20_000, `${id} written to the carrier`);
    // all three acknowledged by the carrier; their receipts wait for our unbind
    await until(() => smsc.heldForUnbind === 3, 10_000, 'the three receipts kept for the unbind');

    // the process stop: the bus roles gracefully, then the SMPP doors (src/main.ts's closers)
    stopped = true;
    await egress.roles.stop({ unbindLinks: true });
    await upstream.close();
    await egress.store.close();

    assert.equal(smsc.unbindsReceived, 1, 'the stop unbound the link');
    assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK, CommandStatus.ESME_ROK, CommandStatus.ESME_ROK], 'each answered ESME_ROK, none refused for later');
    assert.equal(smsc.resendReceipts(), 0, 'none kept by the SMSC for the next bind');
    assert.equal(smsc.received.length, 3, 'nothing submitted twice');
    for (const id of ids) assert.equal((await api.store.messages.getMessage(id))?.status, 'delivered', `${id} recorded delivered`);
  });
});
