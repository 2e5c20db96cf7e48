/**
 * Two egress processes on one carrier account: a receipt reaches process B before process A, which
 * sent the message, has recorded its `submitted` (an SMSC reports on whichever bind it likes, and may
 * report before it answers). B's receipt book keeps it a while (EARLY_KEEP_MS) and tries it again.
 * A wakes B as it records `submitted` (`<prefix>.evt.submitted`), so B tries at once; the timer
 * (receiptRetryMs) is only the fallback. Here B's timer is set far past the test: the receipt is
 * settled only if the wake comes; without it B drops the receipt as matching nothing and the
 * message stays `submitted`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedCarrier, busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { msisdn } from '../../contract/fixtures.js';
import { until } from '../../helpers/wait.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';

/** A carrier link whose receipts the test hands in (the SMSC reporting on this process's bind). */
class ReportingCarrier extends ScriptedCarrier {
  private cbs: ((r: DeliveryReceipt) => void | Promise<unknown>)[] = [];
  override onReceipt(cb?: (r: DeliveryReceipt) => void | Promise<unknown>): void {
    if (cb) this.cbs.push(cb);
  }
  report(r: DeliveryReceipt): Promise<unknown> {
    return Promise.all(this.cbs.map((cb) => cb(r)));
  }
}

describe('a receipt that reached another egress process first', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('is settled once the sending process records its submitted, woken over the bus, not by a timer', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'a1b2c3');
    const carrierA = new ScriptedCarrier();
    carrierA.answering = false; // written, its answer held: the receipt comes first
    const a = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'all', egress: carrierA, partitions: 1 });
    await until(async () => a.roles.worker!.owned().length === 1, 5000, 'A owns the partition');
    const carrierB = new ReportingCarrier();
    carrierB.bringUp();
    const b = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: carrierB, partitions: 1, timings: { receiptRetryMs: 600_000 } });
    cleanups.push(() => b.stop());
    carrierA.bringUp();
    const [o] = await a.app.submitMessages(principal, [{ from: seeded.service, to: msisdn(), text: `${seeded.signature}您的订单1001已发货`, type: 'notification', registeredDelivery: true }], 'http');
    assert.ok(o.ok);
    await until(async () => carrierA.written.includes(o.id), 5000, 'written to the carrier by A');
    // the SMSC reports on B's bind before A has its answer
    let settled = false;
    const receipt = carrierB.report({ upstreamId: `c-${o.id}`, stat: 'DELIVRD', at: Date.now() }).then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'B keeps it: its message is not on file yet');
    carrierA.answerAll();
    await receipt;
    const row = (await h.store.pool.query<{ status: string }>('SELECT status FROM message_status WHERE id = $1', [o.id])).rows[0];
    assert.equal(row?.status, 'delivered', 'settled on the receipt B got');
  });
});
