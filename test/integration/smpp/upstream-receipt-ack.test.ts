/**
 * A receipt is acknowledged to the SMSC only once its handlers have resolved (its status recorded):
 * before, the deliver_sm_resp went out at once, and a crash before the status was committed lost a
 * status the SMSC had already forgotten. A handler that fails, or takes too long, gets the SMSC a
 * temporary error (ESME_RX_T_APPN), and the receipt delivered again is taken as new, not as a repeat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { until } from '../../helpers/wait.js';

const msg = (id: string): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: `ack ${id}`, registeredDelivery: true, attempts: 0, submittedAt: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: the deliver_sm_resp waits for the receipt's handler; a failed one is delivered again and reported again`, { timeout: 30_000 }, async () => {
    const seen: DeliveryReceipt[] = [];
    const outcomes: { resolve(): void; reject(e: Error): void }[] = [];
    await withUpstream(make, { smsc: { dlr: true }, params: 'name=ack&window=5', onReceipt: (r) => {
      seen.push(r);
      return new Promise<void>((resolve, reject) => outcomes.push({ resolve, reject }));
    } }, async (up, smsc) => {
      const r = await up.submit(msg('msg_ack_1'));
      assert.ok(r.ok);
      await until(() => seen.length === 1, 5000, 'the receipt');
      await sleep(150);
      assert.deepEqual(smsc.receiptAnswers, [], 'not acknowledged while its handler runs');

      // the handler fails (the status could not be recorded): a temporary error to the SMSC
      outcomes[0].reject(new Error('database unavailable'));
      await until(() => smsc.receiptAnswers.length === 1, 5000, 'the answer');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_RX_T_APPN]);

      // the SMSC delivers it again: reported again (not dropped as a repeat), acknowledged once recorded
      assert.equal(smsc.resendReceipts(), 1);
      await until(() => seen.length === 2, 5000, 'the receipt delivered again');
      assert.equal(seen[1].upstreamId, seen[0].upstreamId);
      outcomes[1].resolve();
      await until(() => smsc.receiptAnswers.length === 2, 5000, 'the second answer');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_RX_T_APPN, CommandStatus.ESME_ROK]);
    });
  });

  test(`${name}: a repeat of a receipt still being recorded is answered when the first is recorded, not before`, { timeout: 30_000 }, async () => {
    let calls = 0;
    let recorded!: () => void;
    await withUpstream(make, { smsc: { dlr: true, duplicateReceipts: true }, params: 'name=dup&window=5', onReceipt: () => {
      calls++;
      return new Promise<void>((resolve) => (recorded = resolve));
    } }, async (up, smsc) => {
      assert.ok((await up.submit(msg('msg_ack_dup'))).ok);
      await until(() => calls === 1, 5000, 'the receipt');
      await sleep(200);
      assert.deepEqual(smsc.receiptAnswers, [], 'neither copy answered while the first is being recorded');
      recorded();
      await until(() => smsc.receiptAnswers.length === 2, 5000, 'both answers');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK, CommandStatus.ESME_ROK]);
      assert.equal(calls, 1, 'reported once');
    });
  });

  test(`${name}: a receipt whose handler never settles is answered with a temporary error after receiptAckTimeoutMs`, { timeout: 30_000 }, async () => {
    let calls = 0;
    await withUpstream(make, { smsc: { dlr: true }, params: 'name=slow&window=5', upstream: { receiptAckTimeoutMs: 500 }, onReceipt: () => {
      calls++;
      return new Promise<void>(() => undefined);
    } }, async (up, smsc) => {
      assert.ok((await up.submit(msg('msg_ack_2'))).ok);
      await until(() => calls === 1, 5000, 'the receipt');
      // checked once a second: answered between 0.5 and ~2 s after it arrived
      await until(() => smsc.receiptAnswers.length === 1, 4000, 'the timeout answer');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_RX_T_APPN]);
    });
  });

  test(`${name}: on a link with receiptAck=received a receipt is answered at once, its handler still runs`, { timeout: 30_000 }, async () => {
    let calls = 0;
    await withUpstream(make, { smsc: { dlr: true }, params: 'name=fast&window=5&receiptAck=received', onReceipt: () => {
      calls++;
      return new Promise<void>(() => undefined);
    } }, async (up, smsc) => {
      assert.ok((await up.submit(msg('msg_ack_fast'))).ok);
      await until(() => smsc.receiptAnswers.length === 1, 5000, 'the answer');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK]);
      // on its own thread the answer leaves from there while the receipt crosses to the main
      // thread: the handler may run just after the SMSC has its answer
      await until(() => calls === 1, 5000, 'the handler');
      assert.equal(calls, 1);
    });
  });

  test(`${name}: a receipt whose handler returns nothing is acknowledged at once`, { timeout: 30_000 }, async () => {
    const seen: DeliveryReceipt[] = [];
    await withUpstream(make, { smsc: { dlr: true }, params: 'name=plain&window=5', onReceipt: (r) => { seen.push(r); } }, async (up, smsc) => {
      assert.ok((await up.submit(msg('msg_ack_3'))).ok);
      await until(() => smsc.receiptAnswers.length === 1, 5000, 'the answer');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK]);
      assert.equal(seen.length, 1);
    });
  });
}
